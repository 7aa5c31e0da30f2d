import { describe, expect, it } from 'vitest';
import { formatMoney } from './format';
import {
  compareMoney,
  creditLabel,
  creditNoteErrors,
  creditNoteInput,
  currentPeriod,
  groupLines,
  invoiceFiltersToParams,
  invoiceNumber,
  isZeroMoney,
  noInvoiceFilters,
  parseInvoiceFilters,
  periodError,
  periodLabel,
  periodOptions,
  previousPeriod,
  runVariables,
  type CreditValues,
} from './invoices';

describe('periods', () => {
  it('are UTC calendar months as YYYY-MM', () => {
    expect(currentPeriod(new Date('2026-11-30T23:59:59Z'))).toBe('2026-11');
    expect(currentPeriod(new Date('2026-12-01T00:00:00Z'))).toBe('2026-12');
    expect(previousPeriod('2026-01')).toBe('2025-12');
    expect(previousPeriod('2026-10')).toBe('2026-09');
    expect(periodLabel('2026-11')).toBe('November 2026');
    expect(periodLabel('soon')).toBe('soon');
  });
  it('offers recent months newest first, and keeps an older one from the URL', () => {
    const now = new Date('2026-02-10T00:00:00Z');
    const options = periodOptions(null, now, 3);
    expect(options.map((o) => o.value)).toEqual(['2026-02', '2026-01', '2025-12']);
    expect(periodOptions('2020-05', now, 3).map((o) => o.value)).toEqual(['2026-02', '2026-01', '2025-12', '2020-05']);
    expect(periodOptions('2026-01', now, 3)).toHaveLength(3);
  });
});

describe('the run form', () => {
  it('wants a month as YYYY-MM', () => {
    expect(periodError('')).toBe('Enter the month to invoice, as YYYY-MM.');
    expect(periodError('2026-13')).toMatch(/YYYY-MM/);
    expect(periodError('2026-1')).toMatch(/YYYY-MM/);
    expect(periodError('Nov 2026')).toMatch(/YYYY-MM/);
    expect(periodError(' 2026-11 ')).toBeNull();
  });
  it('runs every customer when none is chosen', () => {
    expect(runVariables({ period: ' 2026-11', customerId: '' })).toEqual({ period: '2026-11', customerId: null });
    expect(runVariables({ period: '2026-11', customerId: '3' })).toEqual({ period: '2026-11', customerId: '3' });
  });
});

describe('list filters', () => {
  it('round-trip through the query string and drop junk', () => {
    const f = { customer: '1', period: '2026-11', state: 'ISSUED' as const, pageSize: 50 };
    expect(parseInvoiceFilters(invoiceFiltersToParams(f))).toEqual(f);
    expect(invoiceFiltersToParams(noInvoiceFilters).toString()).toBe('');
    expect(parseInvoiceFilters(new URLSearchParams('period=2026-13&state=PAID&size=7'))).toEqual(noInvoiceFilters);
  });
});

describe('lines', () => {
  it('group by section in invoice order, each by seq', () => {
    const lines = [
      { id: 'a', seq: 3, section: 'one_time' },
      { id: 'b', seq: 2, section: 'carrier_fees' },
      { id: 'c', seq: 4, section: 'messages' },
      { id: 'd', seq: 1, section: 'messages' },
      { id: 'e', seq: 5, section: 'adjustments' },
    ];
    const groups = groupLines(lines);
    expect(groups.map((g) => g.label)).toEqual(['Messages', 'Carrier fees (pass-through)', 'One-time charges', 'adjustments']);
    expect(groups[0]?.lines.map((l) => l.id)).toEqual(['d', 'c']);
    expect(groupLines([])).toEqual([]);
  });
});

describe('money', () => {
  it('is shown as the API sends it, with its currency', () => {
    expect(invoiceNumber(null)).toBe('Draft');
    expect(invoiceNumber('INV-2026-000001')).toBe('INV-2026-000001');
    expect(formatMoney('500.42', 'USD')).toBe('500.42 USD');
    expect(formatMoney('0.1', 'EUR')).toBe('0.10 EUR');
    expect(formatMoney('12345.00', 'USD')).toBe('12,345.00 USD');
    expect(creditLabel(formatMoney('10.5', 'USD'))).toBe('−10.50 USD');
    expect(creditLabel('—')).toBe('—');
  });
  it('compares decimal strings exactly, where floats would not', () => {
    expect(compareMoney('0.30', '0.3')).toBe(0);
    expect(compareMoney('10.50', '10.49')).toBe(1);
    expect(compareMoney('9007199254740993.01', '9007199254740993.02')).toBe(-1);
    expect(compareMoney('-1', '0')).toBe(-1);
    expect(compareMoney('abc', '1')).toBeNull();
    expect(isZeroMoney('0.000')).toBe(true);
    expect(isZeroMoney('0.01')).toBe(false);
  });
});

describe('the credit-note form', () => {
  const base: CreditValues = { mode: 'amount', reason: 'Duplicate traffic', lineIds: [], amount: '10.50' };

  it('needs a reason whatever the mode', () => {
    for (const mode of ['full', 'lines', 'amount'] as const) {
      expect(creditNoteErrors({ ...base, mode, reason: '  ', lineIds: ['1'] }, '100.00').reason).toMatch(/reason/);
    }
    expect(creditNoteErrors({ ...base, reason: 'x'.repeat(501) }, '100.00').reason).toBe('At most 500 characters.');
  });
  it('needs a positive amount no more than the balance', () => {
    expect(creditNoteErrors(base, '100.00')).toEqual({});
    expect(creditNoteErrors({ ...base, amount: '100.00' }, '100.00')).toEqual({});
    expect(creditNoteErrors({ ...base, amount: '' }, '100.00').amount).toMatch(/Enter the amount/);
    expect(creditNoteErrors({ ...base, amount: '1,5' }, '100.00').amount).toMatch(/positive decimal/);
    expect(creditNoteErrors({ ...base, amount: '-2' }, '100.00').amount).toMatch(/positive decimal/);
    expect(creditNoteErrors({ ...base, amount: '0.00' }, '100.00').amount).toMatch(/more than zero/);
    expect(creditNoteErrors({ ...base, amount: '100.01' }, '100.00').amount).toBe('At most the balance, 100.00.');
  });
  it('needs a line when crediting lines', () => {
    expect(creditNoteErrors({ ...base, mode: 'lines' }, '1.00').lineIds).toMatch(/at least one line/);
    expect(creditNoteErrors({ ...base, mode: 'lines', lineIds: ['4'] }, '1.00')).toEqual({});
  });
  it('sends exactly one of full, lineIds and amount', () => {
    expect(creditNoteInput('7', { ...base, mode: 'full', reason: ' Goodwill ' })).toEqual({ invoiceId: '7', reason: 'Goodwill', full: true });
    expect(creditNoteInput('7', { ...base, mode: 'lines', lineIds: ['1', '2'] })).toEqual({
      invoiceId: '7',
      reason: 'Duplicate traffic',
      lineIds: ['1', '2'],
    });
    expect(creditNoteInput('7', { ...base, amount: ' 10.50 ' })).toEqual({ invoiceId: '7', reason: 'Duplicate traffic', amount: '10.50' });
  });
});
