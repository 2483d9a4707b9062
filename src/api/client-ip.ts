import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { resolveClientAddress } from '../security/client-address';
import type { AppEnv } from './deps';

/**
 * The client's address: the socket peer, or — only when the peer is in TRUSTED_PROXIES — the right-most untrusted
 * address of X-Forwarded-For. Null when there is no socket (app.request() without bindings).
 */
export function clientIp(c: Context<AppEnv>, trustedProxies: readonly string[] = []): string | null {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    peer = undefined;
  }
  return resolveClientAddress(peer, c.req.header('x-forwarded-for'), trustedProxies) ?? null;
}
