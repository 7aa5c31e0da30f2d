import { describe, expect, it } from 'vitest';
import {
  averagePerMinute,
  bindAge,
  bindDirections,
  bindsByAccount,
  bindTypeLabel,
  formatPerMinute,
  formatRate,
  latencyLevel,
  snapshot,
  sortSessions,
  throughput,
} from './gateway';

const session = (sessionId: string, systemId: string, bindType: string, boundAt: string, customerId = '1') => ({
  sessionId,
  systemId,
  customerId,
  bindType,
  boundAt,
  peer: '127.0.0.1:5000',
});

describe('binds', () => {
  it('names bind types and what they may do', () => {
    expect(bindTypeLabel('transceiver')).toBe('Transceiver');
    expect(bindTypeLabel('outbind')).toBe('outbind');
    expect(bindDirections('transmitter')).toEqual({ sends: true, receives: false });
    expect(bindDirections('receiver')).toEqual({ sends: false, receives: true });
    expect(bindDirections('transceiver')).toEqual({ sends: true, receives: true });
  });

  it('tells how long a bind has been up', () => {
    const now = new Date('2026-11-22T10:00:00Z');
    expect(bindAge('2026-11-22T09:59:18Z', now)).toBe('42 s');
    expect(bindAge('2026-11-22T07:50:00Z', now)).toBe('2 h 10 min');
    // The service's clock a little ahead of the browser's.
    expect(bindAge('2026-11-22T10:00:00.400Z', now)).toBe('just now');
    expect(bindAge('not a time', now)).toBe('—');
  });

  it('keeps binds in a stable order, longest up first', () => {
    const sorted = sortSessions([
      session('3', 'b', 'receiver', '2026-11-22T09:00:00Z'),
      session('2', 'a', 'transmitter', '2026-11-22T08:00:00Z'),
      session('1', 'a', 'transmitter', '2026-11-22T09:00:00Z'),
    ]);
    expect(sorted.map((s) => s.sessionId)).toEqual(['2', '1', '3']);
  });

  it('counts binds per account, with what they can do together', () => {
    const by = bindsByAccount([
      session('1', 'demo', 'transmitter', '2026-11-22T09:00:00Z'),
      session('2', 'demo', 'receiver', '2026-11-22T09:00:00Z'),
      session('3', 'other', 'transmitter', '2026-11-22T09:00:00Z', '2'),
    ]);
    expect(by).toEqual([
      { customerId: '1', systemId: 'demo', binds: 2, sends: true, receives: true },
      { customerId: '2', systemId: 'other', binds: 1, sends: true, receives: false },
    ]);
  });
});

describe('throughput', () => {
  const rows = (att: number, tmo?: number) => [
    { carrierId: '1', carrierCode: 'ATT', received: att },
    ...(tmo === undefined ? [] : [{ carrierId: '2', carrierCode: 'TMO', received: tmo }]),
  ];

  it('is the messages received per second between two refreshes of the same day', () => {
    const a = snapshot('2026-11-22', 0, rows(100));
    const b = snapshot('2026-11-22', 5_000, rows(112, 3));
    const t = throughput(a, b);
    expect(t.get('ATT')).toBeCloseTo(2.4);
    // New since the last refresh: counted from zero.
    expect(t.get('TMO')).toBeCloseTo(0.6);
  });

  it('is unknown without an earlier refresh, across midnight, or when a count went down', () => {
    const b = snapshot('2026-11-22', 5_000, rows(112));
    expect(throughput(null, b).get('ATT')).toBeNull();
    expect(throughput(snapshot('2026-11-21', 0, rows(9000)), b).get('ATT')).toBeNull();
    expect(throughput(snapshot('2026-11-22', 0, rows(120)), b).get('ATT')).toBeNull();
    expect(throughput(snapshot('2026-11-22', 5_000, rows(100)), b).get('ATT')).toBeNull();
  });

  it('keys carriers as the analytics page names them, unknown ones included', () => {
    const s = snapshot('2026-11-22', 0, [{ carrierId: null, carrierCode: null, received: 4 }]);
    expect([...s.received.keys()]).toEqual(['Unknown']);
  });

  it('formats rates for people, never rounding a trickle to zero', () => {
    expect(formatRate(0)).toBe('0 msg/s');
    expect(formatRate(0.01)).toBe('<0.1 msg/s');
    expect(formatRate(0.4)).toBe('0.4 msg/s');
    expect(formatRate(2)).toBe('2 msg/s');
    expect(formatRate(1249.6)).toBe('1,250 msg/s');
    expect(formatRate(null)).toBe('—');
  });

  it('averages the day so far per minute from 00:00 UTC', () => {
    expect(averagePerMinute(600, new Date('2026-11-22T10:00:00Z'))).toBe(1);
    // Right after midnight, the first minute counts whole.
    expect(averagePerMinute(5, new Date('2026-11-22T00:00:10Z'))).toBe(5);
    expect(formatPerMinute(1)).toBe('1/min');
    expect(formatPerMinute(0.25)).toBe('0.3/min');
    expect(formatPerMinute(0.001)).toBe('<0.1/min');
    expect(formatPerMinute(0)).toBe('0/min');
  });
});

describe('latencyLevel', () => {
  it('flags a carrier whose p95 is over the alert threshold', () => {
    expect(latencyLevel(null)).toBe('none');
    expect(latencyLevel(4_000)).toBe('ok');
    expect(latencyLevel(120_000)).toBe('ok');
    expect(latencyLevel(150_000)).toBe('slow');
    expect(latencyLevel(5_000, 3_000)).toBe('slow');
  });
});
