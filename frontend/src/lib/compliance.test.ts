import { describe, expect, it } from 'vitest';
import {
  complianceCounts,
  dailySeries,
  FULL,
  filingMoves,
  filingReasonError,
  filingsByCarrier,
  forecastErrors,
  forecastInput,
  forecastQuarters,
  forecastUse,
  hourlySeries,
  latestForecast,
  leaseMoves,
  leaseReasonError,
  milliToShare,
  nextQuarter,
  patternError,
  percentToMilli,
  presetPattern,
  previousQuarter,
  quarterOf,
  quarterRange,
  queueLabel,
  shareToMilli,
  silenceHint,
  silenceLabel,
  silenceLevel,
  parseShortCodeFilters,
  shortCodeFiltersToParams,
  type ForecastValues,
} from './compliance';

describe('complianceCounts', () => {
  it('counts open filings, alphanumeric IDs without an authorization in force and suspended codes', () => {
    const counts = complianceCounts({
      useCaseQueue: [{}, {}],
      filings: [
        { status: 'DRAFT' },
        { status: 'SUBMITTED' },
        { status: 'AMENDMENT_REQUIRED' },
        { status: 'APPROVED' },
        { status: 'REJECTED' },
      ],
      leases: [{ state: 'SUSPENDED' }, { state: 'ACTIVE' }, { state: 'SUSPENDED' }, { state: 'ENDED' }],
      alphanumerics: [
        { kind: 'ALPHANUMERIC', authorizations: [{ reference: 'A', grantedAt: '2026-01-01T00:00:00Z', grantedBy: 'x' }] },
        // Only withdrawn ones: it cannot send.
        {
          kind: 'ALPHANUMERIC',
          authorizations: [{ reference: 'B', grantedAt: '2026-01-01T00:00:00Z', grantedBy: 'x', withdrawnAt: '2026-02-01T00:00:00Z' }],
        },
        { kind: 'ALPHANUMERIC', authorizations: [] },
        // Not an alphanumeric ID: needs none.
        { kind: 'LONG_CODE', authorizations: [] },
      ],
    });
    expect(counts).toEqual({ useCases: 2, filings: 3, authorizations: 2, suspended: 2 });
  });

  it('says what a badge counts, singular and plural', () => {
    expect(queueLabel('filings', 1)).toBe('1 carrier filing open');
    expect(queueLabel('suspended', 3)).toBe('3 suspended short codes');
    expect(queueLabel('useCases', 2)).toBe('2 MMS use cases to decide');
  });
});

describe('leases', () => {
  it('highlights silence from 60 days and marks it critical from 80, only for codes that send', () => {
    expect(silenceLevel(59, 'ACTIVE')).toBe('ok');
    expect(silenceLevel(60, 'ACTIVE')).toBe('warning');
    expect(silenceLevel(79, 'NOTICE_GIVEN')).toBe('warning');
    expect(silenceLevel(80, 'ACTIVE')).toBe('critical');
    expect(silenceLevel(75, 'ENDED')).toBe('none');
    expect(silenceLevel(75, 'SUSPENDED')).toBe('none');
    expect(silenceLevel(null, 'ACTIVE')).toBe('none');
  });

  it('says how long until carriers cancel a silent code', () => {
    expect(silenceHint(75, 'ACTIVE')).toMatch(/15 days left/);
    expect(silenceHint(89, 'ACTIVE')).toMatch(/1 day left/);
    expect(silenceHint(90, 'ACTIVE')).toMatch(/cancel the code at the next maintenance/);
    expect(silenceHint(10, 'ACTIVE')).toBeNull();
    expect(silenceHint(75, 'ENDED')).toBeNull();
    expect(silenceLabel(0)).toBe('today');
    expect(silenceLabel(1)).toBe('1 day');
    expect(silenceLabel(75)).toBe('75 days');
    expect(silenceLabel(null)).toBe('—');
  });

  it('offers suspension for a sending lease and resumption for a suspended one, with a reason', () => {
    expect(leaseMoves('ACTIVE')).toEqual(['suspend']);
    expect(leaseMoves('NOTICE_GIVEN')).toEqual(['suspend']);
    expect(leaseMoves('SUSPENDED')).toEqual(['resume']);
    expect(leaseMoves('APPLIED')).toEqual([]);
    expect(leaseMoves('CANCELLED_INACTIVITY')).toEqual([]);
    expect(leaseReasonError('suspend', '  ')).toMatch(/reason for suspending/);
    expect(leaseReasonError('resume', '')).toMatch(/reason for resuming/);
    expect(leaseReasonError('suspend', 'Spam complaints')).toBeNull();
  });
});

