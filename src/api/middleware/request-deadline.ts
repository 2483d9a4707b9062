import { createMiddleware } from 'hono/factory';
import { ERROR_CODES } from '../../domain/error-codes';
import { ProblemError } from '../problem';

/** Hono context variables this middleware sets. */
export interface DeadlineEnv {
  Variables: {
    /** Aborted when the request ran out of time: its tenant transaction must then roll back, never commit. */
    deadline: AbortSignal;
  };
}

/**
 * Answers 503 `SERVICE_TIMEOUT` when a request has not finished within `ms`. PostgreSQL's own statement timeout
 * cannot help when the server stops answering altogether (frozen, a dead network path): a query then waits on its
 * socket, and a request waits for a pooled connection behind it, for as long as that lasts. The abandoned work goes
 * on until the service answers; the tenant transaction it runs in sees the aborted signal and rolls back.
 */
export function requestDeadline(ms: number) {
  return createMiddleware<DeadlineEnv>(async (c, next) => {
    const controller = new AbortController();
    c.set('deadline', controller.signal);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(
          new ProblemError(
            503,
            ERROR_CODES.SERVICE_TIMEOUT,
            'A service this request needs did not answer in time; what it would have changed in its account was not committed',
            undefined,
            undefined,
            { 'Retry-After': '5' },
          ),
        );
      }, ms);
    });
    const work = next();
    // Settles later, once the service answers; its outcome has been told already.
    work.catch(() => undefined);
    try {
      await Promise.race([work, expired]);
    } finally {
      clearTimeout(timer);
    }
  });
}
