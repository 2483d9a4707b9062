import { lockSeconds } from '../domain/login-throttle';
import type { Queryable } from './client';

/** Seconds until this account+address may try again (0 = now). */
export async function secondsLocked(sql: Queryable, accountId: string, clientIp: string): Promise<number> {
  const [row] = await sql<{ seconds: number }[]>`
    select ceil(extract(epoch from (locked_until - now())))::int as seconds
    from login_throttles where account_id = ${accountId} and client_ip = ${clientIp} and locked_until > now()`;
  return row?.seconds ?? 0;
}

/** Counts a failure and locks for the time {@link lockSeconds} gives; returns the failure count. */
export async function recordLoginFailure(sql: Queryable, accountId: string, clientIp: string): Promise<number> {
  const [row] = await sql<{ failures: number }[]>`
    insert into login_throttles (account_id, client_ip, failures) values (${accountId}, ${clientIp}, 1)
    on conflict (account_id, client_ip) do update set failures = login_throttles.failures + 1, updated_at = now()
    returning failures`;
  const failures = row?.failures ?? 1;
  const lock = lockSeconds(failures);
  if (lock > 0) {
    await sql`update login_throttles set locked_until = now() + make_interval(secs => ${lock})
              where account_id = ${accountId} and client_ip = ${clientIp}`;
  }
  return failures;
}

export async function clearLoginFailures(sql: Queryable, accountId: string, clientIp: string): Promise<void> {
  await sql`delete from login_throttles where account_id = ${accountId} and client_ip = ${clientIp}`;
}
