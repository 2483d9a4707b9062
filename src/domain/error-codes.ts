/**
 * The one catalogue of machine codes. The same string is the HTTP problem `code`, the Temporal failure `type`
 * of activities and update validators, and what tests assert on. Never rename a code: clients depend on it.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  MALFORMED_JSON: 'MALFORMED_JSON',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  ACCOUNT_NOT_FOUND: 'ACCOUNT_NOT_FOUND',
  SUBDOMAIN_TAKEN: 'SUBDOMAIN_TAKEN',
  CONFLICT: 'CONFLICT',
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  /** Lifecycle refusals (409), the same strings as the domain's REFUSAL_CODES. */
  NOT_SUSPENDED: 'NOT_SUSPENDED',
  DELETION_IN_PROGRESS: 'DELETION_IN_PROGRESS',
  ACCOUNT_DELETED: 'ACCOUNT_DELETED',
  INVALID_EVENT: 'INVALID_EVENT',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  /** Login and data requests of an account not in good standing (403). */
  ACCOUNT_SUSPENDED: 'ACCOUNT_SUSPENDED',
  ACCOUNT_REMOVED: 'ACCOUNT_REMOVED',
  SIGNATURE_INVALID: 'SIGNATURE_INVALID',
  CONFIRMATION_MISMATCH: 'CONFIRMATION_MISMATCH',
  TENANT_GONE: 'TENANT_GONE',
  TENANT_NOT_FOUND: 'TENANT_NOT_FOUND',
  TOTP_REQUIRED: 'TOTP_REQUIRED',
  TOTP_INVALID: 'TOTP_INVALID',
  TOTP_ALREADY_ENABLED: 'TOTP_ALREADY_ENABLED',
  TOTP_NOT_ENABLED: 'TOTP_NOT_ENABLED',
  TOTP_NOT_PENDING: 'TOTP_NOT_PENDING',
  /** Basic auth with a password is refused for users with 2FA (API tokens work). */
  BASIC_PASSWORD_WITH_2FA: 'BASIC_PASSWORD_WITH_2FA',
  IP_NOT_ALLOWED: 'IP_NOT_ALLOWED',
  WOULD_LOCK_OUT: 'WOULD_LOCK_OUT',
  TOO_MANY_ATTEMPTS: 'TOO_MANY_ATTEMPTS',
  EMAIL_TAKEN: 'EMAIL_TAKEN',
  /** A portal sign-up code that does not verify: none pending, expired, wrong, out of tries, or a wrong password. */
  VERIFICATION_FAILED: 'VERIFICATION_FAILED',
  NOT_FOUND: 'NOT_FOUND',
  CONSENT_REQUIRED: 'CONSENT_REQUIRED',
  /** Staff reading a tenant's data without a live access grant from its owner. */
  NO_ACCESS_GRANT: 'NO_ACCESS_GRANT',
  /** The address of a person erased at their request (suppression list): no import, no marketing consent. */
  ADDRESS_SUPPRESSED: 'ADDRESS_SUPPRESSED',
  /** An inbound mail that is not a mail, has no sender, or holds text that cannot be stored. */
  MALFORMED_MAIL: 'MALFORMED_MAIL',
  CANNOT_DELETE_OWNER: 'CANNOT_DELETE_OWNER',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  TEMPORAL_UNAVAILABLE: 'TEMPORAL_UNAVAILABLE',
  /** A request outran REQUEST_TIMEOUT: a service it waited on stopped answering. */
  SERVICE_TIMEOUT: 'SERVICE_TIMEOUT',
  INTERNAL: 'INTERNAL',
  /** Any other refusal by the HTTP layer; the status says which. */
  HTTP_ERROR: 'HTTP_ERROR',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
