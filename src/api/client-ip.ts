import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

/** The socket peer's address (X-Forwarded-For handling with TRUSTED_PROXIES belongs to the security issue). */
export function clientIp(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    // app.request() in tests has no socket.
    return null;
  }
}
