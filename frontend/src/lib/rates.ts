// Helpers for the rate-card and carrier-fee pages: effective periods (`[from, to)`, UTC) and
// whether a card is in force, rates in a stable order, and the forms' validation and inputs.
// Money stays a decimal string throughout (the `Money` scalar takes at most 6 places).

import type { Direction, MessageKind, NumberKind } from '../../generated/gql/graphql';
import { formatDate } from './format';
import { validDay } from './messages';

export type PeriodState = 'current' | 'future' | 'past';

/** Where `[from, to)` stands at `now`: in force, not yet, or over. */
export function periodState(from: string, to: string | null | undefined, now: Date = new Date()): PeriodState {
  const t = now.getTime();
  if (Date.parse(from) > t) return 'future';
  if (to && Date.parse(to) <= t) return 'past';
  return 'current';
}

export const PERIOD_STATE_LABELS: Record<PeriodState, string> = { current: 'In force', future: 'Scheduled', past: 'Ended' };
export const PERIOD_STATE_COLORS: Record<PeriodState, string> = { current: 'teal', future: 'blue', past: 'gray' };

/**
 * "1 Jan 2026 – open" or "1 Jan 2026 – 31 Dec 2026": the last day shown is the one before the
 * exclusive end, so a card to 2027-01-01T00:00Z reads as ending on 31 Dec 2026.
 */
export function periodLabel(from: string, to: string | null | undefined): string {
  if (!to) return `${formatDate(from)} – open`;
  const last = new Date(Date.parse(to) - 1);
  return `${formatDate(from)} – ${formatDate(last.toISOString())}`;
}

/** A UTC day as the API's DateTime (its start): "2026-01-01" → "2026-01-01T00:00:00Z". */
export function dayStart(day: string): string {
  return `${day}T00:00:00Z`;
}

/** The UTC day of a DateTime, for a date input: "2026-01-01T00:00:00Z" → "2026-01-01". */
export function dayOf(value: string | null | undefined): string {
  if (!value) return '';
  const t = Date.parse(value);
  return Number.isNaN(t) ? '' : new Date(t).toISOString().slice(0, 10);
}

const KIND_ORDER: MessageKind[] = ['SMS', 'MMS'];
const DIRECTION_ORDER: Direction[] = ['MT', 'MO'];
const NUMBER_KIND_ORDER: NumberKind[] = ['LONG_CODE', 'TOLL_FREE', 'SHORT_CODE', 'ALPHANUMERIC'];

/** Countries first (alphabetically), then `*` (any other), then `INTL`. */
function jurisdictionRank(j: string): [number, string] {
  if (j === '*') return [1, j];
  if (j === 'INTL') return [2, j];
  return [0, j];
}

interface RateLike {
  messageKind: MessageKind;
  direction: Direction;
  numberKind: NumberKind;
  jurisdiction: string;
}

/** Rates by kind, direction, number kind, then jurisdiction: the order the rates CSV uses. */
export function sortRates<R extends RateLike>(rates: readonly R[]): R[] {
  return [...rates].sort((a, b) => {
    const [ja, jsa] = jurisdictionRank(a.jurisdiction);
    const [jb, jsb] = jurisdictionRank(b.jurisdiction);
    return (
      KIND_ORDER.indexOf(a.messageKind) - KIND_ORDER.indexOf(b.messageKind) ||
      DIRECTION_ORDER.indexOf(a.direction) - DIRECTION_ORDER.indexOf(b.direction) ||
      NUMBER_KIND_ORDER.indexOf(a.numberKind) - NUMBER_KIND_ORDER.indexOf(b.numberKind) ||
      ja - jb ||
      jsa.localeCompare(jsb)
    );
  });
}

/** "Demo Co 2026" → "rates-demo-co-2026.csv". */
export function ratesFileName(cardName: string): string {
  const slug = cardName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `rates-${slug || 'card'}.csv`;
}

// ---------------------------------------------------------------------------------------------
// Validation.

const MONEY = /^\d+(\.\d{1,6})?$/;

/** Why a price is not acceptable (a non-negative decimal, at most 6 places); null when it is. */
export function priceError(value: string): string | null {
  const v = value.trim();
  if (!v) return 'Enter a price, e.g. 0.0079.';
  if (!MONEY.test(v)) return 'A price is a decimal such as 0.0079, at most 6 places.';
  return null;
}

