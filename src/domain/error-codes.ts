/**
 * The one catalogue of machine codes. The same string is the HTTP problem `code`, the Temporal failure `type`
 * of activities and update validators, and what tests assert on. Never rename a code: clients depend on it.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  MALFORMED_JSON: 'MALFORMED_JSON',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  ACCOUNT_NOT_FOUND: 'ACCOUNT_NOT_FOUND',
  SUBDOMAIN_TAKEN: 'SUBDOMAIN_TAKEN',
  CONFLICT: 'CONFLICT',
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  TEMPORAL_UNAVAILABLE: 'TEMPORAL_UNAVAILABLE',
  INTERNAL: 'INTERNAL',
  /** Any other refusal by the HTTP layer; the status says which. */
  HTTP_ERROR: 'HTTP_ERROR',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
