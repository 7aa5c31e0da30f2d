import { describe as group, expect, it } from 'vitest';
import { errorMessages, firstCode, hasCode, splitErrors, validationFields } from './errors';

const validation = {
  graphQLErrors: [
    {
      message: 'invalid input: accountManagerEmail: must be an email address; currency: bad',
      extensions: {
        code: 'VALIDATION',
        fields: [
          { field: 'accountManagerEmail', message: 'must be an email address' },
          { field: 'currency', message: 'must be an ISO 4217 currency code such as USD' },
          { field: 'currency', message: 'second message is not shown' },
          { field: 'perSecondLimit', message: 'must be positive' },
        ],
      },
    },
  ],
};

group('splitErrors', () => {
  it('puts each validation message next to the field the API names', () => {
    const { fields, general } = splitErrors(validation, ['name', 'accountManagerEmail', 'currency']);
    expect(fields).toEqual({
      accountManagerEmail: 'must be an email address',
      currency: 'must be an ISO 4217 currency code such as USD',
    });
    // A field the form does not have is still shown, with its name.
    expect(general).toEqual(['perSecondLimit: must be positive']);
  });

  it('matches snake_case and dotted paths to the camelCase form fields', () => {
    const { fields } = splitErrors(
      {
        graphQLErrors: [
          {
            message: 'invalid',
            extensions: {
              code: 'VALIDATION',
              fields: [
                { field: 'input.billingEmail', message: 'bad billing' },
                { field: 'account_manager_email', message: 'bad am' },
              ],
            },
          },
        ],
      },
      ['billingEmail', 'accountManagerEmail'],
    );
    expect(fields).toEqual({ billingEmail: 'bad billing', accountManagerEmail: 'bad am' });
  });

  it('keeps non-validation errors and validation errors without fields as general messages', () => {
    const { fields, general } = splitErrors(
      {
        graphQLErrors: [
          { message: 'name taken', extensions: { code: 'CONFLICT' } },
          { message: 'FTEU programs are not supported', extensions: { code: 'VALIDATION' } },
        ],
      },
      ['name'],
    );
    expect(fields).toEqual({});
    expect(general).toEqual(['Conflict: name taken', 'FTEU programs are not supported']);
  });

  it('reports a network failure', () => {
    const { general } = splitErrors({ networkError: new Error('Failed to fetch') }, ['name']);
    expect(general).toEqual(['The service cannot be reached (Failed to fetch).']);
  });

  it('returns nothing for no error', () => {
    expect(splitErrors(undefined, ['name'])).toEqual({ fields: {}, general: [] });
  });
});

group('codes', () => {
  it('finds codes and fields', () => {
    expect(firstCode(validation)).toBe('VALIDATION');
    expect(hasCode(validation, 'FORBIDDEN')).toBe(false);
    expect(validationFields(validation)).toHaveLength(4);
    expect(validationFields({ graphQLErrors: [{ message: 'x', extensions: { code: 'VALIDATION', fields: 'junk' } }] })).toEqual([]);
  });

  it('describes errors for people', () => {
    expect(
      errorMessages({
        graphQLErrors: [
          { message: 'the finance role may not do this', extensions: { code: 'FORBIDDEN' } },
          { message: 'internal error', extensions: { code: 'INTERNAL' } },
        ],
      }),
    ).toEqual([
      'Not allowed for your role: the finance role may not do this',
      'The service failed to answer (internal error). Try again; if it persists, check the service logs.',
    ]);
    expect(errorMessages({ message: 'boom' })).toEqual(['boom']);
  });
});
