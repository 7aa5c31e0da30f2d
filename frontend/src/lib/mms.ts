// Helpers for the MMS pages: part sizes for people, the reason codes of blocked traffic, the
// use-case queue (history, the decisions a status allows, the reason a decision needs, media
// types against the policy) and the AT&T ratio (its value, level and chart series).

import type { RatioLevel, UseCaseStatus } from '../../generated/gql/graphql';
import { dayLabel, isDay } from './analytics';

// ---------------------------------------------------------------------------------------------
// Sizes.

const kb = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const kbWhole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Bytes in KB (1,024 bytes): "2.9 KB" below 10 KB, "600 KB" above; "<0.1 KB" for a few bytes. */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes === 0) return '0 KB';
  const k = bytes / 1024;
  if (k < 0.05) return '<0.1 KB';
  return `${k < 9.95 ? kb.format(k) : kbWhole.format(k)} KB`;
}

/** The sum of the parts' sizes. */
export function totalSize(parts: readonly { sizeBytes: number }[]): number {
  return parts.reduce((sum, p) => sum + p.sizeBytes, 0);
}

// ---------------------------------------------------------------------------------------------
// Reason codes: a rejected message's reason starts with one (`MMS_TOO_LARGE: 700 KB …`).

export const REASON_CODES: readonly { value: string; label: string }[] = [
  { value: 'CONTENT_PROHIBITED', label: 'Prohibited content' },
  { value: 'MMS_MEDIA_REFUSED', label: 'MMS: media type refused' },
  { value: 'MMS_USE_CASE_NOT_APPROVED', label: 'MMS: no approved use case' },
  { value: 'MMS_GROUP_NOT_SUPPORTED', label: 'MMS: group messages not supported' },
  { value: 'MMS_INTERNATIONAL', label: 'MMS: outside the US and Canada' },
  { value: 'MMS_TOO_LARGE', label: 'MMS: over the size limit' },
  { value: 'SHORT_CODE_NOT_LEASED', label: 'Short code not leased' },
  { value: 'SHORT_CODE_SUSPENDED', label: 'Short code suspended' },
  { value: 'NO_CARRIER_APPROVAL', label: 'No carrier approval' },
];

const CODE = /^[A-Z][A-Z0-9_]*$/;

/** A reason code as a link may name it: upper-case letters, digits and `_`; else null. */
export function parseReasonCode(value: string | null | undefined): string | null {
  const v = (value ?? '').trim();
  return CODE.test(v) ? v : null;
}

/** The options of the reason filter: the known codes, and the current one if it is another. */
export function reasonOptions(current: string | null): { value: string; label: string }[] {
  const known = REASON_CODES.map((r) => ({ value: r.value, label: `${r.value} · ${r.label}` }));
  return current && !REASON_CODES.some((r) => r.value === current) ? [...known, { value: current, label: current }] : known;
}

// ---------------------------------------------------------------------------------------------
// Use cases.

export const USE_CASE_STATUS_COLORS: Record<UseCaseStatus, string> = {
  SUBMITTED: 'blue',
  APPROVED: 'teal',
  REJECTED: 'red',
  REVOKED: 'orange',
  SUPERSEDED: 'gray',
};

export type Decision = Extract<UseCaseStatus, 'APPROVED' | 'REJECTED' | 'REVOKED'>;

export const DECISION_LABELS: Record<Decision, string> = {
  APPROVED: 'Approve',
  REJECTED: 'Reject',
  REVOKED: 'Revoke',
};

/** What compliance may decide about a use case: a submission is approved or rejected, an approval revoked. */
export function decisionsFor(status: UseCaseStatus): Decision[] {
  if (status === 'SUBMITTED') return ['APPROVED', 'REJECTED'];
  if (status === 'APPROVED') return ['REVOKED'];
  return [];
}

/** Why a decision's reason is not acceptable (the API requires one to reject or revoke); null when it is. */
export function decisionReasonError(decision: Decision, reason: string): string | null {
  if (decision === 'APPROVED') return null;
  if (!reason.trim()) {
    return decision === 'REJECTED'
      ? 'Give the customer a reason for the rejection.'
      : 'Give a reason for revoking the approval.';
  }
  return null;
}

interface UseCaseLike {
  id: string;
  customerId: string;
  submittedAt: string;
}

/** Oldest submission first (the queue's order), ties by id. */
export function oldestFirst<T extends UseCaseLike>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt) || Number(a.id) - Number(b.id));
}

/** The customer's other use cases, newest first: what compliance weighs a submission against. */
export function historyOf<T extends UseCaseLike>(useCase: UseCaseLike, all: readonly T[]): T[] {
  return all
    .filter((u) => u.customerId === useCase.customerId && u.id !== useCase.id)
    .sort((a, b) => b.submittedAt.localeCompare(a.submittedAt) || Number(b.id) - Number(a.id));
}

