import { createMiddleware } from 'hono/factory';
import { clientIp } from '../client-ip';
import type { AppEnv } from '../deps';

/** Resolves the client's address once per request (see {@link clientIp}); handlers read `c.get('clientIp')`. */
export function clientAddress(trustedProxies: readonly string[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set('clientIp', clientIp(c, trustedProxies));
    await next();
  });
}
