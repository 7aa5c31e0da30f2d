// Helpers for the alerts inbox: kinds and severities for people, where an alert's email is
// (sent, retrying, failed), the inbox's filters as they live in the address bar, the rows
// acknowledged on the page kept in view until the next reload, and the count on the
// navigation.
//
// The service raises alerts once per thing and period (`src/alerts/`), emails each to the
// customer's account manager (operators for jobs and carriers) with retries, and keeps them
// until someone acknowledges them.

// ---------------------------------------------------------------------------------------------
// Kinds and severities.

/** The kinds the service raises, with the words the inbox shows. */
export const ALERT_KINDS: readonly { value: string; label: string }[] = [
  { value: 'inactivity_warning', label: 'Short code silent' },
  { value: 'inactivity_cancelled', label: 'Short code cancelled for inactivity' },
  { value: 'lease_renewed', label: 'Lease renewed' },
  { value: 'lease_ended', label: 'Lease ended' },
  { value: 'forecast_missing', label: 'Forecast missing' },
  { value: 'forecast_variance', label: 'Traffic over forecast' },
  { value: 'mms_ratio_warning', label: 'AT&T MMS ratio near the limit' },
  { value: 'mms_ratio_breach', label: 'AT&T MMS ratio breached' },
  { value: 'mms_use_case', label: 'MMS use case' },
  { value: 'delivery_time_degraded', label: 'Carrier delivery time degraded' },
  { value: 'job_failed', label: 'Job failed' },
];

