// What each role may see and do in the UI, mirroring the API's access matrix (README, "API").
// The API enforces it; the UI uses it to show only what a role can use.

import type { Role } from '../../generated/gql/graphql';
import type { QueueKey } from './compliance';

export type Action =
  | 'customer.create'
  | 'customer.update'
  | 'customer.list'
  | 'number.create'
  | 'number.configure'
  | 'number.attest'
  | 'number.authorizations.read'
  | 'message.read'
  | 'message.cancel'
  | 'stats.read'
  | 'carrier.read'
  | 'usecase.decide'
  | 'ratio.read'
  | 'ratio.check'
  | 'invoice.read'
  | 'invoice.write'
  | 'lease.read'
  | 'lease.suspend'
  | 'filing.decide'
  | 'compliance.queues'
  | 'forecast.read'
  | 'forecast.write'
  | 'blocked.read'
  | 'rates.read'
  | 'rates.write'
  | 'revenue.read'
  | 'job.read'
  | 'job.run'
  | 'alert.read'
  | 'alert.acknowledge'
  | 'gateway.read'
  | 'smpp.sessions'
  | 'bulk.send'
  | 'portfolio.read'
  | 'portfolio.anyManager'
  | 'settings.read';

const ALL: readonly Role[] = ['ADMIN', 'FINANCE', 'COMPLIANCE', 'ACCOUNT_MANAGER', 'CUSTOMER'];
const STAFF: readonly Role[] = ['ADMIN', 'FINANCE', 'COMPLIANCE', 'ACCOUNT_MANAGER'];

const ACTIONS: Record<Action, readonly Role[]> = {
  'customer.create': ['ADMIN', 'ACCOUNT_MANAGER'],
  'customer.update': ['ADMIN', 'ACCOUNT_MANAGER'],
  // Every role may query customers, but a customer key sees only itself: no list, no picker.
  'customer.list': STAFF,
  'number.create': ['ADMIN', 'ACCOUNT_MANAGER'],
  'number.configure': ['ADMIN', 'ACCOUNT_MANAGER'],
  'number.attest': ['ADMIN', 'COMPLIANCE'],
  // `Number.authorizations` (sender authorizations of alphanumeric IDs): asking for it with
  // another role is FORBIDDEN, so the numbers page asks only for these roles.
  'number.authorizations.read': ['ADMIN', 'COMPLIANCE'],
  // `messages` and `message`: every role (the service's CUSTOMER_READERS); customer keys see
  // their own messages only.
  'message.read': ALL,
  // `cancelMessage`: admins only (customers cancel over SMPP with cancel_sm).
  'message.cancel': ['ADMIN'],
  // `deliveryStats`: every role; a customer key counts its own traffic only.
  'stats.read': ALL,
  // `carriers` is staff only, so a customer key sees a message's carrier id, not its name.
  'carrier.read': STAFF,
  // `mmsUseCaseQueue`, `decideMmsUseCase` and `mmsPolicy`'s companion `contentRules`: admin
  // and compliance (the service's COMPLIANCE).
  'usecase.decide': ['ADMIN', 'COMPLIANCE'],
  // `mmsRatio`: every role; a customer key sees its own customer's.
  'ratio.read': ALL,
  // `checkMmsRatios`: admins only.
  'ratio.check': ['ADMIN'],
  // `invoices`, `invoice`, `invoiceLineRecords` and the documents over HTTP: the service's
  // INVOICE_READERS; a customer key sees its own issued (or void) invoices, never drafts.
  'invoice.read': ['ADMIN', 'FINANCE', 'ACCOUNT_MANAGER', 'CUSTOMER'],
  // `runInvoices`, `issueInvoice`, `createCreditNote` and `invoiceRuns`: the service's FINANCE.
  'invoice.write': ['ADMIN', 'FINANCE'],
  // `leases`, `lease` and `filings`: every role (customer keys: their own).
  'lease.read': ALL,
  // `suspendLease`, `resumeLease`: admin and compliance.
  'lease.suspend': ['ADMIN', 'COMPLIANCE'],
  // `createFiling`, `setFilingStatus`: admin and compliance.
  'filing.decide': ['ADMIN', 'COMPLIANCE'],
  // The queue counts on the navigation read `mmsUseCaseQueue` and `Number.authorizations`:
  // admin and compliance only.
  'compliance.queues': ['ADMIN', 'COMPLIANCE'],
  // `forecasts`: every role; `submitForecast`: admin, account managers and customers (their own).
  'forecast.read': ALL,
  'forecast.write': ['ADMIN', 'ACCOUNT_MANAGER', 'CUSTOMER'],
  // Blocked traffic is `messages` with a reject-reason filter; the page is for staff who act on it.
  'blocked.read': ['ADMIN', 'COMPLIANCE', 'ACCOUNT_MANAGER'],
  // `rateCards`, `rateCard`, `carrierFees` and their mutations: admin and finance.
  'rates.read': ['ADMIN', 'FINANCE'],
  'rates.write': ['ADMIN', 'FINANCE'],
  // `billingSummary` and `invoices` for the revenue chart: staff who read invoices.
  'revenue.read': ['ADMIN', 'FINANCE', 'ACCOUNT_MANAGER'],
  // `jobs`, `jobRuns` and `runJob`: admins only (the service's ADMINS), so no read-only view
  // for other roles.
  'job.read': ['ADMIN'],
  'job.run': ['ADMIN'],
  // `alerts` and `acknowledgeAlert`: account managers and admins (the service's ACCOUNT_MANAGERS).
  'alert.read': ['ADMIN', 'ACCOUNT_MANAGER'],
  'alert.acknowledge': ['ADMIN', 'ACCOUNT_MANAGER'],
  // The gateway page: staff; its carrier figures are `deliveryStats` (every role), its live
  // binds `smppSessions`, which only admins may read.
  'gateway.read': STAFF,
  'smpp.sessions': ['ADMIN'],
  // `previewSend`, `startSend`, `sendBatch(es)`, `cancelSend` and the results CSV: admins,
  // account managers, and customer keys (their own numbers and batches).
  'bulk.send': ['ADMIN', 'ACCOUNT_MANAGER', 'CUSTOMER'],
  // `myCustomers`: admins and account managers (a manager's own key: that manager's customers).
  'portfolio.read': ['ADMIN', 'ACCOUNT_MANAGER'],
  // Naming the manager (`myCustomers(accountManager:)`): admins; team keys may too, but the
  // UI offers the filter to admins only.
  'portfolio.anyManager': ['ADMIN'],
  // `settings`: admins only.
  'settings.read': ['ADMIN'],
};

