import { newToken, sha256Hex } from '../security/tokens';
import type { Queryable } from './client';

/** How long an end user's portal session lasts. */
export const PORTAL_SESSION_TTL_MS = 12 * 3_600_000;

export async function insertPortalSession(
  db: Queryable,
  accountId: string,
  contactId: string,
): Promise<{ token: string; expiresAt: Date }> {
  const { token, hash } = newToken('lport');
  const expiresAt = new Date(Date.now() + PORTAL_SESSION_TTL_MS);
  await db`insert into portal_sessions (account_id, contact_id, token_hash, expires_at)
           values (${accountId}, ${contactId}, ${hash}, ${expiresAt})`;
  return { token, expiresAt };
}

export interface PortalPrincipal {
  contactId: string;
  accountId: string;
  accountState: string;
  accessBlocked: boolean;
}

export async function findLivePortalSession(db: Queryable, token: string): Promise<PortalPrincipal | undefined> {
  const [row] = await db<PortalPrincipal[]>`
    select s.contact_id, s.account_id, a.state as account_state, (a.access_blocked_at is not null) as access_blocked
    from portal_sessions s join accounts a on a.id = s.account_id
    where s.token_hash = ${sha256Hex(token)} and s.revoked_at is null and s.expires_at > now()`;
  return row;
}

/** A tenant as the public portal and pre-chat form find it: only while its subdomain resolves. */
export async function findLiveTenant(
  db: Queryable,
  subdomain: string,
): Promise<{ id: string; state: string; accessBlocked: boolean; live: boolean } | undefined> {
  const [tenant] = await db<{ id: string; state: string; accessBlocked: boolean; live: boolean }[]>`
    select a.id, a.state, (a.access_blocked_at is not null) as access_blocked, (d.subdomain is not null) as live
    from accounts a left join account_domains d on d.account_id = a.id and d.subdomain = a.subdomain
    where a.subdomain = ${subdomain.toLowerCase()}`;
  return tenant;
}
