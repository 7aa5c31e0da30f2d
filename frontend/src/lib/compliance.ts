// Helpers for the compliance pages: the queues counted on the navigation, short-code leases
// (states, silence, the moves compliance may make), carrier filings (per carrier, their moves
// and the reasons they need), quarters and forecasts against actual traffic.
//
// The rules mirror the service's (`src/compliance/leases.rs`, `filings.rs`, `forecasts.rs`);
// the service enforces them, the pages use them to offer only what it would accept.

import type { FilingStatus, LeaseState } from '../../generated/gql/graphql';
import { authorizationInForce, type AuthorizationLike } from './senders';

// ---------------------------------------------------------------------------------------------
// Queues.

export type QueueKey = 'useCases' | 'filings' | 'authorizations' | 'suspended';

export type ComplianceCounts = Record<QueueKey, number>;

/** Filings someone still has to act on: drafts to submit, submissions to decide, amendments to make. */
export const OPEN_FILING_STATUSES: readonly FilingStatus[] = ['DRAFT', 'SUBMITTED', 'AMENDMENT_REQUIRED'];

export function isOpenFiling(status: FilingStatus): boolean {
  return OPEN_FILING_STATUSES.includes(status);
}

/** The counts of each compliance queue, from what the navigation's query returned. */
export function complianceCounts(input: {
  useCaseQueue: readonly unknown[];
  filings: readonly { status: FilingStatus }[];
  leases: readonly { state: LeaseState }[];
  alphanumerics: readonly { kind: string; authorizations: readonly AuthorizationLike[] }[];
}): ComplianceCounts {
  return {
    useCases: input.useCaseQueue.length,
    filings: input.filings.filter((f) => isOpenFiling(f.status)).length,
    // An alphanumeric ID cannot send without an authorization in force (withdrawn ones do not count).
    authorizations: input.alphanumerics.filter((n) => n.kind === 'ALPHANUMERIC' && authorizationInForce(n.authorizations) === null)
      .length,
    suspended: input.leases.filter((l) => l.state === 'SUSPENDED').length,
  };
}

/** What a queue's badge says to a screen reader (and in its tooltip). */
export function queueLabel(key: QueueKey, count: number): string {
  const n = count;
  switch (key) {
    case 'useCases':
      return `${n} MMS use case${n === 1 ? '' : 's'} to decide`;
    case 'filings':
      return `${n} carrier filing${n === 1 ? '' : 's'} open`;
    case 'authorizations':
      return `${n} alphanumeric ID${n === 1 ? '' : 's'} without an authorization`;
    case 'suspended':
      return `${n} suspended short code${n === 1 ? '' : 's'}`;
  }
}

export const QUEUE_COLORS: Record<QueueKey, string> = {
  useCases: 'blue',
  filings: 'violet',
  authorizations: 'orange',
  suspended: 'red',
};

// ---------------------------------------------------------------------------------------------
// Leases.

export const LEASE_STATES: readonly LeaseState[] = [
  'APPLIED',
  'ACTIVE',
  'NOTICE_GIVEN',
  'SUSPENDED',
  'ENDED',
  'CANCELLED',
  'CANCELLED_INACTIVITY',
];

export const LEASE_STATE_LABELS: Record<LeaseState, string> = {
  APPLIED: 'Applied',
  ACTIVE: 'Active',
  NOTICE_GIVEN: 'Notice given',
  SUSPENDED: 'Suspended',
  ENDED: 'Ended',
  CANCELLED: 'Cancelled',
  CANCELLED_INACTIVITY: 'Cancelled (inactivity)',
};

export const LEASE_STATE_COLORS: Record<LeaseState, string> = {
  APPLIED: 'blue',
  ACTIVE: 'teal',
  NOTICE_GIVEN: 'yellow',
  SUSPENDED: 'red',
  ENDED: 'gray',
  CANCELLED: 'gray',
  CANCELLED_INACTIVITY: 'orange',
};

/** A lease in one of these may send (the service's `LeaseState::sends`). */
export function leaseSends(state: LeaseState): boolean {
  return state === 'ACTIVE' || state === 'NOTICE_GIVEN';
}

