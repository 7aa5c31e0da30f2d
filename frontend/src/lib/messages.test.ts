import { describe, expect, it } from 'vitest';
import {
  chargeKindLabel,
  dataCodingLabel,
  dayRange,
  elapsed,
  filtersToParams,
  findNumber,
  formatErrorCode,
  hasFilters,
  isFinalStatus,
  matchingSplit,
  messageEncoding,
  messageStatusLabel,
  noFilters,
  parseFilters,
  priorityLabel,
  statusHistory,
} from './messages';

describe('statusHistory', () => {
  const submittedAt = '2026-11-22T04:17:07.100Z';
  const doneAt = '2026-11-22T04:17:07.305Z';

  const sentAt = '2026-11-22T04:17:07.140Z';

  it('shows a delivered message accepted at submission, en route when the carrier acknowledged it, delivered when done', () => {
    const h = statusHistory({ status: 'DELIVERED', submittedAt, sentAt, doneAt, errorCode: 0 });
    expect(h.awaitingFinal).toBe(false);
    expect(h.steps.map((s) => [s.status, s.at, s.current])).toEqual([
      ['ACCEPTED', submittedAt, false],
      ['ENROUTE', sentAt, false],
      ['DELIVERED', doneAt, true],
    ]);
    expect(h.steps[1]?.description).toMatch(/Acknowledged by the carrier/);
    expect(h.steps[2]?.description).not.toMatch(/error/);
  });

  it('leaves out the ENROUTE step of a final message the carrier never acknowledged', () => {
    // Records from before sentAt was kept, and messages that expired or were cancelled in the queue.
    const old = statusHistory({ status: 'DELIVERED', submittedAt, doneAt, errorCode: 0 });
    expect(old.steps.map((s) => [s.status, s.at])).toEqual([
      ['ACCEPTED', submittedAt],
      ['DELIVERED', doneAt],
    ]);
    const expired = statusHistory({ status: 'EXPIRED', submittedAt, sentAt: null, doneAt });
    expect(expired.steps.map((s) => s.status)).toEqual(['ACCEPTED', 'EXPIRED']);
  });

  it('names the error code of a failed delivery', () => {
    const h = statusHistory({ status: 'UNDELIVERABLE', submittedAt, sentAt, doneAt, errorCode: 1 });
    expect(h.steps[2]).toMatchObject({ status: 'UNDELIVERABLE', at: doneAt, current: true });
    expect(h.steps[2]?.description).toMatch(/error 001/);
  });

  it('keeps a final status whose time the record lacks, without inventing one', () => {
    const h = statusHistory({ status: 'EXPIRED', submittedAt, doneAt: null });
    expect(h.steps[1]).toMatchObject({ status: 'EXPIRED', at: null });
  });

  it('shows a message still in flight as awaiting its final status', () => {
    const accepted = statusHistory({ status: 'ACCEPTED', submittedAt, doneAt: null });
    expect(accepted.steps.map((s) => s.status)).toEqual(['ACCEPTED']);
    expect(accepted.steps[0]?.current).toBe(true);
    expect(accepted.awaitingFinal).toBe(true);

    // ENROUTE is when the carrier acknowledged it; a stray doneAt does not make it final.
    const enroute = statusHistory({ status: 'ENROUTE', submittedAt, sentAt, doneAt });
    expect(enroute.steps.map((s) => [s.status, s.at, s.current])).toEqual([
      ['ACCEPTED', submittedAt, false],
      ['ENROUTE', sentAt, true],
    ]);
    expect(enroute.awaitingFinal).toBe(true);

    // Without sentAt the step stays, without a time.
    const untimed = statusHistory({ status: 'ENROUTE', submittedAt, sentAt: null });
    expect(untimed.steps[1]).toMatchObject({ status: 'ENROUTE', at: null, current: true });
    expect(untimed.steps[1]?.description).toMatch(/not recorded/);
  });

  it('shows a rejected message as refused at admission with its reason, never accepted', () => {
    const h = statusHistory({ status: 'REJECTED', submittedAt, doneAt: submittedAt, rejectReason: 'subscriber opted out' });
    expect(h.steps).toHaveLength(1);
    expect(h.steps[0]).toMatchObject({ status: 'REJECTED', at: submittedAt, current: true });
    expect(h.steps[0]?.description).toMatch(/subscriber opted out/);
    expect(h.awaitingFinal).toBe(false);
    // Without doneAt the rejection happened at submission.
    expect(statusHistory({ status: 'REJECTED', submittedAt }).steps[0]?.at).toBe(submittedAt);
  });

  it('covers cancelled messages', () => {
    const h = statusHistory({ status: 'CANCELLED', submittedAt, sentAt: null, doneAt });
    expect(h.steps.map((s) => s.status)).toEqual(['ACCEPTED', 'CANCELLED']);
    expect(h.steps[1]?.description).toMatch(/waited for its carrier/);
    expect(isFinalStatus('CANCELLED')).toBe(true);
    expect(isFinalStatus('ENROUTE')).toBe(false);
  });
});

