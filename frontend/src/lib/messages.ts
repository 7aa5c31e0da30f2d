// Helpers for the message pages: status colours and labels, the list's filters as they live in
// the address bar, the number a typed address means, the status history a detail record
// implies, and which fragment split of the body matches the stored record.

import type { Direction, Encoding, MessageKind, MessageStatus } from '../../generated/gql/graphql';
import { formatDuration } from './analytics';
import { titleCase } from './format';
import { parseReasonCode } from './mms';

export const MESSAGE_STATUSES: readonly MessageStatus[] = [
  'ACCEPTED',
  'ENROUTE',
  'DELIVERED',
  'UNDELIVERABLE',
  'EXPIRED',
  'REJECTED',
  'CANCELLED',
  'DELIVERED_UNCONFIRMED',
];

export const MESSAGE_STATUS_COLORS: Record<MessageStatus, string> = {
  ACCEPTED: 'blue',
  ENROUTE: 'cyan',
  DELIVERED: 'teal',
  UNDELIVERABLE: 'red',
  EXPIRED: 'orange',
  REJECTED: 'grape',
  CANCELLED: 'gray',
  DELIVERED_UNCONFIRMED: 'lime',
};

/** A status for people; DELIVERED_UNCONFIRMED says what it means: no receipt will come. */
export function messageStatusLabel(status: MessageStatus): string {
  return status === 'DELIVERED_UNCONFIRMED' ? 'Delivered, no receipt' : titleCase(status);
}

export const DIRECTION_LABELS: Record<Direction, string> = {
  MT: 'MT (outbound)',
  MO: 'MO (inbound)',
};

/** True once nothing more will happen to the message (the service's `is_final`). */
export function isFinalStatus(status: MessageStatus): boolean {
  return status !== 'ACCEPTED' && status !== 'ENROUTE';
}

/** The API's lower-case `Message.encoding` (`gsm7`, `ucs2`, …) as the `Encoding` enum. */
export function messageEncoding(value: string): Encoding | null {
  switch (value.toLowerCase()) {
    case 'gsm7':
      return 'GSM7';
    case 'ucs2':
      return 'UCS2';
    case 'latin1':
      return 'LATIN1';
    case 'ksc5601':
      return 'KSC5601';
    default:
      return null;
  }
}

const DATA_CODINGS: Record<number, string> = {
  0: 'SMSC default alphabet (GSM 03.38)',
  1: 'IA5 / ASCII',
  3: 'Latin-1 (ISO 8859-1)',
  8: 'UCS-2',
  14: 'KSC5601 (Korean)',
};

/** "8 · UCS-2"; an unknown coding keeps its number. */
export function dataCodingLabel(dataCoding: number): string {
  const name = DATA_CODINGS[dataCoding];
  return name ? `${dataCoding} · ${name}` : `${dataCoding}`;
}

/** A charge line's kind (`usage` or `carrier_fee` in the API) for people. */
export function chargeKindLabel(kind: string): string {
  switch (kind.toLowerCase()) {
    case 'usage':
      return 'Usage (rate card)';
    case 'carrier_fee':
      return 'Carrier fee (pass-through)';
    default:
      return kind;
  }
}

/** An SMPP error code as receipts show it ("001"); "—" when there is none. */
export function formatErrorCode(code: number | null | undefined): string {
  if (code === null || code === undefined) return '—';
  return String(code).padStart(3, '0');
}

// ---------------------------------------------------------------------------------------------
// The list's filters, in the query string so a filtered view can be linked and reloaded.

