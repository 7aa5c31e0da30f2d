import { describe, expect, it } from 'vitest';
import { describeNumberKind, formatDate, formatDateTime, formatMoney, formatThrottle, formatTime, formatTimestamp } from './format';

describe('formatMoney', () => {
  it('keeps exact decimals without float rounding', () => {
    expect(formatMoney('0.042500', 'USD')).toBe('0.0425 USD');
    expect(formatMoney('12.000000')).toBe('12.00');
    expect(formatMoney('1234567.1')).toBe('1,234,567.10');
    expect(formatMoney('0.000001')).toBe('0.000001');
    expect(formatMoney('-3.5')).toBe('-3.50');
    expect(formatMoney(null)).toBe('—');
  });
});

describe('other formats', () => {
  it('formats throttles, kinds and dates', () => {
    expect(formatThrottle({ perSecond: 10000, perDay: null })).toBe('10,000/s, no daily cap');
    expect(formatThrottle({ perSecond: 1, perDay: 5000 })).toBe('1/s, 5,000/day');
    expect(describeNumberKind('SHORT_CODE', 'RANDOM')).toBe('Short code (random)');
    expect(describeNumberKind('ALPHANUMERIC', null)).toBe('Alphanumeric ID');
    expect(formatDateTime('2026-11-22T04:17:07.62+00:00')).toBe('22 Nov 2026, 04:17 UTC');
    expect(formatDateTime(null)).toBe('—');
    expect(formatTimestamp('2026-11-22T04:17:07.62+00:00')).toBe('22 Nov 2026, 04:17:07 UTC');
    expect(formatTimestamp(undefined)).toBe('—');
    expect(formatDate('2026-11-22T00:17:07Z')).toBe('22 Nov 2026');
    expect(formatTime('2026-11-22T00:17:07Z')).toBe('00:17:07 UTC');
  });
});