describe('elapsed', () => {
  it('reads a duration between two timestamps', () => {
    expect(elapsed('2026-11-22T04:17:07.100Z', '2026-11-22T04:17:07.100Z')).toBe('0 ms');
    expect(elapsed('2026-11-22T04:17:07.100Z', '2026-11-22T04:17:07.305Z')).toBe('205 ms');
    expect(elapsed('2026-11-22T04:17:00Z', '2026-11-22T04:17:04.2Z')).toBe('4.2 s');
    expect(elapsed('2026-11-22T04:17:00Z', '2026-11-22T04:20:05Z')).toBe('3 min 5 s');
    expect(elapsed('2026-11-22T04:00:00Z', '2026-11-22T06:10:00Z')).toBe('2 h 10 min');
    expect(elapsed('2026-11-22T00:00:00Z', '2026-11-25T04:00:00Z')).toBe('3 d 4 h');
    expect(elapsed('2026-11-22T00:00:00Z', null)).toBeNull();
    expect(elapsed('2026-11-22T00:00:01Z', '2026-11-22T00:00:00Z')).toBeNull();
  });
});

describe('filters in the query string', () => {
  it('round-trips every filter', () => {
    const f = {
      customer: '1',
      status: 'DELIVERED' as const,
      direction: 'MT' as const,
      kind: 'MMS' as const,
      reason: 'MMS_TOO_LARGE',
      number: '+12065550100',
      from: '2026-11-01',
      to: '2026-11-30',
      pageSize: 50,
    };
    const params = filtersToParams(f);
    expect(params.toString()).toBe(
      'customer=1&status=DELIVERED&direction=MT&kind=MMS&reason=MMS_TOO_LARGE&number=%2B12065550100&from=2026-11-01&to=2026-11-30&size=50',
    );
    expect(parseFilters(params)).toEqual(f);
    expect(hasFilters(f)).toBe(true);
  });

  it('names nothing for the unfiltered list and ignores what it does not know', () => {
    expect(filtersToParams(noFilters).toString()).toBe('');
    expect(hasFilters({ ...noFilters, pageSize: 100 })).toBe(false);
    expect(parseFilters(new URLSearchParams('status=LOST&direction=UP&kind=FAX&reason=too%20big&size=7&from=yesterday&number=%20%20'))).toEqual(
      noFilters,
    );
  });
});

describe('dayRange', () => {
  it('turns whole UTC days into the API bounds, the end day included', () => {
    expect(dayRange('2026-11-01', '2026-11-30')).toEqual({
      from: '2026-11-01T00:00:00Z',
      to: '2026-12-01T00:00:00Z',
      error: null,
    });
    expect(dayRange('', '2026-12-31')).toEqual({ from: null, to: '2027-01-01T00:00:00Z', error: null });
    expect(dayRange('2028-02-28', '2028-02-28').to).toBe('2028-02-29T00:00:00Z');
    expect(dayRange('', '')).toEqual({ from: null, to: null, error: null });
  });
  it('refuses a reversed or malformed range', () => {
    expect(dayRange('2026-11-30', '2026-11-01').error).toMatch(/before the start/);
    expect(dayRange('2026-02-30', '').error).toMatch(/YYYY-MM-DD/);
  });
});

