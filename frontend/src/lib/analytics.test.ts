import { describe, expect, it } from 'vitest';
import {
  addDays,
  analyticsFiltersToParams,
  carrierByDay,
  carrierLabel,
  carrierTable,
  dayLabel,
  daysInRange,
  defaultRange,
  formatCount,
  formatDuration,
  formatRatio,
  latencyByCarrier,
  OUTCOME_SERIES,
  parseAnalyticsFilters,
  rangeError,
  statusByDay,
  totals,
  type StatsRow,
} from './analytics';

const NOW = new Date('2026-11-22T23:59:59.999Z');

describe('the date range', () => {
  it('defaults to the last 7 UTC days, today included', () => {
    expect(defaultRange(NOW)).toEqual({ from: '2026-11-16', to: '2026-11-22' });
    // Just after midnight UTC it is already the next day, whatever the browser's zone.
    expect(defaultRange(new Date('2026-11-23T00:00:00.001Z'))).toEqual({ from: '2026-11-17', to: '2026-11-23' });
    expect(defaultRange(new Date('2026-03-02T12:00:00Z'), 3)).toEqual({ from: '2026-02-28', to: '2026-03-02' });
    expect(daysInRange(defaultRange(NOW).from, defaultRange(NOW).to)).toHaveLength(7);
  });

  it('lists every day of a range, across months and leap days', () => {
    expect(daysInRange('2028-02-27', '2028-03-01')).toEqual(['2028-02-27', '2028-02-28', '2028-02-29', '2028-03-01']);
    expect(daysInRange('2026-11-22', '2026-11-22')).toEqual(['2026-11-22']);
    expect(daysInRange('2026-11-22', '2026-11-21')).toEqual([]);
    expect(daysInRange('2026-02-30', '2026-03-01')).toEqual([]);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('refuses what the API refuses: reversed, malformed, empty, over 366 days', () => {
    expect(rangeError('2026-11-16', '2026-11-22')).toBeNull();
    expect(rangeError('2026-11-22', '2026-11-16')).toMatch(/before the start/);
    expect(rangeError('2026-11-31', '2026-12-01')).toMatch(/YYYY-MM-DD/);
    expect(rangeError('', '2026-12-01')).toMatch(/Choose both/);
    // 366 days, both ends included, is the most one query may cover.
    expect(rangeError('2027-01-01', '2028-01-01')).toBeNull();
    expect(daysInRange('2027-01-01', '2028-01-01')).toHaveLength(366);
    expect(rangeError('2027-01-01', '2028-01-02')).toMatch(/At most 366 days/);
  });

  it('labels days for chart axes, with the year when the range spans two', () => {
    expect(dayLabel('2026-11-02')).toBe('02 Nov');
    expect(dayLabel('2026-11-02', true)).toBe('02 Nov 2026');
    expect(dayLabel('not a day')).toBe('not a day');
  });
});

describe('filters in the query string', () => {
  it('leaves the default range out of the address bar', () => {
    const f = parseAnalyticsFilters(new URLSearchParams(''), NOW);
    expect(f).toEqual({ from: '2026-11-16', to: '2026-11-22', customer: null, direction: null });
    expect(analyticsFiltersToParams(f, NOW).toString()).toBe('');
  });

  it('round-trips a range, a customer and a direction', () => {
    const f = { from: '2026-10-01', to: '2026-10-31', customer: '3', direction: 'MO' as const };
    const params = analyticsFiltersToParams(f, NOW);
    expect(params.toString()).toBe('from=2026-10-01&to=2026-10-31&customer=3&direction=MO');
    expect(parseAnalyticsFilters(params, NOW)).toEqual(f);
  });

  it('keeps an emptied or malformed day empty instead of snapping back to the default', () => {
    const f = parseAnalyticsFilters(new URLSearchParams('from=&to=2026-11-22&direction=UP'), NOW);
    expect(f).toEqual({ from: '', to: '2026-11-22', customer: null, direction: null });
    expect(rangeError(f.from, f.to)).not.toBeNull();
    expect(analyticsFiltersToParams(f, NOW).toString()).toBe('from=&to=2026-11-22');
    expect(parseAnalyticsFilters(new URLSearchParams('from=yesterday'), NOW).from).toBe('');
  });
});

describe('status by day', () => {
  const days = daysInRange('2026-11-20', '2026-11-22');
  const rows: StatsRow[] = [
    { day: '2026-11-20', received: 5, delivered: 3, undeliverable: 1, expired: 0, rejected: 1, cancelled: 0, inFlight: 0 },
    { day: '2026-11-22', received: 4, delivered: 1, undeliverable: 0, expired: 1, rejected: 0, cancelled: 1, inFlight: 1 },
  ];

  it('gives every day of the range a point, days without traffic at zero', () => {
    const points = statusByDay(rows, days);
    expect(points.map((p) => p.day)).toEqual(days);
    expect(points[0]).toEqual({
      day: '2026-11-20',
      label: '20 Nov',
      delivered: 3,
      undeliverable: 1,
      expired: 0,
      rejected: 1,
      cancelled: 0,
      inFlight: 0,
    });
    expect(points[1]).toMatchObject({ delivered: 0, undeliverable: 0, expired: 0, rejected: 0, cancelled: 0, inFlight: 0 });
    expect(points[2]).toMatchObject({ delivered: 1, expired: 1, cancelled: 1, inFlight: 1 });
  });

  it('stacks every outcome, so a day sums to what was received', () => {
    for (const p of statusByDay(rows, days)) {
      const sum = OUTCOME_SERIES.reduce((n, s) => n + p[s.name], 0);
      expect(sum).toBe(rows.find((r) => r.day === p.day)?.received ?? 0);
    }
  });

  it('ignores rows outside the range', () => {
    expect(statusByDay([{ day: '2026-01-01', received: 9, delivered: 9 }], days).every((p) => p.delivered === 0)).toBe(true);
  });
});

describe('carriers', () => {
  it('names a carrier by its code, its id, or Unknown', () => {
    expect(carrierLabel({ carrierId: '2', carrierCode: 'TMOBILE' })).toBe('TMOBILE');
    expect(carrierLabel({ carrierId: '9', carrierCode: null })).toBe('Carrier #9');
    expect(carrierLabel({ carrierId: null, carrierCode: null })).toBe('Unknown');
  });

  it('pivots day × carrier rows into one point a day and one series a carrier, busiest first, Unknown last', () => {
    const days = daysInRange('2026-11-21', '2026-11-22');
    const { data, series } = carrierByDay(
      [
        { day: '2026-11-21', carrierId: null, carrierCode: null, received: 7 },
        { day: '2026-11-21', carrierId: '2', carrierCode: 'TMOBILE', received: 1 },
        { day: '2026-11-21', carrierId: '3', carrierCode: 'VERIZON', received: 2 },
        { day: '2026-11-22', carrierId: '2', carrierCode: 'TMOBILE', received: 3 },
        { day: '2026-11-30', carrierId: '1', carrierCode: 'ATT', received: 50 },
      ],
      days,
    );
    expect(series.map((s) => s.label)).toEqual(['TMOBILE', 'VERIZON', 'Unknown']);
    expect(series.map((s) => s.name)).toEqual(['carrier0', 'carrier1', 'carrier2']);
    expect(series[2]?.color).toBe('gray.5');
    expect(new Set(series.map((s) => s.color)).size).toBe(3);
    expect(data).toEqual([
      { day: '2026-11-21', label: '21 Nov', carrier0: 1, carrier1: 2, carrier2: 7 },
      { day: '2026-11-22', label: '22 Nov', carrier0: 3, carrier1: 0, carrier2: 0 },
    ]);
  });

  it('gives an empty range an empty chart', () => {
    expect(carrierByDay([], daysInRange('2026-11-21', '2026-11-22'))).toEqual({
      data: [
        { day: '2026-11-21', label: '21 Nov' },
        { day: '2026-11-22', label: '22 Nov' },
      ],
      series: [],
    });
  });

  const byCarrier: StatsRow[] = [
    { carrierId: null, carrierCode: null, received: 9, fragments: 9, rejected: 9, deliveredRatio: null },
    {
      carrierId: '3',
      carrierCode: 'VERIZON',
      received: 2,
      fragments: 2,
      delivered: 0,
      undeliverable: 2,
      deliveredRatio: 0,
      deliveryP50Ms: null,
      deliveryP95Ms: null,
    },
    {
      carrierId: '2',
      carrierCode: 'TMOBILE',
      received: 4,
      fragments: 6,
      delivered: 3,
      expired: 1,
      cancelled: 0,
      inFlight: 0,
      deliveredRatio: 0.75,
      deliveryP50Ms: 230,
      deliveryP95Ms: 1840,
    },
  ];

  it('makes the per-carrier table, busiest first and Unknown last', () => {
    const table = carrierTable(byCarrier);
    expect(table.map((r) => r.label)).toEqual(['TMOBILE', 'VERIZON', 'Unknown']);
    expect(table[0]).toEqual({
      label: 'TMOBILE',
      carrierId: '2',
      received: 4,
      fragments: 6,
      delivered: 3,
      notDelivered: 1,
      rejected: 0,
      inFlight: 0,
      deliveredRatio: 0.75,
      p50Ms: 230,
      p95Ms: 1840,
    });
    expect(table[1]).toMatchObject({ notDelivered: 2, deliveredRatio: 0, p50Ms: null });
    expect(table[2]).toMatchObject({ carrierId: null, rejected: 9, deliveredRatio: null });
  });

  it('charts delivery times only for carriers that have them', () => {
    expect(latencyByCarrier(carrierTable(byCarrier))).toEqual([{ carrier: 'TMOBILE', p50: 230, p95: 1840 }]);
  });

  it('totals a range like the API counts the delivered ratio (rejected left out)', () => {
    expect(totals(byCarrier)).toEqual({
      received: 15,
      fragments: 17,
      delivered: 3,
      notDelivered: 3,
      rejected: 9,
      inFlight: 0,
      deliveredRatio: 0.5,
    });
    expect(totals([]).deliveredRatio).toBeNull();
  });
});

describe('formatting', () => {
  it('formats delivery times in ms, s, min and h', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(230)).toBe('230 ms');
    expect(formatDuration(999.4)).toBe('999 ms');
    expect(formatDuration(999.6)).toBe('1.0 s');
    expect(formatDuration(1840)).toBe('1.8 s');
    expect(formatDuration(9960)).toBe('10 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(59_700)).toBe('1 min 0 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDuration(7_800_000)).toBe('2 h 10 min');
    expect(formatDuration(274_000_000)).toBe('3 d 4 h');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(undefined)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
  });

  it('formats ratios as percentages without rounding to 0% or 100% when it is not', () => {
    expect(formatRatio(1)).toBe('100%');
    expect(formatRatio(0)).toBe('0%');
    expect(formatRatio(0.75)).toBe('75%');
    expect(formatRatio(0.98765)).toBe('98.8%');
    expect(formatRatio(0.99996)).toBe('>99.9%');
    expect(formatRatio(0.0004)).toBe('<0.1%');
    expect(formatRatio(null)).toBe('—');
  });

  it('groups counts', () => {
    expect(formatCount(12345)).toBe('12,345');
    expect(formatCount(0)).toBe('0');
  });
});