/** Days without traffic at which the account manager is warned, and at which carriers cancel the code. */
export const SILENCE_WARNING_DAYS = 60;
export const SILENCE_SECOND_WARNING_DAYS = 80;
export const INACTIVITY_DAYS = 90;

export type SilenceLevel = 'none' | 'ok' | 'warning' | 'critical';

/**
 * How alarming a lease's silence is: highlighted from 60 days (the first warning), critical
 * from 80 (the second, ten days before carriers cancel). Only a lease that sends can go silent;
 * for the others the days are history, not a risk.
 */
export function silenceLevel(days: number | null | undefined, state: LeaseState): SilenceLevel {
  if (days === null || days === undefined || !leaseSends(state)) return 'none';
  if (days >= SILENCE_SECOND_WARNING_DAYS) return 'critical';
  if (days >= SILENCE_WARNING_DAYS) return 'warning';
  return 'ok';
}

export const SILENCE_COLORS: Record<SilenceLevel, string> = { none: 'gray', ok: 'gray', warning: 'orange', critical: 'red' };

/** "75 days", "1 day", "today"; "—" without a count. */
export function silenceLabel(days: number | null | undefined): string {
  if (days === null || days === undefined) return '—';
  if (days === 0) return 'today';
  return `${days} day${days === 1 ? '' : 's'}`;
}

/** What the silence means: "cancelled by carriers in 15 days" for a lease that sends; null otherwise. */
export function silenceHint(days: number | null | undefined, state: LeaseState): string | null {
  if (days === null || days === undefined || !leaseSends(state)) return null;
  const left = INACTIVITY_DAYS - days;
  if (left <= 0) return 'Silent for 90 days: carriers cancel the code at the next maintenance.';
  if (days < SILENCE_WARNING_DAYS) return null;
  return `Carriers cancel the code after ${INACTIVITY_DAYS} silent days: ${left} day${left === 1 ? '' : 's'} left.`;
}

export type LeaseMove = 'suspend' | 'resume';

/** What compliance may do to a lease: suspend one that sends, resume a suspended one. */
export function leaseMoves(state: LeaseState): LeaseMove[] {
  if (leaseSends(state)) return ['suspend'];
  if (state === 'SUSPENDED') return ['resume'];
  return [];
}

/** Why a suspension's or resumption's reason is not acceptable (the service requires one); null when it is. */
export function leaseReasonError(move: LeaseMove, reason: string): string | null {
  if (reason.trim()) return null;
  return move === 'suspend' ? 'Give a reason for suspending the code.' : 'Give a reason for resuming the code.';
}

// ---------------------------------------------------------------------------------------------
// Filings.

export const FILING_STATUS_LABELS: Record<FilingStatus, string> = {
  DRAFT: 'Draft',
  SUBMITTED: 'Submitted',
  APPROVED: 'Approved',
  REJECTED: 'Rejected',
  AMENDMENT_REQUIRED: 'Amendment required',
};

export const FILING_STATUS_COLORS: Record<FilingStatus, string> = {
  DRAFT: 'gray',
  SUBMITTED: 'blue',
  APPROVED: 'teal',
  REJECTED: 'red',
  AMENDMENT_REQUIRED: 'orange',
};

/** The moves a filing may make (the service's `may_move`). */
export function filingMoves(status: FilingStatus): FilingStatus[] {
  switch (status) {
    case 'DRAFT':
    case 'AMENDMENT_REQUIRED':
    case 'REJECTED':
      return ['SUBMITTED'];
    case 'SUBMITTED':
      return ['APPROVED', 'REJECTED'];
    case 'APPROVED':
      return ['AMENDMENT_REQUIRED'];
  }
}

export const FILING_MOVE_LABELS: Record<FilingStatus, string> = {
  DRAFT: 'Back to draft',
  SUBMITTED: 'Submit',
  APPROVED: 'Approve',
  REJECTED: 'Reject',
  AMENDMENT_REQUIRED: 'Require amendment',
};