describe('filings', () => {
  it('moves a filing as the service allows', () => {
    expect(filingMoves('DRAFT')).toEqual(['SUBMITTED']);
    expect(filingMoves('REJECTED')).toEqual(['SUBMITTED']);
    expect(filingMoves('AMENDMENT_REQUIRED')).toEqual(['SUBMITTED']);
    expect(filingMoves('SUBMITTED')).toEqual(['APPROVED', 'REJECTED']);
    expect(filingMoves('APPROVED')).toEqual(['AMENDMENT_REQUIRED']);
  });

  it('requires a reason to reject or ask for an amendment, not to submit or approve', () => {
    expect(filingReasonError('REJECTED', ' ')).toMatch(/reason/);
    expect(filingReasonError('AMENDMENT_REQUIRED', '')).toMatch(/amended/);
    expect(filingReasonError('APPROVED', '')).toBeNull();
    expect(filingReasonError('SUBMITTED', '')).toBeNull();
    expect(filingReasonError('REJECTED', 'Sample messages lack opt-out language')).toBeNull();
  });

  it('keeps the newest filing of a code per carrier, by id not by string order', () => {
    const filings = [
      { id: '9', carrierId: '1', numberId: '3', status: 'REJECTED' },
      { id: '10', carrierId: '1', numberId: '3', status: 'SUBMITTED' },
      { id: '11', carrierId: '2', numberId: '3', status: 'APPROVED' },
      { id: '12', carrierId: '1', numberId: '4', status: 'DRAFT' },
    ];
    const m = filingsByCarrier(filings, '3');
    expect([...m.keys()].sort()).toEqual(['1', '2']);
    expect(m.get('1')?.id).toBe('10');
    expect(m.get('2')?.status).toBe('APPROVED');
  });
});

describe('quarters', () => {
  it('names the quarter of a UTC moment and steps across years', () => {
    expect(quarterOf(new Date('2026-03-31T23:59:59Z'))).toBe('2026-Q1');
    expect(quarterOf(new Date('2026-04-01T00:00:00Z'))).toBe('2026-Q2');
    expect(quarterOf(new Date('2026-12-31T12:00:00Z'))).toBe('2026-Q4');
    expect(nextQuarter('2026-Q4')).toBe('2027-Q1');
    expect(previousQuarter('2027-Q1')).toBe('2026-Q4');
    expect(forecastQuarters(new Date('2026-11-05T00:00:00Z'))).toEqual(['2026-Q4', '2027-Q1', '2027-Q2', '2027-Q3']);
  });

  it('gives a quarter’s days, the end exclusive, leap years included', () => {
    expect(quarterRange('2028-Q1')).toEqual({ from: '2028-01-01', to: '2028-04-01', days: 91 });
    expect(quarterRange('2026-Q4')).toEqual({ from: '2026-10-01', to: '2027-01-01', days: 92 });
    expect(quarterRange('2026-Q5')).toBeNull();
  });
});