describe('findNumber', () => {
  const numbers = [
    { id: '1', address: '+12065550100' },
    { id: '2', address: '55501' },
    { id: '3', address: 'DEMOCO' },
  ];
  it('finds a number however its address is typed', () => {
    expect(findNumber('+12065550100', numbers)?.id).toBe('1');
    expect(findNumber('12065550100', numbers)?.id).toBe('1');
    expect(findNumber('(206) 555-0100', numbers)?.id).toBe('1');
    expect(findNumber(' 55501 ', numbers)?.id).toBe('2');
    expect(findNumber('democo', numbers)?.id).toBe('3');
  });
  it('finds nothing for another address or an empty text', () => {
    expect(findNumber('+12065550101', numbers)).toBeNull();
    expect(findNumber('5550', numbers)).toBeNull();
    expect(findNumber('', numbers)).toBeNull();
  });
});

describe('matchingSplit', () => {
  it('picks the split that agrees with the record, else none', () => {
    const six = { udhOctets: 6, encoding: 'GSM7' as const, fragmentCount: 2 };
    const seven = { udhOctets: 7, encoding: 'GSM7' as const, fragmentCount: 3 };
    expect(matchingSplit({ encoding: 'gsm7', fragmentCount: 2 }, [six, seven])).toBe(six);
    expect(matchingSplit({ encoding: 'gsm7', fragmentCount: 3 }, [six, seven])).toBe(seven);
    expect(matchingSplit({ encoding: 'gsm7', fragmentCount: 4 }, [six, seven])).toBeNull();
    expect(matchingSplit({ encoding: 'latin1', fragmentCount: 2 }, [six, seven])).toBeNull();
    expect(matchingSplit({ encoding: 'gsm7', fragmentCount: 2 }, [undefined, null])).toBeNull();
  });
});

describe('messageStatusLabel', () => {
  it('says a message without receipts was delivered with no receipt from the carrier', () => {
    expect(messageStatusLabel('DELIVERED_UNCONFIRMED')).toBe('Delivered, no receipt');
    expect(messageStatusLabel('DELIVERED')).toBe('Delivered');
    expect(messageStatusLabel('ENROUTE')).toBe('Enroute');
  });
  it('keeps DELIVERED_UNCONFIRMED final, with no receipt to wait for', () => {
    expect(isFinalStatus('DELIVERED_UNCONFIRMED')).toBe(true);
    const h = statusHistory({
      status: 'DELIVERED_UNCONFIRMED',
      submittedAt: '2026-11-22T04:17:07Z',
      sentAt: '2026-11-22T04:17:08Z',
      doneAt: '2026-11-22T04:17:08Z',
    });
    expect(h.awaitingFinal).toBe(false);
    expect(h.steps.map((s) => s.status)).toEqual(['ACCEPTED', 'ENROUTE', 'DELIVERED_UNCONFIRMED']);
    expect(h.steps[2]?.description).toMatch(/no delivery reports/);
  });
  it('filters on the message kind alone', () => {
    expect(hasFilters({ ...noFilters, kind: 'SMS' })).toBe(true);
    expect(hasFilters({ ...noFilters, reason: 'CONTENT_PROHIBITED' })).toBe(true);
  });
});

describe('labels', () => {
  it('names encodings, data codings, charge kinds and error codes', () => {
    expect(messageEncoding('ucs2')).toBe('UCS2');
    expect(messageEncoding('GSM7')).toBe('GSM7');
    expect(messageEncoding('utf8')).toBeNull();
    expect(dataCodingLabel(0)).toBe('0 · SMSC default alphabet (GSM 03.38)');
    expect(dataCodingLabel(8)).toBe('8 · UCS-2');
    expect(dataCodingLabel(4)).toBe('4');
    expect(chargeKindLabel('usage')).toBe('Usage (rate card)');
    expect(chargeKindLabel('carrier_fee')).toBe('Carrier fee (pass-through)');
    expect(chargeKindLabel('surcharge')).toBe('surcharge');
    expect(formatErrorCode(1)).toBe('001');
    expect(formatErrorCode(0)).toBe('000');
    expect(formatErrorCode(null)).toBe('—');
    expect(priorityLabel(0)).toBe('0 (lowest)');
    expect(priorityLabel(2)).toBe('2');
    expect(priorityLabel(3)).toBe('3 (highest)');
  });
});