/** A kind in words; an unknown one with its underscores as spaces ("new_thing" → "New thing"). */
export function alertKindLabel(kind: string): string {
  const known = ALERT_KINDS.find((k) => k.value === kind);
  if (known) return known.label;
  const words = kind.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The kind filter's options; a kind in the URL the list does not know is offered too. */
export function kindOptions(current: string | null): { value: string; label: string }[] {
  const options = [...ALERT_KINDS];
  if (current && !options.some((o) => o.value === current)) options.push({ value: current, label: alertKindLabel(current) });
  return options;
}

export type Severity = 'info' | 'warning' | 'critical';

export const SEVERITY_LABELS: Record<Severity, string> = { info: 'Info', warning: 'Warning', critical: 'Critical' };
export const SEVERITY_COLORS: Record<Severity, string> = { info: 'blue', warning: 'orange', critical: 'red' };

export function severityOf(value: string): Severity {
  return value === 'critical' || value === 'warning' ? value : 'info';
}

// ---------------------------------------------------------------------------------------------
// Email delivery.

export type DeliveryState = 'pending' | 'sent' | 'failed';
export const DELIVERY_STATES: readonly DeliveryState[] = ['pending', 'sent', 'failed'];
export const DELIVERY_STATE_LABELS: Record<DeliveryState, string> = { pending: 'Pending', sent: 'Sent', failed: 'Failed' };

export interface DeliveryLike {
  state: string;
  attempts: number;
  lastError?: string | null;
  recipient?: string | null;
  nextAttemptAt?: string | null;
  emailedAt?: string | null;
}

export type DeliveryLevel = 'sent' | 'waiting' | 'retrying' | 'failed';

/**
 * Where an alert's email is: `sent`; `waiting` for its first try; `retrying` after a failed
 * try (its error and next try kept); `failed` once the service gave up. `label` is what the
 * badge says, `color` its colour.
 */
export function deliveryStatus(a: DeliveryLike): { level: DeliveryLevel; label: string; color: string } {
  if (a.state === 'sent') return { level: 'sent', label: 'Sent', color: 'teal' };
  if (a.state === 'failed') {
    return { level: 'failed', label: `Failed after ${a.attempts} attempt${a.attempts === 1 ? '' : 's'}`, color: 'red' };
  }
  if (a.attempts > 0) return { level: 'retrying', label: `Retrying (${a.attempts} failed)`, color: 'orange' };
  return { level: 'waiting', label: 'Pending', color: 'gray' };
}

// ---------------------------------------------------------------------------------------------
// The inbox's filters.

/** Open: not acknowledged yet (the inbox's default); done: acknowledged; all: both. */
export type AckFilter = 'open' | 'done' | 'all';

export const ALERT_PAGE_SIZES = [20, 50, 100] as const;
export const DEFAULT_ALERT_PAGE_SIZE = 20;

export interface AlertFilters {
  kind: string | null;
  customer: string | null;
  state: DeliveryState | null;
  ack: AckFilter;
  pageSize: number;
}

export const noAlertFilters: AlertFilters = { kind: null, customer: null, state: null, ack: 'open', pageSize: DEFAULT_ALERT_PAGE_SIZE };

const KIND = /^[a-z][a-z0-9_]{0,31}$/;

export function parseAlertFilters(params: URLSearchParams): AlertFilters {
  const kind = params.get('kind');
  const state = params.get('state');
  const ack = params.get('ack');
  const size = Number(params.get('size'));
  return {
    kind: kind && KIND.test(kind) ? kind : null,
    customer: params.get('customer') || null,
    state: (DELIVERY_STATES as readonly string[]).includes(state ?? '') ? (state as DeliveryState) : null,
    ack: ack === 'done' || ack === 'all' ? ack : 'open',
    pageSize: (ALERT_PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_ALERT_PAGE_SIZE,
  };
}

/** The query string of some filters; the defaults (open alerts, 20 a page) are not written. */
export function alertFiltersToParams(f: AlertFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.kind) p.set('kind', f.kind);
  if (f.customer) p.set('customer', f.customer);
  if (f.state) p.set('state', f.state);
  if (f.ack !== 'open') p.set('ack', f.ack);
  if (f.pageSize !== DEFAULT_ALERT_PAGE_SIZE) p.set('size', String(f.pageSize));
  return p;
}

export function hasAlertFilters(f: AlertFilters): boolean {
  return Boolean(f.kind || f.customer || f.state || f.ack !== 'open');
}

/** The `alerts` query's filter arguments. */
export function alertsVariables(f: AlertFilters): {
  kind: string | null;
  customerId: string | null;
  state: string | null;
  acknowledged: boolean | null;
} {
  return {
    kind: f.kind,
    customerId: f.customer,
    state: f.state,
    acknowledged: f.ack === 'all' ? null : f.ack === 'done',
  };
}

// ---------------------------------------------------------------------------------------------
// Rows acknowledged on the page.

interface Row {
  id: string;
}

/**
 * The page's rows with those acknowledged here: an acknowledged row replaces the row the
 * server sent, and stays in view (in its place, newest first) when a refetch of the open
 * alerts no longer has it, so a click does not make the row vanish under the pointer. Only
 * rows within the page's range of ids come back (the first page takes newer ones too).
 */
export function withAcknowledged<T extends Row>(rows: readonly T[], acknowledged: ReadonlyMap<string, T>, firstPage: boolean): T[] {
  const ids = rows.map((r) => Number(r.id));
  const newest = ids.length > 0 ? Math.max(...ids) : Number.POSITIVE_INFINITY;
  const oldest = ids.length > 0 ? Math.min(...ids) : Number.NEGATIVE_INFINITY;
  const merged = rows.map((r) => acknowledged.get(r.id) ?? r);
  const present = new Set(rows.map((r) => r.id));
  for (const [id, row] of acknowledged) {
    if (present.has(id)) continue;
    const n = Number(id);
    if (rows.length === 0 ? firstPage : n >= oldest && (n <= newest || firstPage)) merged.push(row);
  }
  return merged.sort((a, b) => Number(b.id) - Number(a.id));
}

// ---------------------------------------------------------------------------------------------
// The count on the navigation.

/** How many alerts the navigation's query reads; more are shown as "100+". */
export const ALERT_COUNT_LIMIT = 100;

/** The badge's number: "7", or "100+" when there are more than the query read. */
export function alertCountBadge(count: number, more: boolean): string {
  return more ? `${count}+` : String(count);
}

/** What the badge says to a screen reader (and in its tooltip). */
export function alertCountLabel(count: number, more: boolean): string {
  return `${more ? 'more than ' : ''}${count} alert${count === 1 && !more ? '' : 's'} to acknowledge`;
}
