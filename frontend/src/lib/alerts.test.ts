import { describe, expect, it } from 'vitest';
import {
  alertCountBadge,
  alertCountLabel,
  alertFiltersToParams,
  alertKindLabel,
  alertsVariables,
  DEFAULT_ALERT_PAGE_SIZE,
  deliveryStatus,
  hasAlertFilters,
  kindOptions,
  noAlertFilters,
  parseAlertFilters,
  severityOf,
  withAcknowledged,
} from './alerts';

describe('kinds and severities', () => {
  it('names the service’s kinds and puts unknown ones in words', () => {
    expect(alertKindLabel('inactivity_warning')).toBe('Short code silent');
    expect(alertKindLabel('job_failed')).toBe('Job failed');
    expect(alertKindLabel('carrier_bind_lost')).toBe('Carrier bind lost');
  });

  it('offers a kind from the URL the list does not know, once', () => {
    expect(kindOptions('carrier_bind_lost').at(-1)).toEqual({ value: 'carrier_bind_lost', label: 'Carrier bind lost' });
    expect(kindOptions('job_failed').filter((o) => o.value === 'job_failed')).toHaveLength(1);
    expect(kindOptions(null)).toHaveLength(kindOptions('job_failed').length);
  });

  it('reads an unknown severity as info', () => {
    expect(severityOf('critical')).toBe('critical');
    expect(severityOf('warning')).toBe('warning');
    expect(severityOf('notice')).toBe('info');
  });
});

describe('deliveryStatus', () => {
  it('tells a first try from a retry and a failure', () => {
    expect(deliveryStatus({ state: 'pending', attempts: 0 })).toEqual({ level: 'waiting', label: 'Pending', color: 'gray' });
    expect(deliveryStatus({ state: 'pending', attempts: 2, lastError: 'connection refused' })).toEqual({
      level: 'retrying',
      label: 'Retrying (2 failed)',
      color: 'orange',
    });
    expect(deliveryStatus({ state: 'failed', attempts: 5, lastError: 'connection refused' })).toEqual({
      level: 'failed',
      label: 'Failed after 5 attempts',
      color: 'red',
    });
    expect(deliveryStatus({ state: 'failed', attempts: 1 }).label).toBe('Failed after 1 attempt');
    expect(deliveryStatus({ state: 'sent', attempts: 1, recipient: 'am@demo.example' }).level).toBe('sent');
  });
});

describe('the inbox filters', () => {
  it('default to the open alerts, written nowhere', () => {
    expect(parseAlertFilters(new URLSearchParams(''))).toEqual(noAlertFilters);
    expect(alertFiltersToParams(noAlertFilters).toString()).toBe('');
    expect(hasAlertFilters(noAlertFilters)).toBe(false);
    expect(alertsVariables(noAlertFilters)).toEqual({ kind: null, customerId: null, state: null, acknowledged: false });
  });

  it('round-trip through the query string', () => {
    const f = { kind: 'inactivity_warning', customer: '1', state: 'failed' as const, ack: 'all' as const, pageSize: 50 };
    const params = alertFiltersToParams(f);
    expect(params.toString()).toBe('kind=inactivity_warning&customer=1&state=failed&ack=all&size=50');
    expect(parseAlertFilters(params)).toEqual(f);
    expect(hasAlertFilters(f)).toBe(true);
    expect(alertsVariables(f)).toEqual({ kind: 'inactivity_warning', customerId: '1', state: 'failed', acknowledged: null });
    expect(alertsVariables({ ...f, ack: 'done' }).acknowledged).toBe(true);
    expect(hasAlertFilters({ ...noAlertFilters, ack: 'done' })).toBe(true);
  });

  it('ignores a malformed kind, state, acknowledgement or page size', () => {
    expect(parseAlertFilters(new URLSearchParams('kind=DROP TABLE&state=lost&ack=maybe&size=3'))).toEqual({
      ...noAlertFilters,
      pageSize: DEFAULT_ALERT_PAGE_SIZE,
    });
  });
});

describe('withAcknowledged', () => {
  const row = (id: string, ack = false) => ({ id, acknowledgedAt: ack ? '2026-11-22T10:00:00Z' : null });

  it('replaces a row with its acknowledged version', () => {
    const out = withAcknowledged([row('9'), row('8'), row('7')], new Map([['8', row('8', true)]]), true);
    expect(out.map((r) => [r.id, r.acknowledgedAt !== null])).toEqual([
      ['9', false],
      ['8', true],
      ['7', false],
    ]);
  });

  it('keeps an acknowledged row in its place when a refetch of the open alerts drops it', () => {
    const out = withAcknowledged([row('9'), row('7')], new Map([['8', row('8', true)]]), true);
    expect(out.map((r) => r.id)).toEqual(['9', '8', '7']);
    // The last open alert acknowledged: the page still shows it.
    expect(withAcknowledged([], new Map([['8', row('8', true)]]), true).map((r) => r.id)).toEqual(['8']);
  });

  it('brings back only rows that belong to the page shown', () => {
    const acked = new Map([
      ['12', row('12', true)],
      ['3', row('3', true)],
    ]);
    // A later page (ids 9 to 7) takes neither the newer 12 nor the older 3.
    expect(withAcknowledged([row('9'), row('7')], acked, false).map((r) => r.id)).toEqual(['9', '7']);
    // The first page takes the newer one, never one older than its last row.
    expect(withAcknowledged([row('9'), row('7')], acked, true).map((r) => r.id)).toEqual(['12', '9', '7']);
    expect(withAcknowledged([], acked, false)).toEqual([]);
  });
});

describe('the navigation count', () => {
  it('says when there are more than it read', () => {
    expect(alertCountBadge(3, false)).toBe('3');
    expect(alertCountBadge(100, true)).toBe('100+');
    expect(alertCountLabel(1, false)).toBe('1 alert to acknowledge');
    expect(alertCountLabel(4, false)).toBe('4 alerts to acknowledge');
    expect(alertCountLabel(100, true)).toBe('more than 100 alerts to acknowledge');
  });
});
