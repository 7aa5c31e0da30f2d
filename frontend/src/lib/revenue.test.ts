import { describe, expect, it } from 'vitest';
import {
  changePercent,
  currenciesOf,
  draftChanges,
  formatChange,
  fromMicros,
  kindSeriesOf,
  recentPeriods,
  revenueByCustomer,
  revenueByKind,
  shortPeriod,
  subtractMoney,
  sumMoney,
  toMicros,
  type BillingMonthLike,
} from './revenue';

describe('money in micro-units', () => {
  it('adds decimal strings exactly, where floats would not', () => {
    expect(sumMoney(['0.1', '0.2'])).toBe('0.300000');
    expect(sumMoney(['0.000001', '1234567.999999'])).toBe('1234568.000000');
    expect(sumMoney(['-1.5', '0.25', 'junk'])).toBe('-1.250000');
    expect(subtractMoney('10', '12.5')).toBe('-2.500000');
    expect(toMicros('1.1234567')).toBeNull();
    expect(fromMicros(-5n)).toBe('-0.000005');
  });

  it('gives the change in percent to one decimal, none from nothing', () => {
    expect(changePercent('110', '100')).toBe(10);
    expect(changePercent('90', '100')).toBe(-10);
    expect(changePercent('100.05', '100')).toBe(0.1);
    expect(changePercent('1', '3')).toBe(-66.7);
    expect(changePercent('5', '0')).toBeNull();
    expect(changePercent('5', null)).toBeNull();
    expect(formatChange(12.5)).toBe('+12.5 %');
    expect(formatChange(-3)).toBe('−3 %');
    expect(formatChange(0)).toBe('±0 %');
    expect(formatChange(null)).toBe('new');
  });
});

describe('months', () => {
  it('counts back from the current month, oldest first, across a year', () => {
    expect(recentPeriods(3, new Date('2026-02-10T00:00:00Z'))).toEqual(['2025-12', '2026-01', '2026-02']);
    expect(shortPeriod('2026-11')).toBe('Nov 2026');
  });
});

const m = (customerId: string, period: string, total: string, state: BillingMonthLike['state'] = 'ISSUED', currency = 'USD') => ({
  customerId,
  period,
  total,
  state,
  currency,
});

describe('revenueByCustomer', () => {
  const months = [
    m('1', '2026-01', '100.50'),
    m('2', '2026-01', '20'),
    m('1', '2026-02', '50', 'DRAFT'),
    m('3', '2026-02', '5'),
    m('2', '2026-02', '999', 'VOID'),
    m('4', '2026-02', '7', 'ISSUED', 'EUR'),
    m('1', '2025-12', '1000'),
  ];
  const names = (id: string) => `Customer ${id}`;

  it('stacks each customer per month in one currency, drafts when asked, never void invoices', () => {
    const c = revenueByCustomer(months, ['2026-01', '2026-02'], names, { currency: 'USD', includeDrafts: true });
    expect(c.series.map((s) => s.label)).toEqual(['Customer 1', 'Customer 2', 'Customer 3']);
    expect(c.data[0]).toEqual({ period: '2026-01', label: 'Jan 2026', c1: 100.5, c2: 20, c3: 0 });
    expect(c.data[1]).toMatchObject({ c1: 50, c2: 0, c3: 5 });
    expect(c.totals).toEqual([
      { period: '2026-01', total: '120.500000' },
      { period: '2026-02', total: '55.000000' },
    ]);
    const issued = revenueByCustomer(months, ['2026-01', '2026-02'], names, { currency: 'USD', includeDrafts: false });
    expect(issued.totals[1]?.total).toBe('5.000000');
  });

  it('sums the customers past the top ones as Others', () => {
    const c = revenueByCustomer(months, ['2026-01', '2026-02'], names, { currency: 'USD', includeDrafts: true }, 1);
    expect(c.series).toEqual([
      { name: 'c1', label: 'Customer 1' },
      { name: 'others', label: 'Others' },
    ]);
    expect(c.data[0]).toMatchObject({ c1: 100.5, others: 20 });
  });

  it('lists the currencies, the most used first', () => {
    expect(currenciesOf(months)).toEqual(['USD', 'EUR']);
  });
});

describe('revenueByKind', () => {
  it('splits message lines by kind and keeps carrier fees and one-time charges apart', () => {
    expect(kindSeriesOf({ section: 'messages', messageKind: 'MMS' })).toBe('mms');
    expect(kindSeriesOf({ section: 'messages', messageKind: 'SMS' })).toBe('sms');
    expect(kindSeriesOf({ section: 'carrier_fees', messageKind: 'SMS' })).toBe('carrierFees');
    expect(kindSeriesOf({ section: 'one_time' })).toBe('oneTime');
    const c = revenueByKind(
      [
        {
          period: '2026-01',
          state: 'ISSUED',
          currency: 'USD',
          lines: [
            { section: 'messages', messageKind: 'SMS', amount: '1.10' },
            { section: 'messages', messageKind: 'SMS', amount: '2.20' },
            { section: 'carrier_fees', messageKind: 'SMS', amount: '0.30' },
          ],
        },
        { period: '2026-01', state: 'VOID', currency: 'USD', lines: [{ section: 'messages', messageKind: 'MMS', amount: '9' }] },
      ],
      ['2026-01'],
      { currency: 'USD', includeDrafts: true },
    );
    // Only the series that occur; MMS came only from a void invoice.
    expect(c.series.map((s) => s.name)).toEqual(['sms', 'carrierFees']);
    expect(c.data[0]).toMatchObject({ sms: 3.3, carrierFees: 0.3 });
    expect(c.totals[0]?.total).toBe('3.600000');
  });
});

describe('draftChanges', () => {
  it('puts each draft beside its customer’s previous month, in the same currency and not void', () => {
    const rows = draftChanges([
      m('1', '2026-02', '110', 'DRAFT'),
      m('1', '2026-01', '100'),
      m('2', '2026-02', '30', 'DRAFT'),
      m('2', '2026-01', '50', 'VOID'),
      m('3', '2026-02', '10', 'DRAFT'),
      m('3', '2026-01', '10', 'ISSUED', 'EUR'),
      m('4', '2026-01', '1', 'DRAFT'),
      m('4', '2025-12', '2'),
    ]);
    expect(rows.map((r) => [r.draft.customerId, r.draft.period, r.change, r.percent])).toEqual([
      ['1', '2026-02', '10.000000', 10],
      ['2', '2026-02', null, null],
      ['3', '2026-02', null, null],
      ['4', '2026-01', '-1.000000', -50],
    ]);
  });
});
