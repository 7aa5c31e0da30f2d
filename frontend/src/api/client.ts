import { Client, cacheExchange, fetchExchange, mapExchange } from 'urql';
import { hasCode } from './errors';
import { GRAPHQL_URL } from './session';

/**
 * A GraphQL client that sends `key` on every request. `onUnauthenticated` runs when the
 * service refuses the key (revoked while signed in), so the app can sign out.
 *
 * Variables holding a `File` (the `Upload` scalar: bulk sending's spreadsheet) go as a GraphQL
 * multipart request: urql's fetch exchange sends a `FormData` with the `operations` (the
 * variables, the file as null), the `map` (`{"0": ["variables.file"]}`) and the file as part
 * `0`. No content type is set here, so the browser writes the multipart boundary; every other
 * request is JSON. `fetchImpl` is for tests.
 */
export function makeClient(key: string, onUnauthenticated: () => void, fetchImpl?: typeof fetch): Client {
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
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}
