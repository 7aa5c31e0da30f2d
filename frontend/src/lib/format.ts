import type { CustomerStatus, NumberKind, ShortCodeType } from '../../generated/gql/graphql';

export const NUMBER_KIND_LABELS: Record<NumberKind, string> = {
  LONG_CODE: 'Long code',
  TOLL_FREE: 'Toll-free',
  SHORT_CODE: 'Short code',
  ALPHANUMERIC: 'Alphanumeric ID',
};

export const STATUS_COLORS: Record<CustomerStatus, string> = {
  ACTIVE: 'teal',
  SUSPENDED: 'orange',
  CLOSED: 'gray',
};

export function titleCase(value: string): string {
  return value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, ' ');
}

const dateTime = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
});

/** "22 Nov 2026, 04:17 UTC"; "—" when absent. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : `${dateTime.format(d)} UTC`;
}

const timestamp = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZone: 'UTC',
});

/** To the second, for events such as a message's submission: "22 Nov 2026, 04:17:07 UTC". */
export function formatTimestamp(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : `${timestamp.format(d)} UTC`;
}

const dayOnly = new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: 'short', day: '2-digit', timeZone: 'UTC' });
const timeOnly = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

/** The UTC day of a timestamp: "22 Nov 2026". */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : dayOnly.format(d);
}

/** The UTC time of day of a timestamp: "04:17:07 UTC". */
export function formatTime(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : `${timeOnly.format(d)} UTC`;
}

/**
 * Money as the API sends it (a decimal string, up to 6 places), shown without float rounding:
 * at least the currency's 2 places, more only when they are not zero. "0.042500" → "0.0425".
 */
export function formatMoney(amount: string | null | undefined, currency?: string | null): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!m) return amount;
  const [, sign, whole, frac = ''] = m;
  let digits = frac.replace(/0+$/, '');
  if (digits.length < 2) digits = digits.padEnd(2, '0');
  const grouped = (whole ?? '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}.${digits}${currency ? ` ${currency}` : ''}`;
}

/** "10,000/s, no daily cap" */
export function formatThrottle(t: { perSecond: number; perDay?: number | null }): string {
  const n = new Intl.NumberFormat('en-US');
  const day = t.perDay === null || t.perDay === undefined ? 'no daily cap' : `${n.format(t.perDay)}/day`;
  return `${n.format(t.perSecond)}/s, ${day}`;
}

export function describeNumberKind(kind: NumberKind, shortCodeType?: ShortCodeType | null): string {
  const base = NUMBER_KIND_LABELS[kind];
  return kind === 'SHORT_CODE' && shortCodeType ? `${base} (${titleCase(shortCodeType).toLowerCase()})` : base;
}
