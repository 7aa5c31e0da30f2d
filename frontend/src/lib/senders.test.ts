import { describe, expect, it } from 'vitest';
import { authorizationInForce, senderAuthorizationStatus } from './senders';

const demo = {
  reference: 'DEMO-AUTH-001',
  grantedAt: '2026-01-01T00:00:00Z',
  grantedBy: 'Demo Co brand owner',
  withdrawnAt: null,
};
const older = { reference: 'OLD-1', grantedAt: '2025-03-10T12:00:00Z', grantedBy: 'Brand', withdrawnAt: null };
const withdrawn = {
  reference: 'GONE-1',
  grantedAt: '2026-02-01T00:00:00Z',
  grantedBy: 'Brand',
  withdrawnAt: '2026-02-05T09:00:00Z',
};

describe('authorizationInForce', () => {
  it('is null with none, or with every one withdrawn', () => {
    expect(authorizationInForce([])).toBeNull();
    expect(authorizationInForce([withdrawn])).toBeNull();
  });
  it('skips withdrawn ones, however recent their grant', () => {
    expect(authorizationInForce([withdrawn, demo])).toBe(demo);
  });
  it('picks the latest grant date, whatever the order of the list', () => {
    expect(authorizationInForce([older, demo])).toBe(demo);
    expect(authorizationInForce([demo, older])).toBe(demo);
  });
  it('on equal grant dates keeps the first listed (the newest recorded)', () => {
    const again = { ...demo, reference: 'DEMO-AUTH-002' };
    expect(authorizationInForce([again, demo])).toBe(again);
  });
});

describe('senderAuthorizationStatus', () => {
  it('does not apply to phone numbers and short codes', () => {
    for (const kind of ['LONG_CODE', 'TOLL_FREE', 'SHORT_CODE'] as const) {
      expect(senderAuthorizationStatus(kind, [demo])).toEqual({ state: 'NOT_APPLICABLE' });
      expect(senderAuthorizationStatus(kind, undefined)).toEqual({ state: 'NOT_APPLICABLE' });
    }
  });
  it('is hidden when the role could not ask for the list', () => {
    expect(senderAuthorizationStatus('ALPHANUMERIC', undefined)).toEqual({ state: 'HIDDEN' });
    expect(senderAuthorizationStatus('ALPHANUMERIC', null)).toEqual({ state: 'HIDDEN' });
  });
  it('shows the reference and grant day of the authorization in force', () => {
    const s = senderAuthorizationStatus('ALPHANUMERIC', [withdrawn, demo, older]);
    expect(s).toEqual({
      state: 'AUTHORIZED',
      label: 'Authorized',
      color: 'teal',
      authorization: demo,
      detail: 'DEMO-AUTH-001, granted 01 Jan 2026',
      othersInForce: 1,
    });
  });
  it('warns when none is on file', () => {
    expect(senderAuthorizationStatus('ALPHANUMERIC', [])).toEqual({
      state: 'MISSING',
      label: 'No authorization on file',
      color: 'orange',
      detail: null,
    });
  });
  it('warns when every one was withdrawn, saying how many', () => {
    const s = senderAuthorizationStatus('ALPHANUMERIC', [withdrawn, { ...older, withdrawnAt: '2025-04-01T00:00:00Z' }]);
    expect(s).toMatchObject({ state: 'MISSING', label: 'No authorization on file', detail: '2 withdrawn' });
  });
});
