// Helpers for the blocked-traffic page: the rejected messages' reasons (`CODE: detail`, or
// plain words for the older rules), the reasons seen on a page counted, and the page's
// filters as they live in the address bar.

import { validDay } from './messages';
import { parseReasonCode, REASON_CODES } from './mms';

export interface RejectReason {
  /** `CONTENT_PROHIBITED`; null for a reason in plain words ("the subscriber opted out of this sender"). */
  code: string | null;
  /** What follows the code ("rule spam-prize"), or the whole reason. */
  detail: string;
}

const CODED = /^([A-Z][A-Z0-9_]*)(?::\s*(.*))?$/s;

/** A message's `rejectReason` split into its code and detail. */
export function parseRejectReason(reason: string | null | undefined): RejectReason {
  const r = (reason ?? '').trim();
  const m = CODED.exec(r);
  if (m?.[1]) return { code: m[1], detail: (m[2] ?? '').trim() };
  return { code: null, detail: r };
}

/** A code for people ("Prohibited content"); an unknown code as it is. */
export function reasonCodeLabel(code: string): string {
  return REASON_CODES.find((r) => r.value === code)?.label ?? code;
}

/** How many messages of a page each reason refused, most first (plain-word reasons by their words). */
export function reasonTally(reasons: readonly (string | null | undefined)[]): { key: string; code: string | null; label: string; count: number }[] {
  const counts = new Map<string, { code: string | null; label: string; count: number }>();
  for (const reason of reasons) {
    const { code, detail } = parseRejectReason(reason);
    const key = code ?? (detail || 'no reason recorded');
    const seen = counts.get(key);
    if (seen) seen.count++;
    else counts.set(key, { code, label: code ? reasonCodeLabel(code) : key, count: 1 });
  }
  return [...counts.entries()]
    .map(([key, v]) => ({ key, ...v }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

// ---------------------------------------------------------------------------------------------
// Filters.

export const BLOCKED_PAGE_SIZES = [20, 50, 100] as const;
export const DEFAULT_BLOCKED_PAGE_SIZE = 50;

export interface BlockedFilters {
  reason: string | null;
  customer: string | null;
  /** A number or sender ID as typed. */
  number: string;
  from: string;
  to: string;
  pageSize: number;
}

export const noBlockedFilters: BlockedFilters = {
  reason: null,
  customer: null,
  number: '',
  from: '',
  to: '',
  pageSize: DEFAULT_BLOCKED_PAGE_SIZE,
};

export function parseBlockedFilters(params: URLSearchParams): BlockedFilters {
  const size = Number(params.get('size'));
  const day = (v: string | null) => (v && validDay(v) ? v : '');
  return {
    reason: parseReasonCode(params.get('reason')),
    customer: params.get('customer') || null,
    number: (params.get('number') ?? '').trim(),
    from: day(params.get('from')),
    to: day(params.get('to')),
    pageSize: (BLOCKED_PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_BLOCKED_PAGE_SIZE,
  };
}

export function blockedFiltersToParams(f: BlockedFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.reason) p.set('reason', f.reason);
  if (f.customer) p.set('customer', f.customer);
  if (f.number.trim()) p.set('number', f.number.trim());
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.pageSize !== DEFAULT_BLOCKED_PAGE_SIZE) p.set('size', String(f.pageSize));
  return p;
}

export function hasBlockedFilters(f: BlockedFilters): boolean {
  return Boolean(f.reason || f.customer || f.number.trim() || f.from || f.to);
}
