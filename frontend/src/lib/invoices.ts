// Helpers for the invoice pages: states for people, periods (`YYYY-MM`, calendar months in
// UTC), the list's filters as they live in the address bar, lines by section, decimal
// comparison of money strings (never through floats), and the run and credit-note forms'
// validation and inputs.

import type { CreditNoteInput, InvoiceState } from '../../generated/gql/graphql';

export const INVOICE_STATES: readonly InvoiceState[] = ['DRAFT', 'ISSUED', 'VOID'];

export const INVOICE_STATE_COLORS: Record<InvoiceState, string> = {
  DRAFT: 'gray',
  ISSUED: 'teal',
  VOID: 'red',
};

export const INVOICE_STATE_LABELS: Record<InvoiceState, string> = {
  DRAFT: 'Draft',
  ISSUED: 'Issued',
  VOID: 'Void',
};

/** An invoice's number, or "Draft" before it is issued. */
export function invoiceNumber(number: string | null | undefined): string {
  return number || 'Draft';
}

// ---------------------------------------------------------------------------------------------
// Periods.

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isPeriod(value: string): boolean {
  return PERIOD.test(value);
}

/** The UTC calendar month holding `now`: "2026-11". */
export function currentPeriod(now: Date = new Date()): string {
  return now.toISOString().slice(0, 7);
}

/** The month before a period: "2026-01" → "2025-12". */
export function previousPeriod(period: string): string {
  const m = PERIOD.exec(period);
  if (!m) return period;
  const year = Number(m[1]);
  const month = Number(m[2]);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

const monthName = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "November 2026"; anything else as it is. */
export function periodLabel(period: string): string {
  const m = PERIOD.exec(period);
  return m ? monthName.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1))) : period;
}

