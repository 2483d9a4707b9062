import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode } from '../domain/error-codes';

/** One offending field of a 400, by path; never the submitted value (it may be personal data). */
export interface FieldError {
  path: string;
  message: string;
}

/** An RFC 9457 problem document as Lethe serves it, with the stable machine `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: ErrorCode;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  /** A refused lifecycle request: the refusal, the account's state and what that state allows. */
  reason?: string;
  state?: string;
  allowed?: string[];
}

/** Members a problem of a kind adds (RFC 9457 §3.2 extension members). */
export type ProblemExtensions = Pick<Problem, 'reason' | 'state' | 'allowed'>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * Thrown by routes and middleware for every expected non-2xx answer; the app's `onError` turns it into
 * `application/problem+json`. `detail` must not contain personal data or secrets.
 */
export class ProblemError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
    readonly extensions?: ProblemExtensions,
  ) {
    super(`${status} ${code}: ${title}`);
    this.name = 'ProblemError';
  }
}

export function problemBody(error: ProblemError, requestId: string | undefined): Problem {
  return {
    type: `/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: error.title,
    status: error.status,
    ...(error.detail !== undefined ? { detail: error.detail } : {}),
    code: error.code,
    ...(requestId !== undefined ? { requestId } : {}),
    ...(error.errors !== undefined ? { errors: error.errors } : {}),
    ...error.extensions,
  };
}

/**
 * A refusal that must leave a trace: an attempt counted against a throttle, an audit entry. Thrown inside the
 * request's tenant transaction, it commits what was written before it instead of rolling it back, so throw it only
 * before the handler has changed anything else (re-authentication checks come first for this reason).
 */
export class RecordedRefusal extends ProblemError {
  override readonly name = 'RecordedRefusal';
}
