// Helpers for the revenue chart and the invoice drafts: exact sums of money strings (integer
// micro-units, never floats until a chart needs a number), months counted back from now,
// totals per month by customer and by message kind, and each draft against the customer's
// previous month.

import type { InvoiceState } from '../../generated/gql/graphql';
import { currentPeriod, periodLabel, previousPeriod } from './invoices';

// ---------------------------------------------------------------------------------------------
// Money as micro-units (the service's own precision: 6 places).

const DECIMAL = /^(-?)(\d+)(?:\.(\d{1,6}))?$/;

/** A decimal string as micro-units; null when it is not one (or has more than 6 places). */
export function toMicros(value: string): bigint | null {
  const m = DECIMAL.exec(value.trim());
  if (!m) return null;
  const [, sign, whole = '0', frac = ''] = m;
  const units = BigInt(whole) * 1_000_000n + BigInt(frac.padEnd(6, '0'));
  return sign === '-' ? -units : units;
}

/** Micro-units as a decimal string with 6 places: 1500000n → "1.500000". */
export function fromMicros(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / 1_000_000n;
  const frac = String(abs % 1_000_000n).padStart(6, '0');
  return `${negative ? '-' : ''}${whole}.${frac}`;
}

/** The exact sum of decimal strings; values that are not decimals count as zero. */
export function sumMoney(values: readonly string[]): string {
  return fromMicros(values.reduce((acc, v) => acc + (toMicros(v) ?? 0n), 0n));
}

/** `a − b`, exactly. */
export function subtractMoney(a: string, b: string): string {
  return fromMicros((toMicros(a) ?? 0n) - (toMicros(b) ?? 0n));
}

/** For charts only: micro-units as a number of whole currency units. */
export function moneyToNumber(value: string): number {
  return Number(toMicros(value) ?? 0n) / 1_000_000;
}

/** The change from `previous` to `current` in percent, one decimal; null when there was nothing before. */
export function changePercent(current: string, previous: string | null): number | null {
  if (previous === null) return null;
  const p = toMicros(previous) ?? 0n;
  if (p === 0n) return null;
  const c = toMicros(current) ?? 0n;
  // Rounded half away from zero to one decimal, in integers.
  const tenths = ((c - p) * 2000n) / p;
  const rounded = tenths >= 0n ? (tenths + 1n) / 2n : (tenths - 1n) / 2n;
  return Number(rounded) / 10;
}

/** "+12.5 %", "−3 %", "±0 %". */
export function formatChange(percent: number | null): string {
  if (percent === null) return 'new';
  if (percent === 0) return '±0 %';
  const n = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(Math.abs(percent));
  return `${percent > 0 ? '+' : '−'}${n} %`;
}

// ---------------------------------------------------------------------------------------------
// Months.

/** The last `count` periods up to the current one, oldest first. */
export function recentPeriods(count: number, now: Date = new Date()): string[] {
  const out: string[] = [];
  let p = currentPeriod(now);
  for (let i = 0; i < count; i++) {
    out.unshift(p);
    p = previousPeriod(p);
  }
  return out;
}

/** "Nov 2026" for an axis. */
export function shortPeriod(period: string): string {
  const label = periodLabel(period);
  const [month, year] = label.split(' ');
  return month && year ? `${month.slice(0, 3)} ${year}` : label;
}

// ---------------------------------------------------------------------------------------------
// Totals per month.

export interface BillingMonthLike {
  customerId: string;
  period: string;
  state: InvoiceState;
  total: string;
  currency: string;
}

export interface RevenueOptions {
  currency: string;
  includeDrafts: boolean;
}

/** Counted as revenue: issued invoices, drafts when asked, never void ones (credited in full). */
export function counts(state: InvoiceState, includeDrafts: boolean): boolean {
  return state === 'ISSUED' || (includeDrafts && state === 'DRAFT');
}

/** The currencies among some months, the most used first. */
export function currenciesOf(months: readonly { currency: string }[]): string[] {
  const n = new Map<string, number>();
  for (const m of months) n.set(m.currency, (n.get(m.currency) ?? 0) + 1);
  return [...n.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);
}

export interface Series {
  name: string;
  label: string;
}

export interface RevenueChart {
  /** One row per period: `period`, `label`, then one number per series name. */
  data: Record<string, string | number>[];
  series: Series[];
  /** The exact total of each period, in the chart's order. */
  totals: { period: string; total: string }[];
}

/**
 * Per period, each customer's invoiced total; the `top` customers by total keep their own
 * series, the rest are summed as "Others".
 */
