import { describe, expect, it } from 'vitest';
import {
  blockedFiltersToParams,
  DEFAULT_BLOCKED_PAGE_SIZE,
  hasBlockedFilters,
  noBlockedFilters,
  parseBlockedFilters,
  parseRejectReason,
  reasonCodeLabel,
  reasonTally,
} from './blocked';

describe('parseRejectReason', () => {
  it('splits a coded reason into its code and detail', () => {
    expect(parseRejectReason('CONTENT_PROHIBITED: rule spam-prize')).toEqual({ code: 'CONTENT_PROHIBITED', detail: 'rule spam-prize' });
    expect(parseRejectReason('SHORT_CODE_SUSPENDED: compliance suspended the short code')).toEqual({
      code: 'SHORT_CODE_SUSPENDED',
      detail: 'compliance suspended the short code',
    });
    expect(parseRejectReason('MMS_TOO_LARGE')).toEqual({ code: 'MMS_TOO_LARGE', detail: '' });
  });

  it('keeps a reason in plain words whole, without a code', () => {
    expect(parseRejectReason('the subscriber opted out of this sender')).toEqual({ code: null, detail: 'the subscriber opted out of this sender' });
    // Upper-case words that are not a code followed by a colon stay words.
    expect(parseRejectReason('US numbers: not allowed')).toEqual({ code: null, detail: 'US numbers: not allowed' });
    expect(parseRejectReason(null)).toEqual({ code: null, detail: '' });
  });

  it('names known codes for people and leaves others as they are', () => {
    expect(reasonCodeLabel('CONTENT_PROHIBITED')).toBe('Prohibited content');
    expect(reasonCodeLabel('SHORT_CODE_SUSPENDED')).toBe('Short code suspended');
    expect(reasonCodeLabel('SOMETHING_NEW')).toBe('SOMETHING_NEW');
  });
});

describe('reasonTally', () => {
  it('counts a page’s reasons by code (whatever the detail), most first', () => {
    const t = reasonTally([
      'CONTENT_PROHIBITED: rule spam-prize',
      'CONTENT_PROHIBITED: rule shaft-cannabis',
      'the subscriber opted out of this sender',
      'MMS_TOO_LARGE: 700 KB',
      'CONTENT_PROHIBITED: rule spam-prize',
      null,
    ]);
    expect(t.map((r) => [r.key, r.count])).toEqual([
      ['CONTENT_PROHIBITED', 3],
      ['MMS_TOO_LARGE', 1],
      ['no reason recorded', 1],
      ['the subscriber opted out of this sender', 1],
    ]);
    expect(t[0]?.label).toBe('Prohibited content');
    expect(t[0]?.code).toBe('CONTENT_PROHIBITED');
    expect(t[3]?.code).toBeNull();
  });
});

describe('the blocked-traffic filters', () => {
  it('round-trip through the query string, naming only what is set', () => {
    const f = { reason: 'CONTENT_PROHIBITED', customer: '2', number: ' 55501 ', from: '2026-01-01', to: '2026-01-31', pageSize: 100 };
    const params = blockedFiltersToParams(f);
    expect(params.toString()).toBe('reason=CONTENT_PROHIBITED&customer=2&number=55501&from=2026-01-01&to=2026-01-31&size=100');
    expect(parseBlockedFilters(params)).toEqual({ ...f, number: '55501' });
    expect(blockedFiltersToParams(noBlockedFilters).toString()).toBe('');
    expect(hasBlockedFilters(noBlockedFilters)).toBe(false);
    expect(hasBlockedFilters({ ...noBlockedFilters, number: '55501' })).toBe(true);
  });

  it('ignores a malformed reason, day or page size', () => {
    const f = parseBlockedFilters(new URLSearchParams('reason=drop table&from=2026-13-01&size=7'));
    expect(f.reason).toBeNull();
    expect(f.from).toBe('');
    expect(f.pageSize).toBe(DEFAULT_BLOCKED_PAGE_SIZE);
  });
});
