import { describe, expect, it } from 'vitest';
import { can, homeFor, navFor } from './access';

describe('navFor', () => {
  it('gives staff the customer list and no account link', () => {
    const labels = navFor('FINANCE', null).map((n) => n.label);
    expect(labels).toEqual([
      'Customers',
      'Numbers & senders',
      'Messages',
      'Analytics',
      'AT&T MMS ratio',
      'Invoices',
      'Revenue',
      'Rate cards & fees',
      'SMPP gateway',
      'Message preview',
    ]);
  });
  it('gives the jobs to admins only, the alerts to admins and account managers, the gateway to staff', () => {
    const to = (role: 'ADMIN' | 'FINANCE' | 'COMPLIANCE' | 'ACCOUNT_MANAGER' | 'CUSTOMER') =>
      navFor(role, role === 'CUSTOMER' ? '7' : null).map((n) => n.to);
    expect(to('ADMIN')).toEqual(expect.arrayContaining(['/jobs', '/alerts', '/gateway']));
    expect(to('ACCOUNT_MANAGER')).toEqual(expect.arrayContaining(['/alerts', '/gateway']));
    expect(to('ACCOUNT_MANAGER')).not.toContain('/jobs');
    for (const role of ['FINANCE', 'COMPLIANCE'] as const) {
      expect(to(role)).toContain('/gateway');
      expect(to(role)).not.toContain('/alerts');
      expect(to(role)).not.toContain('/jobs');
    }
    expect(to('CUSTOMER')).not.toEqual(expect.arrayContaining(['/gateway']));
    expect(can('ADMIN', 'job.run')).toBe(true);
    expect(can('ACCOUNT_MANAGER', 'alert.acknowledge')).toBe(true);
    expect(can('FINANCE', 'alert.acknowledge')).toBe(false);
    // Live binds are the admins'; other staff see the carriers' figures only.
    expect(can('ADMIN', 'smpp.sessions')).toBe(true);
    for (const role of ['FINANCE', 'COMPLIANCE', 'ACCOUNT_MANAGER', 'CUSTOMER'] as const) expect(can(role, 'smpp.sessions')).toBe(false);
    expect(navFor('ACCOUNT_MANAGER', null).find((n) => n.to === '/alerts')?.queues).toEqual(['alerts']);
  });
  it('counts the compliance queues only for admins and compliance, beside the pages that work them', () => {
    for (const role of ['ADMIN', 'COMPLIANCE'] as const) expect(can(role, 'compliance.queues')).toBe(true);
    for (const role of ['FINANCE', 'ACCOUNT_MANAGER', 'CUSTOMER'] as const) expect(can(role, 'compliance.queues')).toBe(false);
    const nav = navFor('COMPLIANCE', null);
    expect(nav.find((n) => n.to === '/use-cases')?.queues).toEqual(['useCases']);
    expect(nav.find((n) => n.to === '/short-codes')?.queues).toEqual(['filings', 'suspended']);
    expect(nav.find((n) => n.to === '/numbers')?.queues).toEqual(['authorizations']);
  });
  it('gives rate cards to finance and admins only, and the revenue chart to those who read invoices', () => {
    for (const role of ['ADMIN', 'FINANCE'] as const) {
      expect(navFor(role, null).map((n) => n.to)).toContain('/rate-cards');
      expect(can(role, 'rates.write')).toBe(true);
    }
    for (const role of ['COMPLIANCE', 'ACCOUNT_MANAGER', 'CUSTOMER'] as const) {
      expect(navFor(role, role === 'CUSTOMER' ? '7' : null).map((n) => n.to)).not.toContain('/rate-cards');
    }
    expect(navFor('ACCOUNT_MANAGER', null).map((n) => n.to)).toContain('/revenue');
    expect(navFor('COMPLIANCE', null).map((n) => n.to)).not.toContain('/revenue');
  });
  it('lets compliance suspend codes and decide filings, account managers and customers enter forecasts', () => {
    expect(can('COMPLIANCE', 'lease.suspend')).toBe(true);
    expect(can('ACCOUNT_MANAGER', 'lease.suspend')).toBe(false);
    expect(can('COMPLIANCE', 'filing.decide')).toBe(true);
    expect(can('CUSTOMER', 'filing.decide')).toBe(false);
    expect(can('ACCOUNT_MANAGER', 'forecast.write')).toBe(true);
    expect(can('CUSTOMER', 'forecast.write')).toBe(true);
    expect(can('COMPLIANCE', 'forecast.write')).toBe(false);
    expect(navFor('CUSTOMER', '7').map((n) => n.to)).toEqual(expect.arrayContaining(['/short-codes', '/forecasts']));
    expect(navFor('CUSTOMER', '7').map((n) => n.to)).not.toContain('/blocked');
  });
  it('gives invoices to finance, admins, account managers and customers; only finance and admins write them', () => {
    for (const role of ['ADMIN', 'FINANCE', 'ACCOUNT_MANAGER', 'CUSTOMER'] as const) {
      expect(navFor(role, role === 'CUSTOMER' ? '7' : null).map((n) => n.to)).toContain('/invoices');
      expect(can(role, 'invoice.read')).toBe(true);
      expect(can(role, 'invoice.write')).toBe(role === 'ADMIN' || role === 'FINANCE');
    }
    expect(navFor('COMPLIANCE', null).map((n) => n.to)).not.toContain('/invoices');
    expect(can('COMPLIANCE', 'invoice.write')).toBe(false);
  });
  it('gives every role that may query messages the Messages page', () => {
    for (const role of ['ADMIN', 'FINANCE', 'COMPLIANCE', 'ACCOUNT_MANAGER', 'CUSTOMER'] as const) {
      expect(navFor(role, role === 'CUSTOMER' ? '7' : null).map((n) => n.to)).toContain('/messages');
      expect(can(role, 'message.read')).toBe(true);
    }
  });
  it('gives every role the delivery analytics', () => {
    for (const role of ['ADMIN', 'FINANCE', 'COMPLIANCE', 'ACCOUNT_MANAGER', 'CUSTOMER'] as const) {
      expect(navFor(role, role === 'CUSTOMER' ? '7' : null).map((n) => n.to)).toContain('/analytics');
      expect(can(role, 'stats.read')).toBe(true);
    }
  });
  it('gives the MMS use-case queue to admins and compliance only', () => {
    for (const role of ['ADMIN', 'COMPLIANCE'] as const) {
      expect(navFor(role, null).map((n) => n.to)).toContain('/use-cases');
      expect(can(role, 'usecase.decide')).toBe(true);
    }
    for (const role of ['FINANCE', 'ACCOUNT_MANAGER', 'CUSTOMER'] as const) {
      expect(navFor(role, role === 'CUSTOMER' ? '7' : null).map((n) => n.to)).not.toContain('/use-cases');
      expect(can(role, 'usecase.decide')).toBe(false);
    }
  });
  it('gives every role the AT&T ratio; only admins run the check', () => {
    for (const role of ['ADMIN', 'FINANCE', 'COMPLIANCE', 'ACCOUNT_MANAGER', 'CUSTOMER'] as const) {
      expect(navFor(role, role === 'CUSTOMER' ? '7' : null).map((n) => n.to)).toContain('/mms-ratio');
      expect(can(role, 'ratio.check')).toBe(role === 'ADMIN');
    }
  });
  it('gives bulk sending to admins, account managers and customers, the portfolio to admins and account managers, the settings to admins', () => {
    const to = (role: 'ADMIN' | 'FINANCE' | 'COMPLIANCE' | 'ACCOUNT_MANAGER' | 'CUSTOMER') =>
      navFor(role, role === 'CUSTOMER' ? '7' : null).map((n) => n.to);
    expect(to('ADMIN')).toEqual(expect.arrayContaining(['/bulk-send', '/my-customers', '/settings']));
    expect(to('ACCOUNT_MANAGER')).toEqual(expect.arrayContaining(['/bulk-send', '/my-customers']));
    expect(to('ACCOUNT_MANAGER')).not.toContain('/settings');
    expect(to('CUSTOMER')).toContain('/bulk-send');
    expect(to('CUSTOMER')).not.toEqual(expect.arrayContaining(['/my-customers']));
    expect(to('CUSTOMER')).not.toContain('/settings');
    for (const role of ['FINANCE', 'COMPLIANCE'] as const) {
      expect(to(role)).not.toContain('/bulk-send');
      expect(to(role)).not.toContain('/my-customers');
      expect(to(role)).not.toContain('/settings');
    }
    // An account manager lands on the customer list still; the portfolio heads its navigation.
    expect(navFor('ACCOUNT_MANAGER', null)[0]?.to).toBe('/my-customers');
    expect(can('ADMIN', 'portfolio.anyManager')).toBe(true);
    expect(can('ACCOUNT_MANAGER', 'portfolio.anyManager')).toBe(false);
    // The bulk page is not the service's results path (`/send-batches/{id}.csv`).
    expect(to('ADMIN')).not.toContain('/send-batches');
  });
  it('gives admins the GraphQL explorer', () => {
    expect(navFor('ADMIN', null).map((n) => n.to)).toContain('/graphql');
  });
  it('gives a customer key its own account, never the customer list', () => {
    const nav = navFor('CUSTOMER', '42');
    expect(nav[0]).toMatchObject({ label: 'My account', to: '/customers/42' });
    expect(nav.map((n) => n.to)).not.toContain('/customers');
    expect(nav.map((n) => n.to)).not.toContain('/graphql');
  });
});

