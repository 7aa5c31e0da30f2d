// The sender-authorization status of a number, as the numbers page shows it: an alphanumeric
// ID needs an authorization on file (the service's rule: one that is not withdrawn) to send.

import type { NumberKind } from '../../generated/gql/graphql';
import { formatDate } from './format';

/** The fields of a `SenderAuthorization` the status needs. */
export interface AuthorizationLike {
  reference: string;
  grantedAt: string;
  grantedBy: string;
  withdrawnAt?: string | null;
}

export type SenderAuthorizationStatus<A extends AuthorizationLike = AuthorizationLike> =
  /** Not an alphanumeric ID: no authorization is needed. */
  | { state: 'NOT_APPLICABLE' }
  /** The caller's role may not read authorizations (the list was not asked for). */
  | { state: 'HIDDEN' }
  | {
      state: 'AUTHORIZED';
      label: 'Authorized';
      color: string;
      /** The newest authorization in force. */
      authorization: A;
      /** "DEMO-AUTH-001, granted 01 Jan 2026" */
      detail: string;
      /** How many others are also in force. */
      othersInForce: number;
    }
  | {
      state: 'MISSING';
      label: 'No authorization on file';
      color: string;
      /** "2 withdrawn" when some were, else null. */
      detail: string | null;
    };

function time(value: string): number {
  const t = new Date(value).getTime();
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/**
 * The authorization in force with the latest grant date; on equal dates the one the API lists
 * first (it lists the newest recorded first). Null when none is in force.
 */
export function authorizationInForce<A extends AuthorizationLike>(authorizations: readonly A[]): A | null {
  let best: A | null = null;
  for (const a of authorizations) {
    if (a.withdrawnAt) continue;
    if (best === null || time(a.grantedAt) > time(best.grantedAt)) best = a;
  }
  return best;
}

/**
 * What to show for a number: `authorizations` is the `Number.authorizations` list, or
 * undefined when the caller's role may not read it (the query then does not ask for it).
 */
export function senderAuthorizationStatus<A extends AuthorizationLike>(
  kind: NumberKind,
  authorizations: readonly A[] | null | undefined,
): SenderAuthorizationStatus<A> {
  if (kind !== 'ALPHANUMERIC') return { state: 'NOT_APPLICABLE' };
  if (authorizations == null) return { state: 'HIDDEN' };
  const current = authorizationInForce(authorizations);
  if (current) {
    const inForce = authorizations.filter((a) => !a.withdrawnAt).length;
    return {
      state: 'AUTHORIZED',
      label: 'Authorized',
      color: 'teal',
      authorization: current,
      detail: `${current.reference}, granted ${formatDate(current.grantedAt)}`,
      othersInForce: inForce - 1,
    };
  }
  const withdrawn = authorizations.length;
  return {
    state: 'MISSING',
    label: 'No authorization on file',
    color: 'orange',
    detail: withdrawn > 0 ? `${withdrawn} withdrawn` : null,
  };
}