/** True when a media pattern covers a type: `video/*` covers `video/mp4` and `video/*`; `*` everything. */
export function mediaMatches(pattern: string, type: string): boolean {
  const p = pattern.trim().toLowerCase();
  const t = type.trim().toLowerCase();
  if (p === '*' || p === '*/*' || p === t) return true;
  if (p.endsWith('/*')) return t.startsWith(p.slice(0, -1));
  return false;
}

export type MediaVerdict = 'allowed' | 'refused' | 'outside';

/** A use case's media type against the policy: refused wins over allowed; `outside` when neither names it. */
export function mediaVerdict(type: string, policy: { allowedMedia: readonly string[]; refusedMedia: readonly string[] }): MediaVerdict {
  if (policy.refusedMedia.some((p) => mediaMatches(p, type) || mediaMatches(type, p))) return 'refused';
  if (policy.allowedMedia.some((p) => mediaMatches(p, type))) return 'allowed';
  return 'outside';
}

// ---------------------------------------------------------------------------------------------
// The AT&T ratio: outgoing per incoming MMS in the cycle, as a decimal string; null while
// nothing came in, which is not a ratio of 0.

export const RATIO_LEVEL_COLORS: Record<RatioLevel, string> = {
  WITHIN: 'teal',
  WARNING: 'orange',
  BREACH: 'red',
};

export const RATIO_LEVEL_LABELS: Record<RatioLevel, string> = {
  WITHIN: 'Within',
  WARNING: 'Warning',
  BREACH: 'Breach',
};

/** A decimal string as a number; null for null or anything that is not a number. */
export function parseDecimal(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

const ratioDigits = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export const NO_INCOMING = 'no incoming yet';

/** "2.67:1"; "no incoming yet" for null (nothing came in: not 0). */
export function formatRatioValue(ratio: string | null | undefined): string {
  const n = parseDecimal(ratio);
  return n === null ? NO_INCOMING : `${ratioDigits.format(n)}:1`;
}

export interface RatioDay {
  day: string;
  outgoing: number;
  incoming: number;
  cumulativeOutgoing: number;
  cumulativeIncoming: number;
  ratio?: string | null;
}

export interface RatioPoint {
  day: string;
  label: string;
  /** The cumulative ratio at the end of the day; null (a gap) while nothing came in. */
  ratio: number | null;
  outgoing: number;
  incoming: number;
}

/** One chart point per day of the cycle so far, in day order; days without a ratio are gaps. */
export function ratioSeries(days: readonly RatioDay[]): RatioPoint[] {
  const sorted = [...days].filter((d) => isDay(d.day)).sort((a, b) => a.day.localeCompare(b.day));
  const withYear = sorted.length > 0 && sorted[0]?.day.slice(0, 4) !== sorted[sorted.length - 1]?.day.slice(0, 4);
  return sorted.map((d) => ({
    day: d.day,
    label: dayLabel(d.day, withYear),
    ratio: parseDecimal(d.ratio),
    outgoing: d.cumulativeOutgoing,
    incoming: d.cumulativeIncoming,
  }));
}

/** The top of the chart's axis: room above the limit and the highest ratio, on a half step. */
export function ratioAxisMax(points: readonly RatioPoint[], limit: number | null): number {
  const highest = Math.max(limit ?? 0, ...points.map((p) => p.ratio ?? 0));
  return Math.max(1, Math.ceil(highest * 1.15 * 2) / 2);
}

/** The day of the cycle `asOf` is (1-based), and the cycle's length, both ends included; null without a cycle. */
export function cycleProgress(start: string | null | undefined, end: string | null | undefined, asOf: string): { day: number; of: number } | null {
  if (!start || !end || !isDay(start) || !isDay(end) || !isDay(asOf)) return null;
  const ms = (a: string) => new Date(`${a}T00:00:00Z`).getTime();
  const of = Math.round((ms(end) - ms(start)) / 86_400_000) + 1;
  const day = Math.round((ms(asOf) - ms(start)) / 86_400_000) + 1;
  return { day: Math.min(Math.max(day, 1), of), of };
}

// ---------------------------------------------------------------------------------------------
// The ratio page's filters, in the query string: the customer (staff) and the day (today when
// absent).

export interface RatioFilters {
  customer: string | null;
  /** `YYYY-MM-DD`; "" for today. */
  asOf: string;
}

export function parseRatioFilters(params: URLSearchParams): RatioFilters {
  const asOf = params.get('asOf') ?? '';
  return { customer: params.get('customer') || null, asOf: isDay(asOf) ? asOf : '' };
}

export function ratioFiltersToParams(f: RatioFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.customer) p.set('customer', f.customer);
  if (f.asOf) p.set('asOf', f.asOf);
  return p;
}
