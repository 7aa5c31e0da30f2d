import { Client, cacheExchange, fetchExchange, mapExchange } from 'urql';
import { hasCode } from './errors';
import { GRAPHQL_URL } from './session';

/**
 * A GraphQL client that sends `key` on every request. `onUnauthenticated` runs when the
 * service refuses the key (revoked while signed in), so the app can sign out.
 */
export function makeClient(key: string, onUnauthenticated: () => void): Client {
  return new Client({
    url: GRAPHQL_URL,
    exchanges: [
      mapExchange({
        onError(error) {
          if (hasCode(error, 'UNAUTHENTICATED') || error.response?.status === 401) {
            onUnauthenticated();
          }
        },
      }),
      cacheExchange,
      fetchExchange,
    ],
    fetchOptions: () => ({ headers: { authorization: `Bearer ${key}` } }),
    requestPolicy: 'cache-and-network',
    // GET /graphql is GraphiQL: every operation goes as a POST.
    preferGetMethod: false,
  });
}