export function revenueByCustomer(
  months: readonly BillingMonthLike[],
  periods: readonly string[],
  names: (customerId: string) => string,
  options: RevenueOptions,
  top = 6,
): RevenueChart {
  const kept = months.filter((m) => m.currency === options.currency && counts(m.state, options.includeDrafts) && periods.includes(m.period));
  const byCustomer = new Map<string, bigint>();
  for (const m of kept) byCustomer.set(m.customerId, (byCustomer.get(m.customerId) ?? 0n) + (toMicros(m.total) ?? 0n));
  const ranked = [...byCustomer.entries()].sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : a[0].localeCompare(b[0])));
  const own = new Set(ranked.slice(0, top).map(([id]) => id));
  const series: Series[] = ranked.slice(0, top).map(([id]) => ({ name: `c${id}`, label: names(id) }));
  if (ranked.length > top) series.push({ name: 'others', label: 'Others' });
  return build(periods, series, kept.map((m) => ({ period: m.period, key: own.has(m.customerId) ? `c${m.customerId}` : 'others', amount: m.total })));
}

export interface InvoiceWithLines {
  period: string;
  state: InvoiceState;
  currency: string;
  lines: readonly { section: string; messageKind?: string | null; amount: string }[];
}

export const KIND_SERIES: Series[] = [
  { name: 'sms', label: 'SMS' },
  { name: 'mms', label: 'MMS' },
  { name: 'carrierFees', label: 'Carrier fees' },
  { name: 'oneTime', label: 'One-time charges' },
];

/** Which series of the kind chart a line belongs to. */
export function kindSeriesOf(line: { section: string; messageKind?: string | null }): string {
  if (line.section === 'carrier_fees') return 'carrierFees';
  if (line.section === 'one_time') return 'oneTime';
  return line.messageKind === 'MMS' ? 'mms' : 'sms';
}

/** Per period, the invoiced amounts by message kind (SMS, MMS), carrier fees and one-time charges. */
export function revenueByKind(invoices: readonly InvoiceWithLines[], periods: readonly string[], options: RevenueOptions): RevenueChart {
  const entries: { period: string; key: string; amount: string }[] = [];
  for (const inv of invoices) {
    if (inv.currency !== options.currency || !counts(inv.state, options.includeDrafts) || !periods.includes(inv.period)) continue;
    for (const l of inv.lines) entries.push({ period: inv.period, key: kindSeriesOf(l), amount: l.amount });
  }
  const used = new Set(entries.map((e) => e.key));
  return build(periods, KIND_SERIES.filter((s) => used.has(s.name)), entries);
}

function build(periods: readonly string[], series: Series[], entries: readonly { period: string; key: string; amount: string }[]): RevenueChart {
  const sums = new Map<string, bigint>();
  const totals = new Map<string, bigint>();
  for (const e of entries) {
    const units = toMicros(e.amount) ?? 0n;
    sums.set(`${e.period}|${e.key}`, (sums.get(`${e.period}|${e.key}`) ?? 0n) + units);
    totals.set(e.period, (totals.get(e.period) ?? 0n) + units);
  }
  return {
    data: periods.map((period) => {
      const row: Record<string, string | number> = { period, label: shortPeriod(period) };
      for (const s of series) row[s.name] = Number(sums.get(`${period}|${s.name}`) ?? 0n) / 1_000_000;
      return row;
    }),
    series,
    totals: periods.map((period) => ({ period, total: fromMicros(totals.get(period) ?? 0n) })),
  };
}

// ---------------------------------------------------------------------------------------------
// Drafts against the previous month.

export interface DraftChange<M extends BillingMonthLike> {
  draft: M;
  /** The customer's invoice of the month before (issued or draft; a void one counts as nothing), or null. */
  previous: M | null;
  /** `draft.total − previous.total`; null without a previous invoice in the same currency. */
  change: string | null;
  percent: number | null;
}

/** Each draft, newest period first then by customer, with the change against its customer's previous month. */
export function draftChanges<M extends BillingMonthLike>(months: readonly M[]): DraftChange<M>[] {
  const byKey = new Map(months.map((m) => [`${m.customerId}|${m.period}`, m]));
  return months
    .filter((m) => m.state === 'DRAFT')
    .sort((a, b) => b.period.localeCompare(a.period) || Number(a.customerId) - Number(b.customerId))
    .map((draft) => {
      const before = byKey.get(`${draft.customerId}|${previousPeriod(draft.period)}`) ?? null;
      const previous = before && before.state !== 'VOID' && before.currency === draft.currency ? before : null;
      return {
        draft,
        previous,
        change: previous ? subtractMoney(draft.total, previous.total) : null,
        percent: previous ? changePercent(draft.total, previous.total) : null,
      };
    });
}