export function can(role: Role, action: Action): boolean {
  return ACTIONS[action].includes(role);
}

export type NavIcon =
  | 'customers'
  | 'account'
  | 'numbers'
  | 'messages'
  | 'analytics'
  | 'useCases'
  | 'ratio'
  | 'invoices'
  | 'preview'
  | 'shortCodes'
  | 'blocked'
  | 'forecasts'
  | 'rates'
  | 'revenue'
  | 'gateway'
  | 'alerts'
  | 'jobs'
  | 'bulk'
  | 'portfolio'
  | 'settings'
  | 'api';

/** A count shown beside a navigation entry: a compliance queue, or the alerts to acknowledge. */
export type NavQueue = QueueKey | 'alerts';

export interface NavItem {
  label: string;
  to: string;
  icon: NavIcon;
  description: string;
  /** Opens outside the single-page app (GraphiQL). */
  external?: boolean;
  /** The queues counted beside it (for the roles that see the counts). */
  queues?: NavQueue[];
}

interface NavEntry extends NavItem {
  roles: readonly Role[];
}

const NAV: readonly NavEntry[] = [
  {
    label: 'My customers',
    to: '/my-customers',
    icon: 'portfolio',
    description: 'Your portfolio and what needs you',
    roles: ACTIONS['portfolio.read'],
  },
  {
    label: 'Customers',
    to: '/customers',
    icon: 'customers',
    description: 'Accounts, contacts and status',
    roles: ACTIONS['customer.list'],
  },
  {
    label: 'Numbers & senders',
    to: '/numbers',
    icon: 'numbers',
    description: 'Long codes, toll-free, short codes, alphanumeric IDs',
    roles: ALL,
    queues: ['authorizations'],
  },
  {
    label: 'Messages',
    to: '/messages',
    icon: 'messages',
    description: 'Traffic, delivery status and charges',
    roles: ACTIONS['message.read'],
  },
  {
    label: 'Analytics',
    to: '/analytics',
    icon: 'analytics',
    description: 'Delivery by day and carrier, delivery times',
    roles: ACTIONS['stats.read'],
  },
  {
    label: 'MMS use cases',
    to: '/use-cases',
    icon: 'useCases',
    description: 'The approval queue: approve, reject, revoke',
    roles: ACTIONS['usecase.decide'],
    queues: ['useCases'],
  },
  {
    label: 'Short codes',
    to: '/short-codes',
    icon: 'shortCodes',
    description: 'Leases, carrier filings, silence, forecasts',
    roles: ['ADMIN', 'COMPLIANCE', 'ACCOUNT_MANAGER', 'CUSTOMER'],
    queues: ['filings', 'suspended'],
  },
  {
    label: 'Blocked traffic',
    to: '/blocked',
    icon: 'blocked',
    description: 'Messages refused at admission, with reasons',
    roles: ACTIONS['blocked.read'],
  },
  {
    label: 'Forecasts',
    to: '/forecasts',
    icon: 'forecasts',
    description: "A short code's quarter: forecast against actual",
    roles: ['ADMIN', 'ACCOUNT_MANAGER', 'COMPLIANCE', 'CUSTOMER'],
  },
  {
    label: 'AT&T MMS ratio',
    to: '/mms-ratio',
    icon: 'ratio',
    description: 'Outgoing to incoming MMS per 90-day cycle',
    roles: ACTIONS['ratio.read'],
  },
  {
    label: 'Invoices',
    to: '/invoices',
    icon: 'invoices',
    description: 'Monthly invoices, balances and documents',
    roles: ACTIONS['invoice.read'],
  },
  {
    label: 'Revenue',
    to: '/revenue',
    icon: 'revenue',
    description: 'Invoiced per month, by customer and message kind',
    roles: ACTIONS['revenue.read'],
  },
  {
    label: 'Rate cards & fees',
    to: '/rate-cards',
    icon: 'rates',
    description: 'Prices per fragment, carrier pass-through fees',
    roles: ACTIONS['rates.read'],
  },
  {
    label: 'SMPP gateway',
    to: '/gateway',
    icon: 'gateway',
    description: 'Live binds, throughput and delivery time per carrier',
    roles: ACTIONS['gateway.read'],
  },
  {
    label: 'Alerts',
    to: '/alerts',
    icon: 'alerts',
    description: 'What someone must act on, and its email',
    roles: ACTIONS['alert.read'],
    queues: ['alerts'],
  },
  {
    label: 'Scheduled jobs',
    to: '/jobs',
    icon: 'jobs',
    description: 'Schedules, latest runs, failures; run one now',
    roles: ACTIONS['job.read'],
  },
  {
    label: 'Bulk sending',
    to: '/bulk-send',
    icon: 'bulk',
    description: 'Send a spreadsheet of messages, watch it go',
    roles: ACTIONS['bulk.send'],
  },
  {
    label: 'Message preview',
    to: '/preview',
    icon: 'preview',
    description: 'Encoding, fragments and price of a text',
    roles: ALL,
  },
  {
    label: 'Settings',
    to: '/settings',
    icon: 'settings',
    description: 'The settings in force, read-only',
    roles: ACTIONS['settings.read'],
  },
  {
    label: 'GraphQL explorer',
    to: '/graphql',
    icon: 'api',
    description: 'GraphiQL; send your key as a Bearer header',
    roles: ['ADMIN'],
    external: true,
  },
];

/** The navigation of a role; a customer key gets its own account instead of the list. */
export function navFor(role: Role, customerId: string | null): NavItem[] {
  const items: NavItem[] = NAV.filter((n) => n.roles.includes(role)).map(
    ({ roles: _roles, ...item }) => item,
  );
  if (role === 'CUSTOMER' && customerId) {
    items.unshift({
      label: 'My account',
      to: `/customers/${customerId}`,
      icon: 'account',
      description: 'Your company, contacts and status',
    });
  }
  return items;
}

/** Where a role lands after signing in. */
export function homeFor(role: Role, customerId: string | null): string {
  return role === 'CUSTOMER' && customerId ? `/customers/${customerId}` : '/customers';
}

export const ROLE_LABELS: Record<Role, string> = {
  ADMIN: 'Admin',
  FINANCE: 'Finance',
  COMPLIANCE: 'Compliance',
  ACCOUNT_MANAGER: 'Account manager',
  CUSTOMER: 'Customer',
};
