import { describe, expect, it, vi } from 'vitest';
import { identify, loadSession, roleFromProbe, saveSession, SignInError } from './session';

const forbidden = (...fields: string[]) =>
  fields.map((f) => ({ message: 'no', path: [f], extensions: { code: 'FORBIDDEN' } }));

describe('roleFromProbe', () => {
  it('is admin when nothing is forbidden', () => {
    expect(roleFromProbe([])).toBe('ADMIN');
  });
  it('reads the widest role that was let through', () => {
    expect(roleFromProbe(forbidden('apiKeys', 'optOuts', 'smppAccounts'))).toBe('FINANCE');
    expect(roleFromProbe(forbidden('apiKeys', 'rateCards', 'smppAccounts'))).toBe('COMPLIANCE');
    expect(roleFromProbe(forbidden('apiKeys', 'rateCards', 'optOuts'))).toBe('ACCOUNT_MANAGER');
    expect(
      roleFromProbe(forbidden('apiKeys', 'rateCards', 'optOuts', 'smppAccounts', 'carriers')),
    ).toBe('CUSTOMER');
  });
  it('ignores errors that are not FORBIDDEN', () => {
    expect(roleFromProbe([{ message: 'x', path: ['apiKeys'], extensions: { code: 'INTERNAL' } }] as never)).toBe('ADMIN');
  });
});

function reply(status: number, body: unknown) {
  return vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
}

describe('identify', () => {
  it('refuses an empty key without asking the service', async () => {
    const f = reply(200, {});
    await expect(identify('  ', f)).rejects.toThrow('Enter an API key.');
    expect(f).not.toHaveBeenCalled();
  });

  it('turns a 401 into a bad-key message', async () => {
    const f = reply(401, { data: null, errors: [{ message: 'invalid or revoked API key', extensions: { code: 'UNAUTHENTICATED' } }] });
    await expect(identify('nope', f)).rejects.toBeInstanceOf(SignInError);
    await expect(identify('nope', f)).rejects.toThrow('not valid');
  });

  it('sends the trimmed key as a bearer token and binds customer keys to their customer', async () => {
    const f = reply(200, {
      data: { customers: { edges: [{ node: { id: '7', name: 'Acme' } }] } },
      errors: forbidden('apiKeys', 'rateCards', 'optOuts', 'smppAccounts', 'carriers'),
    });
    const s = await identify(' bo_key ', f);
    expect(s).toEqual({ key: 'bo_key', role: 'CUSTOMER', customerId: '7', customerName: 'Acme' });
    const init = (f.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer bo_key');
  });

  it('does not bind staff keys to a customer', async () => {
    const f = reply(200, { data: { customers: { edges: [{ node: { id: '1', name: 'Demo Co' } }] } } });
    expect(await identify('admin', f)).toMatchObject({ role: 'ADMIN', customerId: null });
  });

  it('reports an unreachable service', async () => {
    const f = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(identify('k', f)).rejects.toThrow('cannot be reached');
  });
});

describe('session storage', () => {
  it('round-trips and clears', () => {
    const s = { key: 'k', role: 'FINANCE' as const, customerId: null, customerName: null };
    saveSession(s);
    expect(loadSession()).toEqual(s);
    saveSession(null);
    expect(loadSession()).toBeNull();
  });
  it('ignores junk', () => {
    sessionStorage.setItem('backoffice.session', '{not json');
    expect(loadSession()).toBeNull();
  });
});
