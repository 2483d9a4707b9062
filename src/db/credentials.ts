import { newToken, sha256Hex } from '../security/tokens';
import type { Queryable } from './client';

export type Role = 'owner' | 'admin' | 'agent';

/** A user as sign-in sees them, with their account's standing. */
export interface SignInUser {
  id: string;
  accountId: string;
  role: Role;
  passwordHash: string;
  totpSecretSealed: Buffer | null;
  totpLastStep: number | null;
  accountState: string;
  accessBlocked: boolean;
}

const SIGN_IN_COLUMNS = `u.id, u.account_id, u.role, u.password_hash, u.totp_secret_sealed, u.totp_last_step::float8 as totp_last_step,
  a.state as account_state, (a.access_blocked_at is not null) as access_blocked`;

export async function findSignInUser(
  sql: Queryable,
  subdomain: string,
  email: string,
): Promise<SignInUser | undefined> {
  const [row] = await sql.unsafe<SignInUser[]>(
    `select ${SIGN_IN_COLUMNS} from users u join accounts a on a.id = u.account_id
     where a.subdomain = $1 and lower(u.email) = lower($2) and u.deletion_requested_at is null`,
    [subdomain.toLowerCase(), email],
  );
  return row;
}

export async function findSignInUserById(sql: Queryable, userId: string): Promise<SignInUser | undefined> {
  const [row] = await sql.unsafe<SignInUser[]>(
    `select ${SIGN_IN_COLUMNS} from users u join accounts a on a.id = u.account_id where u.id = $1`,
    [userId],
  );
  return row;
}

/** The live API token a bearer secret names, with its user; marks it used (at most once a minute). */
export async function findLiveApiToken(
  sql: Queryable,
  token: string,
): Promise<(SignInUser & { tokenId: string }) | undefined> {
  const [row] = await sql.unsafe<(SignInUser & { tokenId: string })[]>(
    `select t.id as token_id, ${SIGN_IN_COLUMNS}
     from api_tokens t join users u on u.id = t.user_id join accounts a on a.id = t.account_id
     where t.token_hash = $1 and t.revoked_at is null and u.deletion_requested_at is null`,
    [sha256Hex(token)],
  );
  if (row) {
    await sql`update api_tokens set last_used_at = now()
              where id = ${row.tokenId} and (last_used_at is null or last_used_at < now() - interval '1 minute')`;
  }
  return row;
}

export async function insertApiToken(
  sql: Queryable,
  accountId: string,
  userId: string,
  name: string,
): Promise<{ id: string; token: string }> {
  const { token, hash } = newToken('lapi');
  const [row] = await sql<{ id: string }[]>`
    insert into api_tokens (account_id, user_id, name, token_hash, display_prefix)
    values (${accountId}, ${userId}, ${name}, ${hash}, ${token.slice(0, 12)})
    returning id`;
  return { id: row?.id ?? '', token };
}

export interface ApiTokenListing {
  id: string;
  name: string;
  displayPrefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export function listApiTokens(sql: Queryable, userId: string): Promise<ApiTokenListing[]> {
  return sql<ApiTokenListing[]>`
    select id, name, display_prefix, created_at, last_used_at from api_tokens
    where user_id = ${userId} and revoked_at is null order by created_at`;
}

/** @returns whether a live token of this user was revoked. */
export async function revokeApiToken(sql: Queryable, userId: string, tokenId: string): Promise<boolean> {
  const result = await sql`update api_tokens set revoked_at = now()
                           where id = ${tokenId} and user_id = ${userId} and revoked_at is null`;
  return result.count === 1;
}

export async function updatePasswordHash(sql: Queryable, userId: string, passwordHash: string): Promise<void> {
  await sql`update users set password_hash = ${passwordHash}, password_changed_at = now(), updated_at = now()
            where id = ${userId}`;
}

/** Revokes the user's live sessions, but for `keepSessionId` (the caller's own); returns how many. */
export async function revokeUserSessions(sql: Queryable, userId: string, keepSessionId?: string): Promise<number> {
  const result = await sql`update sessions set revoked_at = now()
                           where user_id = ${userId} and revoked_at is null
                             ${keepSessionId === undefined ? sql`` : sql`and id <> ${keepSessionId}`}`;
  return result.count;
}

/** Revokes every live API token of the user; returns how many. */
export async function revokeUserApiTokens(sql: Queryable, userId: string): Promise<number> {
  const result = await sql`update api_tokens set revoked_at = now() where user_id = ${userId} and revoked_at is null`;
  return result.count;
}

/**
 * Marks a user whose deletion was accepted: sign-in and every credential of theirs stop working at once, while the
 * erasure workflow removes the row later. Returns false when no such user (or the owner, who is never deleted so).
 */
export async function markUserDeletionRequested(sql: Queryable, userId: string): Promise<boolean> {
  const result = await sql`update users set deletion_requested_at = coalesce(deletion_requested_at, now())
                           where id = ${userId} and role <> 'owner'`;
  return result.count === 1;
}

/** Consumes one unused recovery code; false when it does not exist or was used. */
export async function consumeRecoveryCode(sql: Queryable, userId: string, codeHash: string): Promise<boolean> {
  const result = await sql`update recovery_codes set used_at = now()
                           where user_id = ${userId} and code_hash = ${codeHash} and used_at is null`;
  return result.count === 1;
}

/** Records the TOTP step just accepted, refusing to go backwards (a concurrent older code loses). */
export async function recordTotpStep(sql: Queryable, userId: string, step: number): Promise<boolean> {
  const result = await sql`update users set totp_last_step = ${step}
                           where id = ${userId} and (totp_last_step is null or totp_last_step < ${step})`;
  return result.count === 1;
}

export async function findIpAllowlist(sql: Queryable, accountId: string): Promise<string[]> {
  const [row] = await sql<{ cidrs: string[] }[]>`select cidrs from ip_allowlists where account_id = ${accountId}`;
  return row?.cidrs ?? [];
}
