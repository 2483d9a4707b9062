import { newToken, sha256Hex } from '../security/tokens';
import type { Queryable } from './client';

/** How long a login session lasts. */
export const SESSION_TTL_MS = 12 * 3_600_000;

export interface SessionPrincipal {
  sessionId: string;
  userId: string;
  accountId: string;
  role: 'owner' | 'admin' | 'agent';
  accountState: string;
  accessBlocked: boolean;
}

/** Creates a session; the token is returned once and only its SHA-256 is stored. */
export async function insertSession(
  sql: Queryable,
  accountId: string,
  userId: string,
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const { token, hash } = newToken('lsess');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await sql`insert into sessions (account_id, user_id, token_hash, expires_at)
            values (${accountId}, ${userId}, ${hash}, ${expiresAt})`;
  return { token, expiresAt };
}

/** The live (unexpired, unrevoked) session a bearer token names, with its account's standing. */
export async function findLiveSession(sql: Queryable, token: string): Promise<SessionPrincipal | undefined> {
  const [row] = await sql<SessionPrincipal[]>`
    select s.id as session_id, s.user_id, s.account_id, u.role, a.state as account_state,
           (a.access_blocked_at is not null) as access_blocked
    from sessions s join users u on u.id = s.user_id join accounts a on a.id = s.account_id
    where s.token_hash = ${sha256Hex(token)} and s.revoked_at is null and s.expires_at > now()
      and u.deletion_requested_at is null`;
  return row;
}

export async function revokeSession(sql: Queryable, sessionId: string): Promise<void> {
  await sql`update sessions set revoked_at = now() where id = ${sessionId} and revoked_at is null`;
}
