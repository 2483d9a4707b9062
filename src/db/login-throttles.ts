import { LOCK_SCHEDULE } from '../domain/login-throttle';
import type { Queryable } from './client';

// Keys: the client address for staff sign-in (`<ip>`), `portal:<ip>` for the portal, `reauth:<userId>` for
// re-authentication. The column keeps its first name, `client_ip`.

export type AttemptClaim = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Claims one attempt under the throttle key before the password is checked, in one statement: counts it as a
 * failure and sets the lock `LOCK_SCHEDULE` gives for the new count, unless the key is locked now (then nothing
 * changes and the attempt is refused). Concurrent claims queue on the row, so no more guesses are evaluated than
 * the sequential rule allows; a sign-in that succeeds clears the key ({@link clearLoginFailures}).
 */
export async function claimAttempt(sql: Queryable, accountId: string, key: string): Promise<AttemptClaim> {
  const schedule = [...LOCK_SCHEDULE];
  // A free failure sets no lock (null), not "locked until now()": now() is when a transaction began, so a claim
  // that began a moment earlier and waited on this row would see such a lock as still running.
  const claimed = await sql`
    insert into login_throttles as t (account_id, client_ip, failures, locked_until)
    values (${accountId}, ${key}, 1, now() + make_interval(secs => nullif((${schedule}::int[])[1], 0)))
    on conflict (account_id, client_ip) do update
      set failures = t.failures + 1,
          locked_until = now() + make_interval(
            secs => nullif((${schedule}::int[])[least(t.failures + 1, ${schedule.length})], 0)),
          updated_at = now()
      where t.locked_until is null or t.locked_until <= now()
    returning failures`;
  if (claimed.count === 1) return { allowed: true };
  // Refused: the lock may have been set by a claim that committed after this statement's snapshot, so read it again.
  return { allowed: false, retryAfterSeconds: Math.max(1, await secondsLocked(sql, accountId, key)) };
}

/** Seconds until this key may try again (0 = now). */
export async function secondsLocked(sql: Queryable, accountId: string, clientIp: string): Promise<number> {
  const [row] = await sql<{ seconds: number }[]>`
    select ceil(extract(epoch from (locked_until - now())))::int as seconds
    from login_throttles where account_id = ${accountId} and client_ip = ${clientIp} and locked_until > now()`;
  return row?.seconds ?? 0;
}

/** A successful sign-in or re-check: the key starts from nothing again. */
export async function clearLoginFailures(sql: Queryable, accountId: string, clientIp: string): Promise<void> {
  await sql`delete from login_throttles where account_id = ${accountId} and client_ip = ${clientIp}`;
}
