// Helpers for the delivery analytics page: its filters as they live in the address bar (with
// the last 7 UTC days as the default range), the rows of `deliveryStats` pivoted into chart
// series and table rows, and durations and ratios formatted for people.

import type { Direction } from '../../generated/gql/graphql';

// ---------------------------------------------------------------------------------------------
// Days and the range of the page.

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** The longest range one `deliveryStats` query may cover, both ends included. */
export const MAX_RANGE_DAYS = 366;

/** The default range: this many UTC days, today included. */
export const DEFAULT_RANGE_DAYS = 7;

/** True for a real calendar day written `YYYY-MM-DD`. */
export function isDay(day: string): boolean {
  if (!DAY.test(day)) return false;
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

/** The UTC day of an instant, `YYYY-MM-DD`. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The day `n` days after `day` (before it when `n` is negative). */
export function addDays(day: string, n: number): string {
  return utcDay(new Date(new Date(`${day}T00:00:00Z`).getTime() + n * DAY_MS));
}

/** The last `days` UTC days, today included: 7 days to 2026-11-22 start on 2026-11-16. */
export function defaultRange(now: Date = new Date(), days: number = DEFAULT_RANGE_DAYS): { from: string; to: string } {
  const to = utcDay(now);
  return { from: addDays(to, -(days - 1)), to };
}

/** Every day from `from` to `to`, both included; empty for a reversed or malformed range. */
export function daysInRange(from: string, to: string): string[] {
  if (!isDay(from) || !isDay(to) || to < from) return [];
  const out: string[] = [];
  for (let d = from; d <= to && out.length <= MAX_RANGE_DAYS; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Why the API would refuse a range, in words; null for a range it takes. */
export function rangeError(from: string, to: string): string | null {
  if (!from || !to) return 'Choose both the first and the last day.';
  if (!isDay(from) || !isDay(to)) return 'Dates are days as YYYY-MM-DD.';
  if (to < from) return 'The end date is before the start date.';
  const days = (new Date(`${to}T00:00:00Z`).getTime() - new Date(`${from}T00:00:00Z`).getTime()) / DAY_MS + 1;
  if (days > MAX_RANGE_DAYS) return `At most ${MAX_RANGE_DAYS} days at once.`;
  return null;
}

const shortDay = new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: 'short', timeZone: 'UTC' });
const longDay = new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** A chart's axis label for a day: "22 Nov"; with the year when the range spans two. */
export function dayLabel(day: string, withYear = false): string {
  if (!isDay(day)) return day;
  return (withYear ? longDay : shortDay).format(new Date(`${day}T00:00:00Z`));
}

// ---------------------------------------------------------------------------------------------
// The page's filters, in the query string so a view can be linked and reloaded. The default
// range is not written there, so `/analytics` always means "the last 7 days".

export interface AnalyticsFilters {
  /** First UTC day, `YYYY-MM-DD` ("" while the field is empty). */
  from: string;
  /** Last UTC day, included. */
  to: string;
  customer: string | null;
  direction: Direction | null;
}

/** The filters a query string names; absent dates are the default range. */
export function parseAnalyticsFilters(params: URLSearchParams, now: Date = new Date()): AnalyticsFilters {
  const defaults = defaultRange(now);
  const day = (name: 'from' | 'to') => {
    const v = params.get(name);
    if (v === null) return defaults[name];
    return isDay(v) ? v : '';
  };
  const direction = params.get('direction');
  return {
    from: day('from'),
    to: day('to'),
    customer: params.get('customer') || null,
    direction: direction === 'MT' || direction === 'MO' ? direction : null,
  };
}

/** The query string of some filters, naming only what differs from the defaults. */
export function analyticsFiltersToParams(f: AnalyticsFilters, now: Date = new Date()): URLSearchParams {
  const defaults = defaultRange(now);
  const p = new URLSearchParams();
  if (f.from !== defaults.from || f.to !== defaults.to) {
    p.set('from', f.from);
    p.set('to', f.to);
  }
  if (f.customer) p.set('customer', f.customer);
  if (f.direction) p.set('direction', f.direction);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Rows of `deliveryStats` (dimensions not grouped by are null) into chart series.

export interface StatsRow {
  day?: string | null;
  carrierId?: string | null;
  carrierCode?: string | null;
  received: number;
  fragments?: number;
  delivered?: number;
  undeliverable?: number;
  expired?: number;
  rejected?: number;
  cancelled?: number;
  inFlight?: number;
  deliveredRatio?: number | null;
  deliveryP50Ms?: number | null;
  deliveryP95Ms?: number | null;
}

export type OutcomeKey = 'delivered' | 'undeliverable' | 'expired' | 'rejected' | 'cancelled' | 'inFlight';

export interface ChartSeriesSpec<K extends string = string> {
  name: K;
  label: string;
  color: string;
}

/** The stacks of the status chart, bottom first, in the colours of the message statuses. */
export const OUTCOME_SERIES: readonly ChartSeriesSpec<OutcomeKey>[] = [
  { name: 'delivered', label: 'Delivered', color: 'teal.6' },
  { name: 'undeliverable', label: 'Undeliverable', color: 'red.6' },
  { name: 'expired', label: 'Expired', color: 'orange.6' },
  { name: 'rejected', label: 'Rejected', color: 'grape.6' },
  { name: 'cancelled', label: 'Cancelled', color: 'gray.5' },
  { name: 'inFlight', label: 'In flight', color: 'blue.4' },
];

export type StatusPoint = { day: string; label: string } & Record<OutcomeKey, number>;

/**
 * One point per day of the range (groupBy [DAY]), days without traffic at zero, so the chart
 * shows the whole range and gaps read as gaps.
 */
export function statusByDay(rows: readonly StatsRow[], days: readonly string[]): StatusPoint[] {
  const byDay = new Map(rows.filter((r) => r.day).map((r) => [r.day as string, r]));
  const withYear = spansYears(days);
  return days.map((day) => {
    const r = byDay.get(day);
    return {
      day,
      label: dayLabel(day, withYear),
      delivered: r?.delivered ?? 0,
      undeliverable: r?.undeliverable ?? 0,
      expired: r?.expired ?? 0,
      rejected: r?.rejected ?? 0,
      cancelled: r?.cancelled ?? 0,
      inFlight: r?.inFlight ?? 0,
    };
  });
}

function spansYears(days: readonly string[]): boolean {
  return days.length > 0 && days[0]?.slice(0, 4) !== days[days.length - 1]?.slice(0, 4);
}

/** A carrier as the charts name it: its code, "Carrier #id" without one, "Unknown" without either. */
export function carrierLabel(row: Pick<StatsRow, 'carrierId' | 'carrierCode'>): string {
  if (row.carrierCode) return row.carrierCode;
  if (row.carrierId) return `Carrier #${row.carrierId}`;
  return 'Unknown';
}

const CARRIER_COLORS = ['indigo.6', 'cyan.6', 'pink.6', 'lime.7', 'yellow.6', 'violet.6', 'orange.5', 'teal.4'];
export const UNKNOWN_CARRIER_COLOR = 'gray.5';

export interface CarrierSeries {
  /** One point per day: `label` and the day, and each carrier's received count under its key. */
  data: ({ day: string; label: string } & Record<string, number | string>)[];
  /** The carriers, busiest first, "Unknown" last. Keys are `carrier0`, `carrier1`…: codes
   * could hold characters a chart's data key reads as a path. */
  series: ChartSeriesSpec[];
}

/** Messages received per day and carrier (groupBy [DAY, CARRIER]). */
export function carrierByDay(rows: readonly StatsRow[], days: readonly string[]): CarrierSeries {
  const index = new Map(days.map((d, i) => [d, i]));
  const inRange = rows.filter((r) => r.day && index.has(r.day));
  const totals = new Map<string, number>();
  for (const r of inRange) {
    const label = carrierLabel(r);
    totals.set(label, (totals.get(label) ?? 0) + r.received);
  }
  const labels = [...totals.keys()].sort((a, b) => {
    if ((a === 'Unknown') !== (b === 'Unknown')) return a === 'Unknown' ? 1 : -1;
    return (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || a.localeCompare(b);
  });
  let colour = 0;
  const series = labels.map((label, i) => ({
    name: `carrier${i}`,
    label,
    color: label === 'Unknown' ? UNKNOWN_CARRIER_COLOR : (CARRIER_COLORS[colour++ % CARRIER_COLORS.length] as string),
  }));
  const keyOf = new Map(series.map((s) => [s.label, s.name]));
  const withYear = spansYears(days);
  const data = days.map((day) => {
    const point: { day: string; label: string } & Record<string, number | string> = { day, label: dayLabel(day, withYear) };
    for (const s of series) point[s.name] = 0;
    return point;
  });
  for (const r of inRange) {
    const i = r.day ? index.get(r.day) : undefined;
    const key = keyOf.get(carrierLabel(r));
    if (i === undefined || !key) continue;
    const point = data[i];
    if (point) point[key] = (point[key] as number) + r.received;
  }
  return { data, series };
}

export interface CarrierRow {
  label: string;
  carrierId: string | null;
  received: number;
  fragments: number;
  delivered: number;
  /** Undeliverable, expired or cancelled: final, but not delivered. */
  notDelivered: number;
  rejected: number;
  inFlight: number;
  deliveredRatio: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
}

/** The per-carrier table (groupBy [CARRIER]), busiest first, "Unknown" last. */
export function carrierTable(rows: readonly StatsRow[]): CarrierRow[] {
  return rows
    .map((r) => ({
      label: carrierLabel(r),
      carrierId: r.carrierId ?? null,
      received: r.received,
      fragments: r.fragments ?? 0,
      delivered: r.delivered ?? 0,
      notDelivered: (r.undeliverable ?? 0) + (r.expired ?? 0) + (r.cancelled ?? 0),
      rejected: r.rejected ?? 0,
      inFlight: r.inFlight ?? 0,
      deliveredRatio: r.deliveredRatio ?? null,
      p50Ms: r.deliveryP50Ms ?? null,
      p95Ms: r.deliveryP95Ms ?? null,
    }))
    .sort((a, b) => {
      if ((a.label === 'Unknown') !== (b.label === 'Unknown')) return a.label === 'Unknown' ? 1 : -1;
      return b.received - a.received || a.label.localeCompare(b.label);
    });
}

export interface LatencyPoint {
  carrier: string;
  p50: number;
  p95: number;
}

/** Delivery-time percentiles of the carriers that have any (MT messages delivered). */
export function latencyByCarrier(rows: readonly CarrierRow[]): LatencyPoint[] {
  return rows
    .filter((r) => r.p50Ms !== null || r.p95Ms !== null)
    .map((r) => ({ carrier: r.label, p50: r.p50Ms ?? 0, p95: r.p95Ms ?? r.p50Ms ?? 0 }));
}

export interface Totals {
  received: number;
  fragments: number;
  delivered: number;
  notDelivered: number;
  rejected: number;
  inFlight: number;
  /** Delivered over final outcomes other than rejected, as the API counts it; null before any. */
  deliveredRatio: number | null;
}

/** The range's totals, from the rows of any one grouping. */
export function totals(rows: readonly StatsRow[]): Totals {
  const t = { received: 0, fragments: 0, delivered: 0, undeliverable: 0, expired: 0, cancelled: 0, rejected: 0, inFlight: 0 };
  for (const r of rows) {
    t.received += r.received;
    t.fragments += r.fragments ?? 0;
    t.delivered += r.delivered ?? 0;
    t.undeliverable += r.undeliverable ?? 0;
    t.expired += r.expired ?? 0;
    t.cancelled += r.cancelled ?? 0;
    t.rejected += r.rejected ?? 0;
    t.inFlight += r.inFlight ?? 0;
  }
  const notDelivered = t.undeliverable + t.expired + t.cancelled;
  const finals = t.delivered + notDelivered;
  return {
    received: t.received,
    fragments: t.fragments,
    delivered: t.delivered,
    notDelivered,
    rejected: t.rejected,
    inFlight: t.inFlight,
    deliveredRatio: finals > 0 ? t.delivered / finals : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Numbers for people.

/** "205 ms", "4.2 s", "42 s", "3 min 5 s", "2 h 10 min", "3 d 4 h"; "—" when unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms) || ms < 0) return '—';
  // Thresholds where rounding would carry into the next unit ("1000 ms", "10.0 s", "60 s").
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  if (ms < 9950) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 59_500) return `${Math.round(ms / 1000)} s`;
  const total = Math.round(ms / 1000);
  const [d, h, min, sec] = [Math.floor(total / 86400), Math.floor(total / 3600) % 24, Math.floor(total / 60) % 60, total % 60];
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${min} min`;
  return `${min} min ${sec} s`;
}

/**
 * A ratio as a percentage to one decimal: 0.9876 → "98.8%", 1 → "100%"; never rounded to
 * 100% or 0% when it is not: 0.99996 → ">99.9%", 0.0004 → "<0.1%". "—" when unknown.
 */
export function formatRatio(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || Number.isNaN(ratio)) return '—';
  const pct = ratio * 100;
  if (ratio < 1 && pct > 99.9) return '>99.9%';
  if (ratio > 0 && pct < 0.1) return '<0.1%';
  return `${pct.toFixed(1).replace(/\.0$/, '')}%`;
}

const count = new Intl.NumberFormat('en-US');

/** "12,345" */
export function formatCount(n: number): string {
  return count.format(n);
}
