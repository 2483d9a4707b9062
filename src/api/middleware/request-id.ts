import { createMiddleware } from 'hono/factory';
import { randomUUID } from 'node:crypto';
import type { AppEnv } from '../deps';

const INCOMING = /^[A-Za-z0-9._-]{8,128}$/;

/** Takes a well-formed `X-Request-Id` from a proxy, else makes one; echoes it and exposes it to handlers. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header('x-request-id');
  const id = incoming !== undefined && INCOMING.test(incoming) ? incoming : randomUUID();
  c.set('requestId', id);
  c.header('X-Request-Id', id);
  await next();
});