/** A rejection or a request for amendment needs a reason; null when the reason is acceptable. */
export function filingReasonError(to: FilingStatus, reason: string): string | null {
  if (to !== 'REJECTED' && to !== 'AMENDMENT_REQUIRED') return null;
  if (reason.trim()) return null;
  return to === 'REJECTED' ? 'Give the carrier’s reason for the rejection.' : 'Say what the carrier wants amended.';
}

interface FilingLike {
  id: string;
  carrierId: string;
  numberId: string;
}

/** A code's filings, the newest (highest id) per carrier: where the code stands with each carrier. */
export function filingsByCarrier<F extends FilingLike>(filings: readonly F[], numberId: string): Map<string, F> {
  const out = new Map<string, F>();
  for (const f of filings) {
    if (f.numberId !== numberId) continue;
    const seen = out.get(f.carrierId);
    if (!seen || Number(f.id) > Number(seen.id)) out.set(f.carrierId, f);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Quarters: `2026-Q3`, calendar quarters in UTC.

const QUARTER = /^(\d{4})-Q([1-4])$/;

export function isQuarter(value: string): boolean {
  return QUARTER.test(value);
}

/** The quarter holding a moment (UTC). */
export function quarterOf(now: Date = new Date()): string {
  return `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
}

export function nextQuarter(quarter: string): string {
  const m = QUARTER.exec(quarter);
  if (!m) return quarter;
  const year = Number(m[1]);
  const q = Number(m[2]);
  return q === 4 ? `${year + 1}-Q1` : `${year}-Q${q + 1}`;
}

export function previousQuarter(quarter: string): string {
  const m = QUARTER.exec(quarter);
  if (!m) return quarter;
  const year = Number(m[1]);
  const q = Number(m[2]);
  return q === 1 ? `${year - 1}-Q4` : `${year}-Q${q - 1}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The quarter's first day and the day after its last, `YYYY-MM-DD`; null for a malformed quarter. */
export function quarterRange(quarter: string): { from: string; to: string; days: number } | null {
  const m = QUARTER.exec(quarter);
  if (!m) return null;
  const year = Number(m[1]);
  const q = Number(m[2]);
  const start = Date.UTC(year, (q - 1) * 3, 1);
  const end = Date.UTC(q === 4 ? year + 1 : year, q === 4 ? 0 : q * 3, 1);
  const day = (t: number) => {
    const d = new Date(t);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  };
  return { from: day(start), to: day(end), days: Math.round((end - start) / 86_400_000) };
}

/** The quarters a forecast may be entered for: the current one and the next three. */
export function forecastQuarters(now: Date = new Date()): string[] {
  const out = [quarterOf(now)];
  for (let i = 0; i < 3; i++) out.push(nextQuarter(out[out.length - 1] ?? ''));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Forecasts against actual traffic.

/** The newest revision among a code's forecasts for one quarter (or all), null when there is none. */
export function latestForecast<F extends { quarter: string; revision: number }>(forecasts: readonly F[], quarter?: string): F | null {
  let best: F | null = null;
  for (const f of forecasts) {
    if (quarter && f.quarter !== quarter) continue;
    if (!best || f.revision > best.revision) best = f;
  }
  return best;
}

export type ForecastLevel = 'under' | 'over' | 'beyond';

/**
 * Actual messages against the forecast: the share reached (null when nothing was forecast),
 * `over` above the forecast yet within the allowed percentage, `beyond` past it (surcharged).
 */
export function forecastUse(expected: number, actual: number, allowedPercent: number): { percent: number | null; level: ForecastLevel } {
  const allowed = expected + Math.floor((expected * allowedPercent) / 100);
  const level: ForecastLevel = actual > allowed ? 'beyond' : actual > expected ? 'over' : 'under';
  return { percent: expected > 0 ? Math.round((actual / expected) * 100) : null, level };
}

export const FORECAST_LEVEL_COLORS: Record<ForecastLevel, string> = { under: 'teal', over: 'orange', beyond: 'red' };

/** Each hour's (UTC) forecast messages (share × expected) beside the actual ones. */
export function hourlySeries(
  pattern: readonly string[],
  expected: number,
  actual: readonly number[],
): { hour: string; forecast: number; actual: number }[] {
  return Array.from({ length: 24 }, (_, h) => ({
    hour: `${pad(h)}:00`,
    forecast: Math.round((Number(pattern[h] ?? 0) || 0) * expected),
    actual: actual[h] ?? 0,
  }));
}

/**
 * The quarter day by day up to `until` (exclusive, `YYYY-MM-DD`): the forecast's daily pace
 * (expected over the quarter's days) and the messages counted that day, each also running.
 */
export function dailySeries(
  quarter: string,
  expected: number,
  counts: readonly { day: string; messages: number }[],
  until: string,
): { day: string; label: string; forecast: number; actual: number; forecastTotal: number; actualTotal: number }[] {
  const range = quarterRange(quarter);
  if (!range) return [];
  const byDay = new Map<string, number>();
  for (const c of counts) byDay.set(c.day, (byDay.get(c.day) ?? 0) + c.messages);
  const perDay = expected / range.days;
  const out: { day: string; label: string; forecast: number; actual: number; forecastTotal: number; actualTotal: number }[] = [];
  let actualTotal = 0;
  const stop = until < range.to ? until : range.to;
  for (let t = Date.parse(`${range.from}T00:00:00Z`), i = 1; ; t += 86_400_000, i++) {
    const d = new Date(t);
    const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    if (day >= stop) break;
    const actual = byDay.get(day) ?? 0;
    actualTotal += actual;
    out.push({
      day,
      label: `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}`,
      forecast: Math.round(perDay),
      actual,
      forecastTotal: Math.round(perDay * i),
      actualTotal,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The hourly pattern, entered in percent (up to 3 places) and sent as 24 decimal shares.
// Kept in integer milli-percent (100 % = 100 000) so presets and sums are exact.

export const FULL = 100_000;
/** The service accepts shares summing to 1 within 0.001, that is 0.1 % (100 milli-percent). */
export const PATTERN_TOLERANCE = 100;

export type PatternPreset = 'flat' | 'business' | 'evening';

export const PATTERN_PRESETS: { value: PatternPreset; label: string }[] = [
  { value: 'flat', label: 'Around the clock (even)' },
  { value: 'business', label: 'Business hours (09:00–17:00 UTC)' },
  { value: 'evening', label: 'Evenings (17:00–23:00 UTC)' },
];

/** `total` spread over the hours `hours` (the rest get 0), remainders to the earliest hours. */
function spread(hours: readonly number[], total: number): number[] {
  const out = Array.from({ length: 24 }, () => 0);
  const base = Math.floor(total / hours.length);
  let rest = total - base * hours.length;
  for (const h of hours) {
    out[h] = base + (rest > 0 ? 1 : 0);
    if (rest > 0) rest--;
  }
  return out;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** A preset's 24 shares in milli-percent, summing to exactly 100 %. */
export function presetPattern(preset: PatternPreset): number[] {
  switch (preset) {
    case 'flat':
      return spread(range(0, 24), FULL);
    case 'business': {
      // 90 % in the eight business hours, 10 % over the other sixteen.
      const busy = spread(range(9, 17), 90_000);
      const quiet = spread([...range(0, 9), ...range(17, 24)], 10_000);
      return busy.map((v, h) => v + (quiet[h] ?? 0));
    }
    case 'evening': {
      const busy = spread(range(17, 23), 70_000);
      const quiet = spread([...range(0, 17), 23], 30_000);
      return busy.map((v, h) => v + (quiet[h] ?? 0));
    }
  }
}

/** Milli-percent as the percent the form shows: 4167 → 4.167. */
export function milliToPercent(milli: number): number {
  return milli / 1000;
}

/** A percent as typed (up to 3 places) as milli-percent; null when it is not a non-negative number. */
export function percentToMilli(percent: number | string | null | undefined): number | null {
  if (percent === null || percent === undefined || percent === '') return null;
  const n = typeof percent === 'number' ? percent : Number(percent);
  if (!Number.isFinite(n) || n < 0) return null;
  return Math.round(n * 1000);
}

/** Milli-percent as the decimal share the API takes: 4167 → "0.04167". */
export function milliToShare(milli: number): string {
  const whole = Math.floor(milli / FULL);
  const frac = String(milli % FULL).padStart(5, '0');
  return `${whole}.${frac}`;
}

/** A share from the API ("0.041666") as milli-percent, rounded. */
export function shareToMilli(share: string): number {
  const n = Number(share);
  return Number.isFinite(n) ? Math.round(n * FULL) : 0;
}

/** Why a pattern is not acceptable (24 non-negative shares summing to 100 % within 0.1 %); null when it is. */
export function patternError(milli: readonly (number | null)[]): string | null {
  if (milli.length !== 24) return `The pattern needs 24 hours, not ${milli.length}.`;
  const bad = milli.findIndex((m) => m === null || m < 0);
  if (bad !== -1) return `Hour ${pad(bad)}:00 needs a share of 0 % or more.`;
  const sum = milli.reduce<number>((a, m) => a + (m ?? 0), 0);
  if (Math.abs(sum - FULL) > PATTERN_TOLERANCE) {
    return `The hours add up to ${formatPercent(sum)}, not 100 %.`;
  }
  return null;
}

/** Milli-percent as "99.5 %". */
export function formatPercent(milli: number): string {
  return `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 }).format(milli / 1000)} %`;
}

// ---------------------------------------------------------------------------------------------
// The forecast form.

export interface ForecastValues {
  numberId: string;
  quarter: string;
  expectedMessages: number | string;
  peakPerSecond: number | string;
  note: string;
  /** Milli-percent per hour; null for an empty input. */
  pattern: (number | null)[];
}

export function forecastErrors(v: ForecastValues): Partial<Record<'numberId' | 'quarter' | 'expectedMessages' | 'peakPerSecond' | 'pattern', string>> {
  const errors: Partial<Record<'numberId' | 'quarter' | 'expectedMessages' | 'peakPerSecond' | 'pattern', string>> = {};
  if (!v.numberId) errors.numberId = 'Choose the short code.';
  if (!isQuarter(v.quarter)) errors.quarter = 'Choose a quarter, such as 2026-Q4.';
  const expected = Number(v.expectedMessages);
  if (v.expectedMessages === '' || !Number.isInteger(expected) || expected < 0) {
    errors.expectedMessages = 'Enter the messages expected in the quarter, a whole number.';
  }
  const peak = Number(v.peakPerSecond);
  if (v.peakPerSecond === '' || !Number.isInteger(peak) || peak < 1) {
    errors.peakPerSecond = 'Enter the peak messages per second, at least 1.';
  }
  const pattern = patternError(v.pattern);
  if (pattern) errors.pattern = pattern;
  return errors;
}

export function forecastInput(v: ForecastValues): {
  numberId: string;
  quarter: string;
  expectedMessages: number;
  peakPerSecond: number;
  note: string | null;
  hourlyPattern: string[];
} {
  return {
    numberId: v.numberId,
    quarter: v.quarter,
    expectedMessages: Number(v.expectedMessages),
    peakPerSecond: Number(v.peakPerSecond),
    note: v.note.trim() || null,
    hourlyPattern: v.pattern.map((m) => milliToShare(m ?? 0)),
  };
}

// ---------------------------------------------------------------------------------------------
// The short-codes page's filters, in the query string.

export interface ShortCodeFilters {
  customer: string | null;
  state: LeaseState | null;
}

export function parseShortCodeFilters(params: URLSearchParams): ShortCodeFilters {
  const state = params.get('state');
  return {
    customer: params.get('customer') || null,
    state: LEASE_STATES.includes(state as LeaseState) ? (state as LeaseState) : null,
  };
}

export function shortCodeFiltersToParams(f: ShortCodeFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.customer) p.set('customer', f.customer);
  if (f.state) p.set('state', f.state);
  return p;
}