/** ISO 3166 alpha-2, `*` for any country, or `INTL`. */
export function jurisdictionError(value: string): string | null {
  const v = value.trim().toUpperCase();
  if (v === '*' || v === 'INTL' || /^[A-Z]{2}$/.test(v)) return null;
  return 'A country code (US), * for any other country, or INTL.';
}

export interface PeriodValues {
  /** `YYYY-MM-DD`. */
  from: string;
  /** `YYYY-MM-DD` (exclusive), or "" for open-ended. */
  to: string;
}

export function periodErrors(v: PeriodValues): Partial<Record<'from' | 'to', string>> {
  const errors: Partial<Record<'from' | 'to', string>> = {};
  if (!validDay(v.from)) errors.from = 'Enter the first day, YYYY-MM-DD.';
  if (v.to && !validDay(v.to)) errors.to = 'Enter a day, YYYY-MM-DD, or leave it empty.';
  else if (v.to && validDay(v.from) && v.to <= v.from) errors.to = 'The end comes after the start.';
  return errors;
}

export interface CardValues extends PeriodValues {
  name: string;
  /** "" for a rack card. */
  customerId: string;
  currency: string;
  nonGsmInternational: boolean;
  udhOctets: string;
}

export function cardErrors(v: CardValues): Partial<Record<'name' | 'currency' | 'from' | 'to' | 'udhOctets', string>> {
  const errors: Partial<Record<'name' | 'currency' | 'from' | 'to' | 'udhOctets', string>> = { ...periodErrors(v) };
  if (!v.name.trim()) errors.name = 'Give the card a name.';
  if (!/^[A-Z]{3}$/.test(v.currency.trim().toUpperCase())) errors.currency = 'A currency code such as USD.';
  if (v.udhOctets !== '6' && v.udhOctets !== '7') errors.udhOctets = '6 or 7 octets.';
  return errors;
}

export function newCardInput(v: CardValues) {
  return {
    name: v.name.trim(),
    customerId: v.customerId || null,
    currency: v.currency.trim().toUpperCase(),
    effectiveFrom: dayStart(v.from),
    effectiveTo: v.to ? dayStart(v.to) : null,
    nonGsmInternational: v.nonGsmInternational,
    udhOctets: Number(v.udhOctets),
  };
}

/** The update of a card: every field sent, `effectiveTo: null` making it open-ended. */
export function cardUpdateInput(v: CardValues) {
  return {
    name: v.name.trim(),
    effectiveFrom: dayStart(v.from),
    effectiveTo: v.to ? dayStart(v.to) : null,
    nonGsmInternational: v.nonGsmInternational,
    udhOctets: Number(v.udhOctets),
  };
}

export interface FeeValues extends PeriodValues {
  carrierId: string;
  messageKind: MessageKind;
  direction: Direction;
  currency: string;
  perMessage: string;
  perFiling: string;
}

export function feeErrors(v: FeeValues): Partial<Record<'carrierId' | 'currency' | 'perMessage' | 'perFiling' | 'from' | 'to', string>> {
  const errors: Partial<Record<'carrierId' | 'currency' | 'perMessage' | 'perFiling' | 'from' | 'to', string>> = { ...periodErrors(v) };
  if (!v.carrierId) errors.carrierId = 'Choose the carrier.';
  if (!/^[A-Z]{3}$/.test(v.currency.trim().toUpperCase())) errors.currency = 'A currency code such as USD.';
  const perMessage = priceError(v.perMessage);
  if (perMessage) errors.perMessage = perMessage;
  const perFiling = priceError(v.perFiling);
  if (perFiling) errors.perFiling = perFiling;
  return errors;
}

export function feeInput(v: FeeValues) {
  return {
    carrierId: v.carrierId,
    messageKind: v.messageKind,
    direction: v.direction,
    currency: v.currency.trim().toUpperCase(),
    perMessage: v.perMessage.trim(),
    perFiling: v.perFiling.trim(),
    effectiveFrom: dayStart(v.from),
    effectiveTo: v.to ? dayStart(v.to) : null,
  };
}
