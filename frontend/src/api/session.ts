// Signing in: the API has no "who am I" query, so a key is identified by what it may do. One
// request reads the first visible customer (a bad key fails it with HTTP 401; a customer key
// sees only its own customer) and probes fields open to fewer and fewer roles. The role is the
// widest one whose probe was not FORBIDDEN.

import type { Role } from '../../generated/gql/graphql';
import { errorCode, errorMessages, type ApiError } from './errors';

export interface Session {
  key: string;
  role: Role;
  /** The customer a customer key is bound to. */
  customerId: string | null;
  customerName: string | null;
}

export const GRAPHQL_URL = '/graphql';
const STORAGE_KEY = 'backoffice.session';

/** Probed fields, from the narrowest audience to the widest. */
const PROBES: readonly { field: string; role: Role }[] = [
  { field: 'apiKeys', role: 'ADMIN' },
  { field: 'rateCards', role: 'FINANCE' },
  { field: 'optOuts', role: 'COMPLIANCE' },
  { field: 'smppAccounts', role: 'ACCOUNT_MANAGER' },
  { field: 'carriers', role: 'CUSTOMER' },
];

// Sent as a plain string (not through codegen) because its errors, not its data, are read.
export const IDENTIFY_QUERY = `query Identify {
  customers(first: 1) { edges { node { id name } } }
  apiKeys(first: 1) { edges { cursor } }
  rateCards(rackOnly: true) { id }
  optOuts(first: 1) { edges { cursor } }
  smppAccounts { id }
  carriers { id }
}`;

/** The role a probe answer reveals; `carriers` is closed only to customer keys. */
export function roleFromProbe(errors: readonly ApiError[]): Role {
  const forbidden = new Set(
    errors
      .filter((e) => errorCode(e) === 'FORBIDDEN')
      .map((e) => {
        const path = (e as { path?: readonly unknown[] }).path;
        return typeof path?.[0] === 'string' ? path[0] : '';
      }),
  );
  for (const { field, role } of PROBES) {
    if (role === 'CUSTOMER') break;
    if (!forbidden.has(field)) return role;
  }
  return 'CUSTOMER';
}

export class SignInError extends Error {}

interface RawResponse {
  data?: { customers?: { edges: { node: { id: string; name: string } }[] } } | null;
  errors?: (ApiError & { path?: unknown[] })[];
}

/** Checks a key against the service and works out its role. */
export async function identify(key: string, fetchImpl: typeof fetch = fetch): Promise<Session> {
  const trimmed = key.trim();
  if (!trimmed) throw new SignInError('Enter an API key.');
  let response: Response;
  try {
    response = await fetchImpl(GRAPHQL_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${trimmed}` },
      body: JSON.stringify({ query: IDENTIFY_QUERY }),
    });
  } catch (e) {
    throw new SignInError(`The service cannot be reached (${(e as Error).message}).`);
  }
  let body: RawResponse;
  try {
    body = (await response.json()) as RawResponse;
  } catch {
    throw new SignInError(`The service answered HTTP ${response.status} without a GraphQL body.`);
  }
  const errors = body.errors ?? [];
  if (response.status === 401 || errors.some((e) => errorCode(e) === 'UNAUTHENTICATED')) {
    throw new SignInError('This API key is not valid, or it was revoked.');
  }
  const unexpected = errors.filter((e) => errorCode(e) !== 'FORBIDDEN');
  if (!response.ok || unexpected.length > 0) {
    throw new SignInError(
      errorMessages({ graphQLErrors: unexpected }).join(' ') || `HTTP ${response.status}`,
    );
  }
  const role = roleFromProbe(errors);
  const first = body.data?.customers?.edges[0]?.node ?? null;
  return {
    key: trimmed,
    role,
    customerId: role === 'CUSTOMER' ? (first?.id ?? null) : null,
    customerName: role === 'CUSTOMER' ? (first?.name ?? null) : null,
  };
}

export function loadSession(storage: Storage = sessionStorage): Session | null {
  try {
    const raw = storage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.key !== 'string' || typeof s.role !== 'string') return null;
    return {
      key: s.key,
      role: s.role,
      customerId: s.customerId ?? null,
      customerName: s.customerName ?? null,
    };
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null, storage: Storage = sessionStorage): void {
  if (session) storage.setItem(STORAGE_KEY, JSON.stringify(session));
  else storage.removeItem(STORAGE_KEY);
}