/** The period filter's options: the last `count` months, newest first, and the current one if older. */
export function periodOptions(current: string | null, now: Date = new Date(), count = 24): { value: string; label: string }[] {
  const out: { value: string; label: string }[] = [];
  let p = currentPeriod(now);
  for (let i = 0; i < count; i++) {
    out.push({ value: p, label: periodLabel(p) });
    p = previousPeriod(p);
  }
  if (current && isPeriod(current) && !out.some((o) => o.value === current)) {
    out.push({ value: current, label: periodLabel(current) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The list's filters, in the query string.

export const INVOICE_PAGE_SIZES = [10, 20, 50, 100] as const;
export const DEFAULT_INVOICE_PAGE_SIZE = 20;

export interface InvoiceListFilters {
  customer: string | null;
  /** `YYYY-MM`, or null for every period. */
  period: string | null;
  state: InvoiceState | null;
  pageSize: number;
}

export const noInvoiceFilters: InvoiceListFilters = {
  customer: null,
  period: null,
  state: null,
  pageSize: DEFAULT_INVOICE_PAGE_SIZE,
};

/** The filters a query string names; unknown or malformed values are ignored. */
export function parseInvoiceFilters(params: URLSearchParams): InvoiceListFilters {
  const period = params.get('period') ?? '';
  const state = params.get('state');
  const size = Number(params.get('size'));
  return {
    customer: params.get('customer') || null,
    period: isPeriod(period) ? period : null,
    state: INVOICE_STATES.includes(state as InvoiceState) ? (state as InvoiceState) : null,
    pageSize: (INVOICE_PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_INVOICE_PAGE_SIZE,
  };
}

/** The query string of some filters, naming only what is set (so `/invoices` is "everything"). */
export function invoiceFiltersToParams(f: InvoiceListFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.customer) p.set('customer', f.customer);
  if (f.period) p.set('period', f.period);
  if (f.state) p.set('state', f.state);
  if (f.pageSize !== DEFAULT_INVOICE_PAGE_SIZE) p.set('size', String(f.pageSize));
  return p;
}

export function hasInvoiceFilters(f: InvoiceListFilters): boolean {
  return Boolean(f.customer || f.period || f.state);
}

// ---------------------------------------------------------------------------------------------
// Lines.

export const SECTION_LABELS: Record<string, string> = {
  messages: 'Messages',
  carrier_fees: 'Carrier fees (pass-through)',
  one_time: 'One-time charges',
};

const SECTION_ORDER = ['messages', 'carrier_fees', 'one_time'];

export function sectionLabel(section: string): string {
  return SECTION_LABELS[section] ?? section.replace(/_/g, ' ');
}

/** Lines grouped by section: messages, carrier fees, one-time, then any other; each by `seq`. */
export function groupLines<T extends { section: string; seq: number }>(lines: readonly T[]): { section: string; label: string; lines: T[] }[] {
  const bySection = new Map<string, T[]>();
  for (const l of lines) {
    const list = bySection.get(l.section) ?? [];
    list.push(l);
    bySection.set(l.section, list);
  }
  const rank = (s: string) => {
    const i = SECTION_ORDER.indexOf(s);
    return i === -1 ? SECTION_ORDER.length : i;
  };
  return [...bySection.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([section, list]) => ({
      section,
      label: sectionLabel(section),
      lines: [...list].sort((a, b) => a.seq - b.seq),
    }));
}

// ---------------------------------------------------------------------------------------------
// Money strings, compared exactly.

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** A decimal string as an integer of 10^-scale units, with that scale; null when not a decimal. */
function scaled(value: string): { units: bigint; scale: number } | null {
  const m = DECIMAL.exec(value.trim());
  if (!m) return null;
  const [, sign, whole = '0', frac = ''] = m;
  const units = BigInt(`${whole}${frac}`) * (sign === '-' ? -1n : 1n);
  return { units, scale: frac.length };
}

/** -1, 0 or 1 as `a` is below, equal to or above `b`; null when either is not a decimal string. */
export function compareMoney(a: string, b: string): -1 | 0 | 1 | null {
  const x = scaled(a);
  const y = scaled(b);
  if (!x || !y) return null;
  const scale = Math.max(x.scale, y.scale);
  const xa = x.units * 10n ** BigInt(scale - x.scale);
  const ya = y.units * 10n ** BigInt(scale - y.scale);
  return xa < ya ? -1 : xa > ya ? 1 : 0;
}

/** True for an amount of exactly zero ("0", "0.00"). */
export function isZeroMoney(value: string): boolean {
  return compareMoney(value, '0') === 0;
}

/** A credit note's amount as the list shows it: "−10.50 USD" (a minus sign, not a hyphen). */
export function creditLabel(formatted: string): string {
  return formatted === '—' ? formatted : `−${formatted.replace(/^-/, '')}`;
}

// ---------------------------------------------------------------------------------------------
// The run form.

export interface RunValues {
  period: string;
  /** "" for every customer. */
  customerId: string;
}

export function periodError(value: string): string | null {
  const v = value.trim();
  if (!v) return 'Enter the month to invoice, as YYYY-MM.';
  if (!isPeriod(v)) return 'A period is a month as YYYY-MM, e.g. 2026-11.';
  return null;
}

export function runVariables(values: RunValues): { period: string; customerId: string | null } {
  return { period: values.period.trim(), customerId: values.customerId || null };
}

// ---------------------------------------------------------------------------------------------
// The credit-note form.

export type CreditMode = 'full' | 'lines' | 'amount';

export interface CreditValues {
  mode: CreditMode;
  reason: string;
  lineIds: string[];
  amount: string;
}

export const REASON_MAX = 500;

/** The form's errors by field (empty when it may be sent); `balance` is the invoice's. */
export function creditNoteErrors(values: CreditValues, balance: string): Partial<Record<'reason' | 'lineIds' | 'amount', string>> {
  const errors: Partial<Record<'reason' | 'lineIds' | 'amount', string>> = {};
  const reason = values.reason.trim();
  if (!reason) errors.reason = 'Give a reason: the customer sees it on the credit note.';
  else if (reason.length > REASON_MAX) errors.reason = `At most ${REASON_MAX} characters.`;
  if (values.mode === 'lines' && values.lineIds.length === 0) errors.lineIds = 'Choose at least one line to credit.';
  if (values.mode === 'amount') {
    const amount = values.amount.trim();
    if (!amount) errors.amount = 'Enter the amount to credit, e.g. 10.50.';
    else if (!/^\d+(\.\d+)?$/.test(amount)) errors.amount = 'An amount is a positive decimal such as 10.50.';
    else if (compareMoney(amount, '0') !== 1) errors.amount = 'The amount must be more than zero.';
    else if (compareMoney(amount, balance) === 1) errors.amount = `At most the balance, ${balance}.`;
  }
  return errors;
}

/** The mutation's input for the form's mode: exactly one of `full`, `lineIds` and `amount`. */
export function creditNoteInput(invoiceId: string, values: CreditValues): CreditNoteInput {
  const base = { invoiceId, reason: values.reason.trim() };
  switch (values.mode) {
    case 'full':
      return { ...base, full: true };
    case 'lines':
      return { ...base, lineIds: values.lineIds };
    case 'amount':
      return { ...base, amount: values.amount.trim() };
  }
}
