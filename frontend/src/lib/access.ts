// What each role may see and do in the UI, mirroring the API's access matrix (README, "API").
// The API enforces it; the UI uses it to show only what a role can use.

import type { Role } from '../../generated/gql/graphql';

export type Action =
  | 'customer.create'
  | 'customer.update'
  | 'number.create'
  | 'number.configure'
  | 'number.attest';

const ACTIONS: Record<Action, readonly Role[]> = {
  'customer.create': ['ADMIN', 'ACCOUNT_MANAGER'],
  'customer.update': ['ADMIN', 'ACCOUNT_MANAGER'],
  'number.create': ['ADMIN', 'ACCOUNT_MANAGER'],
  'number.configure': ['ADMIN', 'ACCOUNT_MANAGER'],
  'number.attest': ['ADMIN', 'COMPLIANCE'],
};

export function can(role: Role, action: Action): boolean {
  return ACTIONS[action].includes(role);
}

export type NavIcon = 'customers' | 'account' | 'numbers' | 'preview' | 'api';

export interface NavItem {
  label: string;
  to: string;
  icon: NavIcon;
  description: string;
  /** Opens outside the single-page app (GraphiQL). */
  external?: boolean;
}

const ALL: readonly Role[] = ['ADMIN', 'FINANCE', 'COMPLIANCE', 'ACCOUNT_MANAGER', 'CUSTOMER'];
const STAFF: readonly Role[] = ['ADMIN', 'FINANCE', 'COMPLIANCE', 'ACCOUNT_MANAGER'];

interface NavEntry extends NavItem {
  roles: readonly Role[];
}

const NAV: readonly NavEntry[] = [
  {
    label: 'Customers',
    to: '/customers',
    icon: 'customers',
    description: 'Accounts, contacts and status',
    roles: STAFF,
  },
  {
    label: 'Numbers & senders',
    to: '/numbers',
    icon: 'numbers',
    description: 'Long codes, toll-free, short codes, alphanumeric IDs',
    roles: ALL,
  },
  {
    label: 'Message preview',
    to: '/preview',
    icon: 'preview',
    description: 'Encoding, fragments and price of a text',
    roles: ALL,
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