describe('forecasts against actuals', () => {
  it('takes the highest revision, of one quarter when asked', () => {
    const f = [
      { quarter: '2026-Q3', revision: 1 },
      { quarter: '2026-Q3', revision: 3 },
      { quarter: '2026-Q4', revision: 2 },
    ];
    expect(latestForecast(f, '2026-Q3')?.revision).toBe(3);
    expect(latestForecast(f, '2026-Q4')?.revision).toBe(2);
    expect(latestForecast(f, '2027-Q1')).toBeNull();
  });

  it('is over the forecast above it, and beyond only past the allowed percentage (as the service rounds)', () => {
    expect(forecastUse(1000, 500, 20)).toEqual({ percent: 50, level: 'under' });
    expect(forecastUse(1000, 1000, 20)).toEqual({ percent: 100, level: 'under' });
    expect(forecastUse(1000, 1200, 20)).toEqual({ percent: 120, level: 'over' });
    expect(forecastUse(1000, 1201, 20).level).toBe('beyond');
    // 7 × 20 / 100 = 1.4: integer division allows 8, so 9 is beyond.
    expect(forecastUse(7, 8, 20).level).toBe('over');
    expect(forecastUse(7, 9, 20).level).toBe('beyond');
    expect(forecastUse(0, 0, 20)).toEqual({ percent: null, level: 'under' });
  });

  it('puts the forecast’s hourly shares beside the actual messages of each hour', () => {
    const pattern = Array.from({ length: 24 }, (_, h) => (h === 9 ? '0.5' : h === 10 ? '0.5' : '0'));
    const actual = Array.from({ length: 24 }, (_, h) => (h === 9 ? 7 : 0));
    const s = hourlySeries(pattern, 1000, actual);
    expect(s).toHaveLength(24);
    expect(s[9]).toEqual({ hour: '09:00', forecast: 500, actual: 7 });
    expect(s[10]).toEqual({ hour: '10:00', forecast: 500, actual: 0 });
    expect(s[0]).toEqual({ hour: '00:00', forecast: 0, actual: 0 });
  });

  it('runs the quarter day by day until a day, with running totals', () => {
    const s = dailySeries('2026-Q1', 900, [
      { day: '2026-01-02', messages: 4 },
      { day: '2026-01-02', messages: 1 },
      { day: '2026-01-03', messages: 2 },
    ], '2026-01-04');
    expect(s.map((d) => d.day)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
    expect(s.map((d) => d.actual)).toEqual([0, 5, 2]);
    expect(s.map((d) => d.actualTotal)).toEqual([0, 5, 7]);
    // 900 over 90 days: 10 a day.
    expect(s.map((d) => d.forecastTotal)).toEqual([10, 20, 30]);
    expect(s[0]?.label).toBe('01/01');
    // Never past the quarter's end.
    expect(dailySeries('2026-Q1', 90, [], '2026-06-01')).toHaveLength(90);
  });
});

describe('the hourly pattern', () => {
  it('has presets that sum to exactly 100 % and put the traffic where they say', () => {
    for (const p of ['flat', 'business', 'evening'] as const) {
      const m = presetPattern(p);
      expect(m).toHaveLength(24);
      expect(m.reduce((a, b) => a + b, 0)).toBe(FULL);
      expect(patternError(m)).toBeNull();
    }
    const business = presetPattern('business');
    expect(business.slice(9, 17).reduce((a, b) => a + b, 0)).toBe(90_000);
    expect(business[3]).toBeLessThan(business[10] ?? 0);
  });

  it('turns milli-percent into the decimal shares the API takes, exactly', () => {
    expect(milliToShare(4167)).toBe('0.04167');
    expect(milliToShare(FULL)).toBe('1.00000');
    expect(milliToShare(0)).toBe('0.00000');
    expect(percentToMilli(4.167)).toBe(4167);
    expect(percentToMilli('12.5')).toBe(12_500);
    expect(percentToMilli(-1)).toBeNull();
    expect(percentToMilli('')).toBeNull();
    expect(shareToMilli('0.041666')).toBe(4167);
    // Shares of a flat preset sum to 1 as the service adds them.
    const sum = presetPattern('flat')
      .map(milliToShare)
      .reduce((a, s) => a + Math.round(Number(s) * 1e5), 0);
    expect(sum).toBe(1e5);
  });

  it('refuses a pattern that does not add up to 100 % within 0.1 %, or has an empty hour', () => {
    const flat = presetPattern('flat');
    expect(patternError([...flat.slice(0, 23), (flat[23] ?? 0) + 100])).toBeNull();
    expect(patternError([...flat.slice(0, 23), (flat[23] ?? 0) + 101])).toMatch(/add up to 100.101 %/);
    expect(patternError([...flat.slice(0, 5), null, ...flat.slice(6)])).toMatch(/Hour 05:00/);
    expect(patternError(flat.slice(1))).toMatch(/24 hours/);
  });
});

describe('the forecast form', () => {
  const valid: ForecastValues = {
    numberId: '3',
    quarter: '2026-Q4',
    expectedMessages: 30000,
    peakPerSecond: 10,
    note: '  Holiday campaign ',
    pattern: presetPattern('flat'),
  };

  it('accepts a complete forecast and sends trimmed values with 24 shares', () => {
    expect(forecastErrors(valid)).toEqual({});
    const input = forecastInput(valid);
    expect(input).toMatchObject({ numberId: '3', quarter: '2026-Q4', expectedMessages: 30000, peakPerSecond: 10, note: 'Holiday campaign' });
    expect(input.hourlyPattern).toHaveLength(24);
    expect(input.hourlyPattern[0]).toBe('0.04167');
    expect(forecastInput({ ...valid, note: '   ' }).note).toBeNull();
  });

  it('names each missing or bad field', () => {
    const errors = forecastErrors({ ...valid, numberId: '', quarter: '2026-Q9', expectedMessages: 1.5, peakPerSecond: 0, pattern: [] });
    expect(Object.keys(errors).sort()).toEqual(['expectedMessages', 'numberId', 'pattern', 'peakPerSecond', 'quarter']);
    expect(forecastErrors({ ...valid, expectedMessages: '' }).expectedMessages).toBeDefined();
  });
});

describe('the short-codes filters', () => {
  it('keep a known state and a customer in the URL, and drop unknown states', () => {
    const f = parseShortCodeFilters(new URLSearchParams('state=SUSPENDED&customer=4'));
    expect(f).toEqual({ customer: '4', state: 'SUSPENDED' });
    expect(shortCodeFiltersToParams(f).toString()).toBe('customer=4&state=SUSPENDED');
    expect(parseShortCodeFilters(new URLSearchParams('state=BOGUS'))).toEqual({ customer: null, state: null });
    expect(shortCodeFiltersToParams({ customer: null, state: null }).toString()).toBe('');
  });
});