describe('can', () => {
  it('follows the API access matrix', () => {
    expect(can('ADMIN', 'customer.create')).toBe(true);
    expect(can('ACCOUNT_MANAGER', 'customer.update')).toBe(true);
    expect(can('FINANCE', 'customer.create')).toBe(false);
    expect(can('CUSTOMER', 'number.configure')).toBe(false);
    expect(can('COMPLIANCE', 'number.attest')).toBe(true);
    expect(can('ACCOUNT_MANAGER', 'number.attest')).toBe(false);
    expect(can('ADMIN', 'message.cancel')).toBe(true);
    for (const role of ['FINANCE', 'COMPLIANCE', 'ACCOUNT_MANAGER', 'CUSTOMER'] as const) {
      expect(can(role, 'message.cancel')).toBe(false);
    }
  });
  it('keeps the customer picker and carrier names from customer keys', () => {
    expect(can('CUSTOMER', 'customer.list')).toBe(false);
    expect(can('CUSTOMER', 'carrier.read')).toBe(false);
    for (const role of ['ADMIN', 'FINANCE', 'COMPLIANCE', 'ACCOUNT_MANAGER'] as const) {
      expect(can(role, 'customer.list')).toBe(true);
      expect(can(role, 'carrier.read')).toBe(true);
    }
  });
  it('lets only admins and compliance read sender authorizations', () => {
    expect(can('ADMIN', 'number.authorizations.read')).toBe(true);
    expect(can('COMPLIANCE', 'number.authorizations.read')).toBe(true);
    for (const role of ['FINANCE', 'ACCOUNT_MANAGER', 'CUSTOMER'] as const) {
      expect(can(role, 'number.authorizations.read')).toBe(false);
    }
  });
});

describe('homeFor', () => {
  it('sends customers to their account and staff to the list', () => {
    expect(homeFor('CUSTOMER', '3')).toBe('/customers/3');
    expect(homeFor('ADMIN', null)).toBe('/customers');
  });
});
