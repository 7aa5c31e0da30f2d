import { describe, expect, it } from 'vitest';
import {
  cycleProgress,
  decisionReasonError,
  decisionsFor,
  formatRatioValue,
  formatSize,
  historyOf,
  mediaMatches,
  mediaVerdict,
  oldestFirst,
  parseDecimal,
  parseRatioFilters,
  parseReasonCode,
  ratioAxisMax,
  ratioFiltersToParams,
  ratioSeries,
  reasonOptions,
  totalSize,
} from './mms';

describe('formatSize', () => {
  it('shows part sizes in KB of 1,024 bytes', () => {
    expect(formatSize(0)).toBe('0 KB');
    expect(formatSize(9)).toBe('<0.1 KB');
    expect(formatSize(1024)).toBe('1 KB');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(3000)).toBe('2.9 KB');
    expect(formatSize(20_480)).toBe('20 KB');
    expect(formatSize(614_400)).toBe('600 KB');
    expect(formatSize(2_000_000)).toBe('1,953 KB');
    // Just under 10 KB does not read "10.0 KB".
    expect(formatSize(10_230)).toBe('10 KB');
    expect(formatSize(-1)).toBe('—');
  });
  it('adds up the parts', () => {
    expect(totalSize([{ sizeBytes: 9 }, { sizeBytes: 3000 }])).toBe(3009);
    expect(totalSize([])).toBe(0);
  });
});

describe('reason codes', () => {
  it('takes a code from a link only in its upper-case form', () => {
    expect(parseReasonCode('MMS_TOO_LARGE')).toBe('MMS_TOO_LARGE');
    expect(parseReasonCode(' CONTENT_PROHIBITED ')).toBe('CONTENT_PROHIBITED');
    expect(parseReasonCode('mms_too_large')).toBeNull();
    expect(parseReasonCode('MMS TOO LARGE')).toBeNull();
    expect(parseReasonCode('')).toBeNull();
    expect(parseReasonCode(null)).toBeNull();
  });
  it('offers the known codes, and keeps an unknown current one selectable', () => {
    const known = reasonOptions(null).map((o) => o.value);
    expect(known).toContain('MMS_USE_CASE_NOT_APPROVED');
    expect(known).toContain('SHORT_CODE_NOT_LEASED');
    expect(reasonOptions('MMS_TOO_LARGE')).toHaveLength(known.length);
    expect(reasonOptions('OPT_OUT').map((o) => o.value)).toEqual([...known, 'OPT_OUT']);
  });
});

describe('use-case decisions', () => {
  it('approves or rejects a submission and revokes an approval, nothing else', () => {
    expect(decisionsFor('SUBMITTED')).toEqual(['APPROVED', 'REJECTED']);
    expect(decisionsFor('APPROVED')).toEqual(['REVOKED']);
    expect(decisionsFor('REJECTED')).toEqual([]);
    expect(decisionsFor('REVOKED')).toEqual([]);
    expect(decisionsFor('SUPERSEDED')).toEqual([]);
  });
  it('requires a reason to reject or revoke, not to approve', () => {
    expect(decisionReasonError('APPROVED', '')).toBeNull();
    expect(decisionReasonError('REJECTED', '')).toMatch(/reason for the rejection/);
    expect(decisionReasonError('REJECTED', '   \n')).toMatch(/reason/);
    expect(decisionReasonError('REVOKED', '')).toMatch(/reason for revoking/);
    expect(decisionReasonError('REJECTED', 'Images are refused')).toBeNull();
    expect(decisionReasonError('REVOKED', 'Complaints')).toBeNull();
  });
});

describe('the queue and its history', () => {
  const uc = (id: string, customerId: string, submittedAt: string) => ({ id, customerId, submittedAt });
  const all = [
    uc('5', '1', '2026-11-05T10:00:00Z'),
    uc('4', '2', '2026-11-04T10:00:00Z'),
    uc('3', '1', '2026-11-03T10:00:00Z'),
    uc('2', '1', '2026-11-03T10:00:00Z'),
    uc('1', '1', '2026-11-01T10:00:00Z'),
  ];
  it('puts the oldest submission first', () => {
    expect(oldestFirst(all).map((u) => u.id)).toEqual(['1', '2', '3', '4', '5']);
  });
  it('gives a submission the same customer’s other use cases, newest first', () => {
    expect(historyOf(all[0]!, all).map((u) => u.id)).toEqual(['3', '2', '1']);
    expect(historyOf(all[1]!, all)).toEqual([]);
  });
});