export const PAGE_SIZES = [10, 20, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 20;

export interface MessageListFilters {
  customer: string | null;
  status: MessageStatus | null;
  direction: Direction | null;
  kind: MessageKind | null;
  /** Rejected messages whose reason starts with this code (`MMS_TOO_LARGE`), or null. */
  reason: string | null;
  /** A number or sender ID as typed (`+12065550100`, `55501`, `DEMOCO`). */
  number: string;
  /** Submitted on or after this UTC day, `YYYY-MM-DD`; "" for no bound. */
  from: string;
  /** Submitted on or before this UTC day, `YYYY-MM-DD`; "" for no bound. */
  to: string;
  pageSize: number;
}

export const noFilters: MessageListFilters = {
  customer: null,
  status: null,
  direction: null,
  kind: null,
  reason: null,
  number: '',
  from: '',
  to: '',
  pageSize: DEFAULT_PAGE_SIZE,
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The filters a query string names; unknown or malformed values are ignored. */
export function parseFilters(params: URLSearchParams): MessageListFilters {
  const status = params.get('status');
  const direction = params.get('direction');
  const kind = params.get('kind');
  const size = Number(params.get('size'));
  const day = (name: string) => {
    const v = params.get(name) ?? '';
    return DAY.test(v) ? v : '';
  };
  return {
    customer: params.get('customer') || null,
    status: MESSAGE_STATUSES.includes(status as MessageStatus) ? (status as MessageStatus) : null,
    direction: direction === 'MT' || direction === 'MO' ? direction : null,
    kind: kind === 'SMS' || kind === 'MMS' ? kind : null,
    reason: parseReasonCode(params.get('reason')),
    number: (params.get('number') ?? '').trim(),
    from: day('from'),
    to: day('to'),
    pageSize: (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_PAGE_SIZE,
  };
}

/** The query string of some filters, naming only what is set (so `/messages` is "everything"). */
export function filtersToParams(f: MessageListFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.customer) p.set('customer', f.customer);
  if (f.status) p.set('status', f.status);
  if (f.direction) p.set('direction', f.direction);
  if (f.kind) p.set('kind', f.kind);
  if (f.reason) p.set('reason', f.reason);
  if (f.number.trim()) p.set('number', f.number.trim());
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.pageSize !== DEFAULT_PAGE_SIZE) p.set('size', String(f.pageSize));
  return p;
}

/** True when any filter narrows the list (the page size does not). */
export function hasFilters(f: MessageListFilters): boolean {
  return Boolean(f.customer || f.status || f.direction || f.kind || f.reason || f.number.trim() || f.from || f.to);
}

export function validDay(day: string): boolean {
  if (!DAY.test(day)) return false;
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

/**
 * The API's `from` (submitted at or after) and `to` (submitted before) for a range of whole UTC
 * days, both ends included: to 2026-11-22 means before 2026-11-23T00:00:00Z.
 */
export function dayRange(from: string, to: string): { from: string | null; to: string | null; error: string | null } {
  if ((from && !validDay(from)) || (to && !validDay(to))) {
    return { from: null, to: null, error: 'Dates are days as YYYY-MM-DD.' };
  }
  if (from && to && to < from) {
    return { from: null, to: null, error: 'The end date is before the start date.' };
  }
  const start = from ? `${from}T00:00:00Z` : null;
  let end: string | null = null;
  if (to) {
    const next = new Date(`${to}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    end = `${next.toISOString().slice(0, 10)}T00:00:00Z`;
  }
  return { from: start, to: end, error: null };
}

// ---------------------------------------------------------------------------------------------
// The number a typed address means: the API filters by number id, people type addresses.

/** An address without the spaces, dashes, dots and brackets people type; letters upper-cased. */
export function normalizeAddress(text: string): string {
  return text.replace(/[\s\-().]/g, '').toUpperCase();
}

/**
 * The number whose address the text names: the same address, or the same digits with the `+`
 * (and for 10 digits the `+1`) of E.164 left out, as SMPP source addresses often are.
 */
export function findNumber<T extends { address: string }>(text: string, numbers: readonly T[]): T | null {
  const typed = normalizeAddress(text);
  if (!typed) return null;
  const forms = new Set([typed]);
  if (/^\d+$/.test(typed)) {
    forms.add(`+${typed}`);
    if (typed.length === 10) forms.add(`+1${typed}`);
  }
  return numbers.find((n) => forms.has(normalizeAddress(n.address))) ?? null;
}

// ---------------------------------------------------------------------------------------------
// Status history: the record keeps when it was submitted, when the carrier acknowledged it
// (`sentAt`, the ENROUTE step) and when it became final, so the history shows what those
// fields support and no more.

export interface HistoryStep {
  status: MessageStatus;
  /** When the message reached this status; null when the record does not say. */
  at: string | null;
  /** True for the message's status now. */
  current: boolean;
  description: string;
}

export interface StatusHistory {
  steps: HistoryStep[];
  /** True while a final status is still to come. */
  awaitingFinal: boolean;
}

export interface HistorySource {
  status: MessageStatus;
  submittedAt: string;
  /** When the carrier acknowledged the message (its ENROUTE); null before, or never sent. */
  sentAt?: string | null;
  doneAt?: string | null;
  errorCode?: number | null;
  rejectReason?: string | null;
}

const FINAL_DESCRIPTIONS: Record<Exclude<MessageStatus, 'ACCEPTED' | 'ENROUTE' | 'REJECTED'>, string> = {
  DELIVERED: 'Delivered to the handset',
  UNDELIVERABLE: 'The carrier could not deliver it',
  EXPIRED: 'Not delivered before its validity period ran out',
  CANCELLED: 'Cancelled (cancel_sm or an admin) while it waited for its carrier',
  DELIVERED_UNCONFIRMED:
    'Taken by a carrier that sends no delivery reports for it (T-Mobile A2P MMS): delivered as far as anyone will know, and no receipt will come',
};

export function statusHistory(m: HistorySource): StatusHistory {
  const accepted = (current: boolean): HistoryStep => ({
    status: 'ACCEPTED',
    at: m.submittedAt,
    current,
    description: 'Received and stored; the submit response carried its message id',
  });
  const enroute = (current: boolean): HistoryStep => ({
    status: 'ENROUTE',
    at: m.sentAt ?? null,
    current,
    description: m.sentAt
      ? 'Acknowledged by the carrier, which now has it'
      : 'Handed to the carrier (the time is not recorded)',
  });
  switch (m.status) {
    case 'REJECTED':
      // Refused at admission: never accepted for delivery, but received and rated.
      return {
        steps: [
          {
            status: 'REJECTED',
            at: m.doneAt ?? m.submittedAt,
            current: true,
            description: `Refused at admission${m.rejectReason ? `: ${m.rejectReason}` : ''}; received and rated all the same`,
          },
        ],
        awaitingFinal: false,
      };
    case 'ACCEPTED':
      return { steps: [accepted(true)], awaitingFinal: true };
    case 'ENROUTE':
      return { steps: [accepted(false), enroute(true)], awaitingFinal: true };
    default: {
      const err = m.errorCode ? ` (error ${formatErrorCode(m.errorCode)})` : '';
      // A final message went through ENROUTE when the carrier acknowledged it; one that
      // expired or was cancelled in the queue (or refused at submit) never did.
      return {
        steps: [
          accepted(false),
          ...(m.sentAt ? [enroute(false)] : []),
          { status: m.status, at: m.doneAt ?? null, current: true, description: `${FINAL_DESCRIPTIONS[m.status]}${err}` },
        ],
        awaitingFinal: false,
      };
    }
  }
}

/** SMPP priority_flag: "0 (lowest)" … "3 (highest)"; the outbound queue sends higher first. */
export function priorityLabel(priority: number): string {
  if (priority === 0) return '0 (lowest)';
  if (priority === 3) return '3 (highest)';
  return String(priority);
}

/** "205 ms", "4.2 s", "3 min 5 s", "2 h 10 min", "3 d 4 h"; null when either end is unknown. */
export function elapsed(from: string | null | undefined, to: string | null | undefined): string | null {
  if (!from || !to) return null;
  const ms = new Date(to).getTime() - new Date(from).getTime();
  if (Number.isNaN(ms) || ms < 0) return null;
  return formatDuration(ms);
}

// ---------------------------------------------------------------------------------------------
// Fragment boundaries of a stored body: the record keeps the count, not the split, so the
// split is recomputed (messagePreview) and shown only when it agrees with the record.

export interface SplitCandidate {
  encoding: Encoding;
  fragmentCount: number;
}

/**
 * The first candidate split (e.g. with a 6- and a 7-octet header) with the record's encoding
 * and fragment count; null when none agrees (the sender split the text itself, say).
 */
export function matchingSplit<T extends SplitCandidate>(
  record: { encoding: string; fragmentCount: number },
  candidates: readonly (T | null | undefined)[],
): T | null {
  const encoding = messageEncoding(record.encoding);
  return (
    candidates.find(
      (c): c is T => !!c && c.encoding === encoding && c.fragmentCount === record.fragmentCount,
    ) ?? null
  );
}
