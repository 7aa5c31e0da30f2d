import { describe, expect, it } from 'vitest';
import {
  cardErrors,
  cardUpdateInput,
  dayOf,
  feeErrors,
  feeInput,
  jurisdictionError,
  newCardInput,
  periodErrors,
  periodLabel,
  periodState,
  priceError,
  ratesFileName,
  sortRates,
  type CardValues,
  type FeeValues,
} from './rates';

const now = new Date('2026-06-15T12:00:00Z');

describe('effective periods', () => {
  it('are in force from their start up to, not including, their end', () => {
    expect(periodState('2026-01-01T00:00:00Z', null, now)).toBe('current');
    expect(periodState('2026-01-01T00:00:00Z', '2026-06-15T12:00:00Z', now)).toBe('past');
    expect(periodState('2026-01-01T00:00:00Z', '2026-06-15T12:00:01Z', now)).toBe('current');
    expect(periodState('2026-07-01T00:00:00Z', null, now)).toBe('future');
  });

  it('show the last day before an exclusive end', () => {
    expect(periodLabel('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z')).toBe('01 Jan 2026 – 31 Dec 2026');
    expect(periodLabel('2026-01-01T00:00:00Z', null)).toBe('01 Jan 2026 – open');
    expect(dayOf('2026-03-01T00:00:00Z')).toBe('2026-03-01');
    expect(dayOf(null)).toBe('');
  });

  it('need a start and an end after it', () => {
    expect(periodErrors({ from: '2026-01-01', to: '' })).toEqual({});
    expect(periodErrors({ from: '2026-01-01', to: '2026-01-01' }).to).toMatch(/after the start/);
    expect(periodErrors({ from: '', to: '' }).from).toBeDefined();
    expect(periodErrors({ from: '2026-02-30', to: '' }).from).toBeDefined();
  });
});

describe('sortRates', () => {
  it('orders by kind, direction, number kind, then countries before * and INTL', () => {
    const r = (messageKind: 'SMS' | 'MMS', direction: 'MT' | 'MO', numberKind: 'LONG_CODE' | 'SHORT_CODE', jurisdiction: string) => ({
      messageKind,
      direction,
      numberKind,
      jurisdiction,
    });
    const sorted = sortRates([
      r('MMS', 'MT', 'LONG_CODE', 'US'),
      r('SMS', 'MO', 'LONG_CODE', 'US'),
      r('SMS', 'MT', 'SHORT_CODE', 'US'),
      r('SMS', 'MT', 'LONG_CODE', 'INTL'),
      r('SMS', 'MT', 'LONG_CODE', '*'),
      r('SMS', 'MT', 'LONG_CODE', 'US'),
      r('SMS', 'MT', 'LONG_CODE', 'CA'),
    ]);
    expect(sorted.map((x) => `${x.messageKind} ${x.direction} ${x.numberKind} ${x.jurisdiction}`)).toEqual([
      'SMS MT LONG_CODE CA',
      'SMS MT LONG_CODE US',
      'SMS MT LONG_CODE *',
      'SMS MT LONG_CODE INTL',
      'SMS MT SHORT_CODE US',
      'SMS MO LONG_CODE US',
      'MMS MT LONG_CODE US',
    ]);
  });

  it('names the export after the card', () => {
    expect(ratesFileName('Demo Co 2026')).toBe('rates-demo-co-2026.csv');
    expect(ratesFileName('***')).toBe('rates-card.csv');
  });
});

describe('prices and jurisdictions', () => {
  it('take non-negative decimals of at most 6 places, never a number with a sign or an exponent', () => {
    expect(priceError('0.0079')).toBeNull();
    expect(priceError('12')).toBeNull();
    expect(priceError('0.1234567')).toMatch(/6 places/);
    expect(priceError('-1')).not.toBeNull();
    expect(priceError('1e-3')).not.toBeNull();
    expect(priceError(' ')).toMatch(/Enter a price/);
  });

  it('take a country code, * or INTL', () => {
    expect(jurisdictionError('US')).toBeNull();
    expect(jurisdictionError('gb')).toBeNull();
    expect(jurisdictionError('*')).toBeNull();
    expect(jurisdictionError('INTL')).toBeNull();
    expect(jurisdictionError('USA')).not.toBeNull();
  });
});

describe('the card form', () => {
  const card: CardValues = {
    name: ' Acme 2027 ',
    customerId: '',
    currency: 'usd',
    from: '2027-01-01',
    to: '',
    nonGsmInternational: false,
    udhOctets: '6',
  };

  it('sends a rack card without a customer, open-ended, days as their UTC start', () => {
    expect(cardErrors(card)).toEqual({});
    expect(newCardInput(card)).toEqual({
      name: 'Acme 2027',
      customerId: null,
      currency: 'USD',
      effectiveFrom: '2027-01-01T00:00:00Z',
      effectiveTo: null,
      nonGsmInternational: false,
      udhOctets: 6,
    });
    expect(cardUpdateInput({ ...card, to: '2028-01-01' }).effectiveTo).toBe('2028-01-01T00:00:00Z');
  });

  it('names each bad field', () => {
    expect(Object.keys(cardErrors({ ...card, name: '', currency: 'dollars', udhOctets: '8', to: '2026-01-01' })).sort()).toEqual([
      'currency',
      'name',
      'to',
      'udhOctets',
    ]);
  });
});

describe('the carrier-fee form', () => {
  const fee: FeeValues = {
    carrierId: '2',
    messageKind: 'SMS',
    direction: 'MT',
    currency: 'USD',
    perMessage: '0.0030',
    perFiling: '0',
    from: '2026-01-01',
    to: '2027-01-01',
  };
  it('sends money as strings and the period as its UTC starts', () => {
    expect(feeErrors(fee)).toEqual({});
    expect(feeInput(fee)).toMatchObject({ perMessage: '0.0030', perFiling: '0', effectiveTo: '2027-01-01T00:00:00Z' });
    expect(Object.keys(feeErrors({ ...fee, carrierId: '', perMessage: 'x' })).sort()).toEqual(['carrierId', 'perMessage']);
  });
});
