import { describe, expect, it } from 'vitest';
import { changedFields } from './CustomerForm';

describe('changedFields', () => {
  it('sends only what changed', () => {
    const before = { name: 'A', accountManagerEmail: 'a@x.io', billingEmail: 'b@x.io', currency: 'USD', status: 'ACTIVE' as const };
    expect(changedFields(before, { ...before })).toEqual({});
    expect(changedFields(before, { ...before, name: 'B', status: 'SUSPENDED' })).toEqual({ name: 'B', status: 'SUSPENDED' });
  });
});
