// An account manager's portfolio: which customers need attention and why, the links that go
// to the work (the alerts inbox, the forecasts), and the manager filter in the address bar.

import type { RatioLevel } from '../../generated/gql/graphql';
import { SILENCE_WARNING_DAYS } from './compliance';

/** The figures of one portfolio row the page judges. */
export interface PortfolioFigures {
  openAlerts: number;
  leasesNearRenewal: number;
  silentCodes: number;
  longestSilenceDays?: number | null;
  forecastsDue: number;
  ratioLevel: RatioLevel;
}

export type Attention = 'alerts' | 'renewal' | 'silence' | 'forecasts' | 'ratio';

/** What in a row needs the manager, most urgent first. */
export function attentionOf(p: PortfolioFigures): Attention[] {
  const out: Attention[] = [];
  if (p.ratioLevel === 'BREACH' || p.ratioLevel === 'WARNING') out.push('ratio');
  if (silenceHighlighted(p)) out.push('silence');
  if (p.openAlerts > 0) out.push('alerts');
  if (p.leasesNearRenewal > 0) out.push('renewal');
  if (p.forecastsDue > 0) out.push('forecasts');
  return out;
}

/**
 * Codes silent for 60 days or more are the first warning carriers give before they cancel a
 * code at 90: highlighted when the service counts one, or when the longest silence says so.
 */
export function silenceHighlighted(p: Pick<PortfolioFigures, 'silentCodes' | 'longestSilenceDays'>): boolean {
  return p.silentCodes > 0 || (p.longestSilenceDays ?? 0) >= SILENCE_WARNING_DAYS;
}

/** "2 codes silent, longest 75 days"; "—" without silent codes. */
export function silenceText(p: Pick<PortfolioFigures, 'silentCodes' | 'longestSilenceDays'>): string {
  if (p.silentCodes === 0) return p.longestSilenceDays != null ? `none (longest ${p.longestSilenceDays} d)` : '—';
  const codes = `${p.silentCodes} code${p.silentCodes === 1 ? '' : 's'}`;
  return p.longestSilenceDays != null ? `${codes}, longest ${p.longestSilenceDays} days` : codes;
}

/** Customers needing the most attention first (then by name), so the table reads as a to-do list. */
export function sortPortfolio<T extends PortfolioFigures & { customer: { name: string } }>(rows: readonly T[]): T[] {
  const weight = (p: T) => {
    const a = attentionOf(p);
    return (a.includes('ratio') && p.ratioLevel === 'BREACH' ? 100 : 0) + a.length;
  };
  return [...rows].sort((a, b) => weight(b) - weight(a) || a.customer.name.localeCompare(b.customer.name));
}

/** The alerts inbox of one customer, open ones (the inbox's own filter). */
export function alertsLink(customerId: string): string {
  return `/alerts?${new URLSearchParams({ customer: customerId }).toString()}`;
}

/** The forecasts page on a quarter. */
export function forecastsLink(quarter: string): string {
  return `/forecasts?${new URLSearchParams({ quarter }).toString()}`;
}

export interface PortfolioFilters {
  /** An account manager's email; null for everyone's customers. */
  manager: string | null;
}

export function parsePortfolioFilters(params: URLSearchParams): PortfolioFilters {
  const manager = (params.get('manager') ?? '').trim();
  return { manager: manager || null };
}

export function portfolioFiltersToParams(f: PortfolioFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.manager?.trim()) p.set('manager', f.manager.trim());
  return p;
}

/** The account managers among customers, for the admins' filter: distinct, sorted, lower-cased. */
export function managerOptions(emails: readonly string[], current: string | null): string[] {
  const set = new Set(emails.map((e) => e.trim().toLowerCase()).filter(Boolean));
  if (current) set.add(current.trim().toLowerCase());
  return [...set].sort();
}