describe('media types against the policy', () => {
  const policy = { allowedMedia: ['text/*', 'audio/*', 'video/*', 'application/smil'], refusedMedia: ['image/*'] };
  it('matches wildcards by their top-level type', () => {
    expect(mediaMatches('video/*', 'video/mp4')).toBe(true);
    expect(mediaMatches('video/*', 'video/*')).toBe(true);
    expect(mediaMatches('video/*', 'videos/mp4')).toBe(false);
    expect(mediaMatches('application/smil', 'Application/SMIL')).toBe(true);
    expect(mediaMatches('*', 'image/png')).toBe(true);
  });
  it('says which types the policy refuses, allows, or does not name', () => {
    expect(mediaVerdict('audio/*', policy)).toBe('allowed');
    expect(mediaVerdict('video/mp4', policy)).toBe('allowed');
    expect(mediaVerdict('image/png', policy)).toBe('refused');
    expect(mediaVerdict('image/*', policy)).toBe('refused');
    // A use case for everything takes in images too.
    expect(mediaVerdict('*/*', policy)).toBe('refused');
    expect(mediaVerdict('application/pdf', policy)).toBe('outside');
  });
});

describe('the AT&T ratio', () => {
  it('reads a null ratio as nothing incoming yet, never as 0', () => {
    expect(formatRatioValue(null)).toBe('no incoming yet');
    expect(formatRatioValue(undefined)).toBe('no incoming yet');
    expect(formatRatioValue('0')).toBe('0:1');
    expect(formatRatioValue('2.6667')).toBe('2.67:1');
    expect(formatRatioValue('3')).toBe('3:1');
    expect(parseDecimal('2.7')).toBe(2.7);
    expect(parseDecimal('')).toBeNull();
    expect(parseDecimal('x')).toBeNull();
  });

  it('builds one point per day in order, with gaps while nothing came in', () => {
    const days = [
      { day: '2026-11-02', outgoing: 4, incoming: 2, cumulativeOutgoing: 9, cumulativeIncoming: 2, ratio: '4.5' },
      { day: '2026-11-01', outgoing: 5, incoming: 0, cumulativeOutgoing: 5, cumulativeIncoming: 0, ratio: null },
      { day: '2026-11-03', outgoing: 0, incoming: 1, cumulativeOutgoing: 9, cumulativeIncoming: 3, ratio: '3' },
    ];
    expect(ratioSeries(days)).toEqual([
      { day: '2026-11-01', label: '01 Nov', ratio: null, outgoing: 5, incoming: 0 },
      { day: '2026-11-02', label: '02 Nov', ratio: 4.5, outgoing: 9, incoming: 2 },
      { day: '2026-11-03', label: '03 Nov', ratio: 3, outgoing: 9, incoming: 3 },
    ]);
    expect(ratioSeries([])).toEqual([]);
  });

  it('labels days with the year when a cycle spans two', () => {
    const points = ratioSeries([
      { day: '2026-12-31', outgoing: 1, incoming: 1, cumulativeOutgoing: 1, cumulativeIncoming: 1, ratio: '1' },
      { day: '2027-01-01', outgoing: 1, incoming: 0, cumulativeOutgoing: 2, cumulativeIncoming: 1, ratio: '2' },
    ]);
    expect(points.map((p) => p.label)).toEqual(['31 Dec 2026', '01 Jan 2027']);
  });

  it('keeps the limit line and the highest ratio inside the chart', () => {
    expect(ratioAxisMax([], 3)).toBe(3.5);
    expect(ratioAxisMax([{ day: 'd', label: 'd', ratio: 4.5, outgoing: 9, incoming: 2 }], 3)).toBe(5.5);
    expect(ratioAxisMax([{ day: 'd', label: 'd', ratio: null, outgoing: 9, incoming: 0 }], null)).toBe(1);
  });

  it('says which day of the cycle a day is', () => {
    expect(cycleProgress('2026-12-01', '2027-02-28', '2026-12-01')).toEqual({ day: 1, of: 90 });
    expect(cycleProgress('2026-12-01', '2027-02-28', '2027-02-28')).toEqual({ day: 90, of: 90 });
    expect(cycleProgress(null, null, '2026-12-01')).toBeNull();
  });

  it('keeps the page’s customer and day in the query string', () => {
    const f = { customer: '1', asOf: '2026-11-30' };
    expect(ratioFiltersToParams(f).toString()).toBe('customer=1&asOf=2026-11-30');
    expect(parseRatioFilters(ratioFiltersToParams(f))).toEqual(f);
    expect(ratioFiltersToParams({ customer: null, asOf: '' }).toString()).toBe('');
    expect(parseRatioFilters(new URLSearchParams('asOf=yesterday'))).toEqual({ customer: null, asOf: '' });
  });
});
