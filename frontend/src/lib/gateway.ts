// Helpers for the gateway page: the live SMPP binds (their type, how long they have been up,
// per customer), and each carrier's traffic today from `deliveryStats` grouped by carrier,
// with the throughput between two refreshes of the page.

import { carrierLabel, formatDuration, type StatsRow } from './analytics';

/** How often the page asks again. */
export const REFRESH_MS = 5_000;

// ---------------------------------------------------------------------------------------------
// Binds.

export const BIND_TYPE_LABELS: Record<string, string> = {
  transmitter: 'Transmitter',
  receiver: 'Receiver',
  transceiver: 'Transceiver',
};

/** "Transceiver"; an unknown type as the service names it. */
export function bindTypeLabel(bindType: string): string {
  return BIND_TYPE_LABELS[bindType] ?? bindType;
}

/** Whether a bind may submit (transmitter, transceiver) and receive (receiver, transceiver). */
export function bindDirections(bindType: string): { sends: boolean; receives: boolean } {
  return { sends: bindType === 'transmitter' || bindType === 'transceiver', receives: bindType === 'receiver' || bindType === 'transceiver' };
}

/** How long a bind has been up at `now`: "42 s", "3 min 5 s", "2 h 10 min". */
export function bindAge(boundAt: string, now: Date): string {
  const ms = now.getTime() - new Date(boundAt).getTime();
  if (Number.isNaN(ms)) return '—';
  // A clock a little ahead of the browser's is "just now", not a negative age.
  return ms < 1000 ? 'just now' : formatDuration(ms);
}

export interface SessionLike {
  sessionId: string;
  systemId: string;
  customerId: string;
  bindType: string;
  boundAt: string;
}

/** The binds, longest up first (then by session id), so rows keep their places between refreshes. */
export function sortSessions<S extends SessionLike>(sessions: readonly S[]): S[] {
  return [...sessions].sort((a, b) => a.boundAt.localeCompare(b.boundAt) || Number(a.sessionId) - Number(b.sessionId));
}

/** Binds per customer and system_id, most first: what each customer holds open. */
export function bindsByAccount(sessions: readonly SessionLike[]): { customerId: string; systemId: string; binds: number; sends: boolean; receives: boolean }[] {
  const by = new Map<string, { customerId: string; systemId: string; binds: number; sends: boolean; receives: boolean }>();
  for (const s of sessions) {
    const key = `${s.customerId}|${s.systemId}`;
    const d = bindDirections(s.bindType);
    const seen = by.get(key);
    if (seen) {
      seen.binds++;
      seen.sends ||= d.sends;
      seen.receives ||= d.receives;
    } else {
      by.set(key, { customerId: s.customerId, systemId: s.systemId, binds: 1, ...d });
    }
  }
  return [...by.values()].sort((a, b) => b.binds - a.binds || a.systemId.localeCompare(b.systemId));
}

// ---------------------------------------------------------------------------------------------
// Carriers today.

/** What one refresh counted: each carrier's received messages today, and when it was read. */
export interface Snapshot {
  /** The UTC day counted. */
  day: string;
  at: number;
  received: Map<string, number>;
}

export function snapshot(day: string, at: number, rows: readonly StatsRow[]): Snapshot {
  return { day, at, received: new Map(rows.map((r) => [carrierLabel(r), r.received])) };
}

/**
 * Messages per second of each carrier between two refreshes; null for a carrier when there is
 * no earlier refresh of the same day to compare with, or its count went down (the day's
 * roll-up was corrected). A carrier new since the earlier refresh counts from zero.
 */
export function throughput(previous: Snapshot | null, next: Snapshot): Map<string, number | null> {
  const out = new Map<string, number | null>();
  const seconds = previous ? (next.at - previous.at) / 1000 : 0;
  for (const [label, received] of next.received) {
    if (!previous || previous.day !== next.day || seconds <= 0) {
      out.set(label, null);
      continue;
    }
    const before = previous.received.get(label) ?? 0;
    out.set(label, received < before ? null : (received - before) / seconds);
  }
  return out;
}

/** "0 msg/s", "0.4 msg/s", "12 msg/s", "1,250 msg/s"; "—" when unknown. */
export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || Number.isNaN(perSecond)) return '—';
  if (perSecond === 0) return '0 msg/s';
  if (perSecond < 0.05) return '<0.1 msg/s';
  if (perSecond < 10) return `${perSecond.toFixed(1).replace(/\.0$/, '')} msg/s`;
  return `${Math.round(perSecond).toLocaleString('en-US')} msg/s`;
}

/** The average rate of a day's count up to `now`, from 00:00 UTC: messages per minute. */
export function averagePerMinute(received: number, now: Date): number {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const minutes = Math.max(1, (now.getTime() - midnight) / 60_000);
  return received / minutes;
}

/** "3.2/min", "<0.1/min", "0/min". */
export function formatPerMinute(perMinute: number): string {
  if (perMinute === 0) return '0/min';
  if (perMinute < 0.05) return '<0.1/min';
  if (perMinute < 10) return `${perMinute.toFixed(1).replace(/\.0$/, '')}/min`;
  return `${Math.round(perMinute).toLocaleString('en-US')}/min`;
}

export type LatencyLevel = 'none' | 'ok' | 'slow';

/**
 * A carrier's delivery time against the service's alert threshold (90th percentile over
 * 120 s by default): p95 over it is `slow`. The page has p95, not p90, so this can flag a
 * carrier a little before the job does; it never misses one the job would alert on.
 */
export function latencyLevel(p95Ms: number | null | undefined, limitMs = 120_000): LatencyLevel {
  if (p95Ms === null || p95Ms === undefined) return 'none';
  return p95Ms > limitMs ? 'slow' : 'ok';
}
