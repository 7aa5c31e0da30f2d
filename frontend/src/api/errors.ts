// What the API says went wrong, in the shapes the pages need. The service puts a stable code
// in `extensions.code`, and for VALIDATION the bad fields as `extensions.fields`, named with
// the GraphQL (camelCase) input field names.

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VALIDATION'
  | 'CONFLICT'
  | 'INTERNAL';

/** The part of a GraphQL error we read; urql's `GraphQLError` and plain JSON both fit. */
export interface ApiError {
  message: string;
  extensions?: Record<string, unknown> | null | undefined;
}

/** Either urql's `CombinedError` or the parsed errors of a raw response. */
export interface ErrorLike {
  graphQLErrors?: readonly ApiError[];
  networkError?: Error | undefined;
  message?: string;
}

export interface FieldError {
  field: string;
  message: string;
}

function isFieldError(v: unknown): v is FieldError {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as FieldError).field === 'string' &&
    typeof (v as FieldError).message === 'string'
  );
}

export function errorCode(e: ApiError): string | undefined {
  const code = e.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The first code among the errors, if any carries one. */
export function firstCode(error: ErrorLike | null | undefined): string | undefined {
  for (const e of error?.graphQLErrors ?? []) {
    const code = errorCode(e);
    if (code) return code;
  }
  return undefined;
}

export function hasCode(error: ErrorLike | null | undefined, code: ErrorCode): boolean {
  return (error?.graphQLErrors ?? []).some((e) => errorCode(e) === code);
}

/** Every `{field, message}` of the VALIDATION errors. */
export function validationFields(error: ErrorLike | null | undefined): FieldError[] {
  const out: FieldError[] = [];
  for (const e of error?.graphQLErrors ?? []) {
    if (errorCode(e) !== 'VALIDATION') continue;
    const fields = e.extensions?.fields;
    if (Array.isArray(fields)) out.push(...fields.filter(isFieldError));
  }
  return out;
}

/**
 * Splits an error between the fields a form shows and the rest. `fields` maps a form field to
 * its first message; a field the API names with a path (`input.name`) or in another case
 * (`account_manager_email`) still lands on the form field it means. `general` holds what no
 * field of the form can show: other codes, unknown fields, network trouble.
 */
export function splitErrors(
  error: ErrorLike | null | undefined,
  formFields: readonly string[],
): { fields: Record<string, string>; general: string[] } {
  const fields: Record<string, string> = {};
  const general: string[] = [];
  if (!error) return { fields, general };
  const byKey = new Map(formFields.map((f) => [normalize(f), f]));
  for (const { field, message } of validationFields(error)) {
    const target = byKey.get(normalize(field.split('.').pop() ?? field));
    if (target !== undefined) {
      fields[target] ??= message;
    } else {
      general.push(field ? `${field}: ${message}` : message);
    }
  }
  for (const e of error.graphQLErrors ?? []) {
    const code = errorCode(e);
    if (code === 'VALIDATION' && validationFields({ graphQLErrors: [e] }).length > 0) continue;
    general.push(describe(e));
  }
  if (error.networkError) general.push(networkMessage(error.networkError));
  return { fields, general };
}

function normalize(field: string): string {
  return field.replace(/[_-]/g, '').toLowerCase();
}

/** One line a person can act on, for an error that is not about a form field. */
export function describe(e: ApiError): string {
  switch (errorCode(e)) {
    case 'UNAUTHENTICATED':
      return 'Your session is no longer valid: sign in again.';
    case 'FORBIDDEN':
      return `Not allowed for your role: ${e.message}`;
    case 'NOT_FOUND':
      return `Not found: ${e.message}`;
    case 'CONFLICT':
      return `Conflict: ${e.message}`;
    case 'INTERNAL':
      return 'The service failed to answer (internal error). Try again; if it persists, check the service logs.';
    default:
      return e.message;
  }
}

function networkMessage(err: Error): string {
  return `The service cannot be reached (${err.message}).`;
}

/** Every message of an error, for alerts and notifications. */
export function errorMessages(error: ErrorLike | null | undefined): string[] {
  if (!error) return [];
  const out = (error.graphQLErrors ?? []).map(describe);
  if (error.networkError) out.push(networkMessage(error.networkError));
  if (out.length === 0 && error.message) out.push(error.message);
  return out;
}
