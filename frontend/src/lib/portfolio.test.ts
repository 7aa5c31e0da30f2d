import { describe, expect, it } from 'vitest';
import {
  alertsLink,
  attentionOf,
  forecastsLink,
  managerOptions,
  parsePortfolioFilters,
  portfolioFiltersToParams,
  silenceHighlighted,
  silenceText,
  sortPortfolio,
  type PortfolioFigures,
} from './portfolio';

const quiet: PortfolioFigures = { openAlerts: 0, leasesNearRenewal: 0, silentCodes: 0, longestSilenceDays: null, forecastsDue: 0, ratioLevel: 'WITHIN' };

describe('attention', () => {
  it('needs nothing from a quiet customer', () => {
    expect(attentionOf(quiet)).toEqual([]);
  });
  it('lists what needs the manager, the ratio and silence first', () => {
    expect(attentionOf({ ...quiet, openAlerts: 2, forecastsDue: 1, silentCodes: 1, longestSilenceDays: 75, ratioLevel: 'WARNING' })).toEqual([
      'ratio',
      'silence',
      'alerts',
      'forecasts',
    ]);
    expect(attentionOf({ ...quiet, leasesNearRenewal: 1 })).toEqual(['renewal']);
  });
  it('highlights silence from 60 days', () => {
    expect(silenceHighlighted({ silentCodes: 0, longestSilenceDays: 59 })).toBe(false);
    expect(silenceHighlighted({ silentCodes: 0, longestSilenceDays: 60 })).toBe(true);
    expect(silenceHighlighted({ silentCodes: 1, longestSilenceDays: null })).toBe(true);
    expect(silenceText({ silentCodes: 1, longestSilenceDays: 75 })).toBe('1 code, longest 75 days');
    expect(silenceText({ silentCodes: 2, longestSilenceDays: null })).toBe('2 codes');
    expect(silenceText({ silentCodes: 0, longestSilenceDays: 12 })).toBe('none (longest 12 d)');
    expect(silenceText({ silentCodes: 0, longestSilenceDays: null })).toBe('—');
  });
  it('puts a ratio breach first, then the customers with most to do, then by name', () => {
    const rows = [
      { ...quiet, customer: { name: 'Zed' } },
      { ...quiet, openAlerts: 1, customer: { name: 'Beta' } },
      { ...quiet, openAlerts: 1, customer: { name: 'Alpha' } },
      { ...quiet, ratioLevel: 'BREACH' as const, customer: { name: 'Yak' } },
      { ...quiet, openAlerts: 1, forecastsDue: 2, customer: { name: 'Gamma' } },
    ];
    expect(sortPortfolio(rows).map((r) => r.customer.name)).toEqual(['Yak', 'Gamma', 'Alpha', 'Beta', 'Zed']);
  });
});

describe('links and filters', () => {
  it('links to the alerts inbox of a customer and the forecasts of a quarter', () => {
    expect(alertsLink('7')).toBe('/alerts?customer=7');
    expect(forecastsLink('2026-Q3')).toBe('/forecasts?quarter=2026-Q3');
  });
  it('keeps the manager filter in the address bar, trimmed', () => {
    expect(parsePortfolioFilters(new URLSearchParams('manager=%20am%40demo.example%20'))).toEqual({ manager: 'am@demo.example' });
    expect(parsePortfolioFilters(new URLSearchParams('manager='))).toEqual({ manager: null });
    expect(portfolioFiltersToParams({ manager: 'am@demo.example' }).toString()).toBe('manager=am%40demo.example');
    expect(portfolioFiltersToParams({ manager: null }).toString()).toBe('');
  });
  it('offers each account manager once', () => {
    expect(managerOptions(['b@x.example', 'A@x.example ', 'b@x.example', ''], 'c@x.example')).toEqual(['a@x.example', 'b@x.example', 'c@x.example']);
  });
});
