import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { allowedRequests } from '../domain/account-lifecycle';
import { ERROR_CODES } from '../domain/error-codes';
import type { Logger } from '../logger';
import { LifecycleRefusedError } from '../temporal/account-client';
import type { AppEnv } from './deps';
import { ProblemError, PROBLEM_CONTENT_TYPE, problemBody } from './problem';

/** Maps anything thrown by a route to a problem; unknown errors become a logged, detail-free 500. */
export function toProblem(error: unknown): ProblemError | undefined {
  if (error instanceof ProblemError) return error;
  if (error instanceof HTTPException) {
    if (error.status === 413) {
      return new ProblemError(413, ERROR_CODES.PAYLOAD_TOO_LARGE, 'Request body too large');
    }
    if (error.status === 400 && /json/i.test(error.message)) {
      return new ProblemError(400, ERROR_CODES.MALFORMED_JSON, 'Malformed JSON in request body');
    }
    if (error.status === 401) return new ProblemError(401, ERROR_CODES.UNAUTHENTICATED, 'Authentication required');
    if (error.status === 415) {
      return new ProblemError(
        415,
        ERROR_CODES.UNSUPPORTED_MEDIA_TYPE,
        'Unsupported media type',
        'Send the body as the operation documents it (application/json)',
      );
    }
    return new ProblemError(error.status, ERROR_CODES.HTTP_ERROR, error.message || 'Request refused');
  }
  if (error instanceof LifecycleRefusedError) {
    const allowed = error.state === undefined ? undefined : allowedRequests(error.state);
    return new ProblemError(
      409,
      ERROR_CODES.INVALID_TRANSITION,
      'The account’s state does not allow this',
      error.state === undefined
        ? error.code
        : `The account is ${error.state}: ${allowed?.length ? `it allows ${allowed.join(' and ')}` : 'it allows nothing more'}`,
      undefined,
      undefined,
      { reason: error.code, ...(error.state !== undefined ? { state: error.state, allowed } : {}) },
    );
  }
  if (error instanceof WorkflowNotFoundError) {
    return new ProblemError(404, ERROR_CODES.ACCOUNT_NOT_FOUND, 'Not found');
  }
  if (error instanceof WorkflowExecutionAlreadyStartedError) {
    return new ProblemError(409, ERROR_CODES.CONFLICT, 'Already exists');
  }
  if (isTemporalUnavailable(error)) {
    return new ProblemError(
      503,
      ERROR_CODES.TEMPORAL_UNAVAILABLE,
      'Temporal is unreachable; nothing was changed',
      undefined,
      undefined,
      {
        'Retry-After': '5',
      },
    );
  }
  if (isDatabaseUnavailable(error)) {
    return new ProblemError(
      503,
      ERROR_CODES.DATABASE_UNAVAILABLE,
      'The database is unreachable',
      undefined,
      undefined,
      {
        'Retry-After': '5',
      },
    );
  }
  if (isPostgresError(error) && error.code === '57014') {
    // query_canceled: the statement outran DB_STATEMENT_TIMEOUT (a lock held elsewhere, an overloaded server).
    return new ProblemError(
      503,
      ERROR_CODES.DATABASE_UNAVAILABLE,
      'The database did not answer in time',
      undefined,
      undefined,
      { 'Retry-After': '5' },
    );
  }
  if (isPostgresError(error) && error.code === '23505') {
    return new ProblemError(409, ERROR_CODES.CONFLICT, 'Already exists');
  }
  return undefined;
}

export function createErrorHandler(logger: Logger) {
  return (error: unknown, c: Context<AppEnv>): Response => {
    const requestId = c.get('requestId');
    const problem = toProblem(error);
    if (problem === undefined || problem.status >= 500) {
      // Only the error's class and stack: driver messages can echo query parameters.
      logger.error({ requestId, errorClass: (error as Error)?.name, stack: (error as Error)?.stack }, 'request failed');
    }
    const answer = problem ?? new ProblemError(500, ERROR_CODES.INTERNAL, 'Internal server error');
    return c.body(JSON.stringify(problemBody(answer, requestId)), answer.status, {
      'Content-Type': PROBLEM_CONTENT_TYPE,
      ...answer.headers,
    });
  };
}

function isPostgresError(error: unknown): error is { code: string; name: string } {
  return typeof error === 'object' && error !== null && (error as { name?: string }).name === 'PostgresError';
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}

/** gRPC UNAVAILABLE (14) or DEADLINE_EXCEEDED (4) from the Temporal client, or a failed first connect. */
export function isTemporalUnavailable(error: unknown): boolean {
  const e = error as { name?: string; code?: unknown; cause?: unknown } | undefined;
  if (!e) return false;
  if (e.name === 'ServiceError' || e.name === 'TransportError') {
    const cause = e.cause as { code?: unknown } | undefined;
    return cause?.code === 14 || cause?.code === 4 || e.name === 'TransportError';
  }
  if (e.name === 'ConnectionError' || e.name === 'TimeoutError') return true;
  return false;
}
