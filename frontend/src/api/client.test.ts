import { describe, expect, it, vi } from 'vitest';
import { gql } from 'urql';
import { makeClient } from './client';

function recordingFetch() {
  const calls: { url: string; init: RequestInit }[] = [];
  const impl = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return new Response(JSON.stringify({ data: { previewSend: { rows: 4 } } }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  });
  return { calls, impl: impl as unknown as typeof fetch };
}

const PREVIEW = gql`
  mutation Preview($file: Upload!, $from: String!) {
    previewSend(file: $file, from: $from) {
      rows
    }
  }
`;

describe('makeClient', () => {
  it('sends a File variable as a GraphQL multipart request (operations, map, part 0) with the key', async () => {
    const { calls, impl } = recordingFetch();
    const client = makeClient('secret-key', () => {}, impl);
    const file = new File(['destination,text\n+14255550123,Hi\n'], 'rows.csv', { type: 'text/csv' });
    const result = await client.mutation(PREVIEW, { file, from: '+12065550100' }).toPromise();
    expect(result.error).toBeUndefined();
    expect(calls).toHaveLength(1);
    const { url, init } = calls[0]!;
    expect(url).toBe('/graphql');
    expect(init.method).toBe('POST');
    const headers = init.headers as Record<string, string>;
    expect(headers.authorization).toBe('Bearer secret-key');
    // The browser sets the multipart boundary: a JSON content type would break the body.
    expect(headers['content-type']).toBeUndefined();
    const body = init.body as FormData;
    expect(body).toBeInstanceOf(FormData);
    const operations = JSON.parse(String(body.get('operations')));
    expect(operations.variables).toEqual({ file: null, from: '+12065550100' });
    expect(operations.query).toMatch(/previewSend\(file: \$file, from: \$from\)/);
    expect(JSON.parse(String(body.get('map')))).toEqual({ 0: ['variables.file'] });
    const part = body.get('0') as File;
    expect(part.name).toBe('rows.csv');
    expect(await part.text()).toBe('destination,text\n+14255550123,Hi\n');
  });
  it('sends other operations as JSON', async () => {
    const { calls, impl } = recordingFetch();
    const client = makeClient('k', () => {}, impl);
    await client.query(gql`query { viewer { role } }`, {}).toPromise();
    const headers = calls[0]!.init.headers as Record<string, string>;
    expect(headers['content-type']).toBe('application/json');
    expect(JSON.parse(String(calls[0]!.init.body))).toMatchObject({ query: expect.stringMatching(/viewer/) });
  });
});
