import { randomBytes } from 'node:crypto';
import { createAccountActivities } from '../../src/activities/account-activities';
import type { Sql } from '../../src/db/client';
import { insertAccountWithOwner } from '../../src/db/signup';
import { createLogger } from '../../src/logger';
import { hashPassword } from '../../src/security/passwords';
import { newToken } from '../../src/security/tokens';
import { TEST_ENV } from './config';

export const TEST_MASTER_KEY = Buffer.from(TEST_ENV.MASTER_KEY, 'base64');

export const FIXTURE_PASSWORD = 'correct horse battery staple';
let fixtureHash: Promise<string> | undefined;
/** One real argon2id hash per test file, shared by every fixture user. */
export function fixturePasswordHash(): Promise<string> {
  fixtureHash ??= hashPassword(FIXTURE_PASSWORD);
  return fixtureHash;
}

export interface SeededTenant {
  accountId: string;
  ownerId: string;
  subdomain: string;
  ownerEmail: string;
  ownerName: string;
}

/** A tenant created by the real signup query, plus extra agents and sessions for deletion to chew on. */
export async function seedTenant(
  sql: Sql,
  options: { agents?: number; sessionsPerUser?: number } = {},
): Promise<SeededTenant> {
  const tag = randomBytes(4).toString('hex');
  const subdomain = `t-${tag}`;
  const ownerEmail = `owner-${tag}@example.test`;
  const ownerName = `Owner Person ${tag}`;
  const passwordHash = await fixturePasswordHash();
  const { accountId, ownerId } = await insertAccountWithOwner(sql, TEST_MASTER_KEY, {
    subdomain,
    name: `Tenant ${tag}`,
    owner: { email: ownerEmail, name: ownerName, passwordHash },
  });
  const agents = options.agents ?? 2;
  if (agents > 0) {
    await sql`
      insert into users (account_id, email, name, role, password_hash)
      select ${accountId}, 'agent' || g || '-' || ${tag} || '@example.test', 'Agent ' || g, 'agent', ${passwordHash}
      from generate_series(1, ${agents}) g`;
  }
  const perUser = options.sessionsPerUser ?? 2;
  if (perUser > 0) {
    const users = await sql<{ id: string }[]>`select id from users where account_id = ${accountId}`;
    for (const user of users) {
      for (let i = 0; i < perUser; i++) {
        await sql`insert into sessions (account_id, user_id, token_hash, expires_at)
                  values (${accountId}, ${user.id}, ${newToken('lsess').hash}, now() + interval '1 day')`;
      }
      await sql`insert into api_tokens (account_id, user_id, name, token_hash)
                values (${accountId}, ${user.id}, 'ci', ${newToken('lapi').hash})`;
    }
  }
  return { accountId, ownerId, subdomain, ownerEmail, ownerName };
}

/** A digest of every row of every table: equal digests mean nothing changed anywhere. */
export async function databaseDigest(sql: Sql): Promise<Record<string, string>> {
  const tables = await sql<{ tablename: string }[]>`
    select tablename from pg_tables where schemaname = 'public' order by tablename`;
  const digest: Record<string, string> = {};
  for (const { tablename } of tables) {
    const [row] = await sql.unsafe<{ d: string }[]>(
      `select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as d from "${tablename}" t`,
    );
    digest[tablename] = row?.d ?? '';
  }
  return digest;
}

/** Rows per table that still name the account (in any account_id column). */
export async function rowsOfAccount(sql: Sql, accountId: string): Promise<Record<string, number>> {
  const tables = await sql<{ tableName: string }[]>`
    select table_name from information_schema.columns
    where table_schema = 'public' and column_name = 'account_id' order by table_name`;
  const counts: Record<string, number> = {};
  for (const { tableName } of tables) {
    const [row] = await sql.unsafe<{ n: number }[]>(
      `select count(*)::int as n from "${tableName}" where account_id = $1`,
      [accountId],
    );
    counts[tableName] = row?.n ?? 0;
  }
  const [account] = await sql`select count(*)::int as n from accounts where id = ${accountId}`;
  counts.accounts = (account?.n as number) ?? 0;
  return counts;
}

/** Suspends a tenant as its workflow would when the trial ends: the state recorded, then access blocked. */
export async function suspendTenant(sql: Sql, accountId: string): Promise<void> {
  const activities = createAccountActivities({ sql, masterKey: TEST_MASTER_KEY, logger: createLogger('silent') });
  await activities.recordAccountState({
    accountId,
    state: 'suspended',
    plan: 'trial',
    suspendedReason: 'trial_expired',
    stateSince: Date.now(),
    transitionIndex: 1,
    from: 'trial',
    cause: 'trial_expired',
  });
  await activities.blockAccess(accountId);
}
