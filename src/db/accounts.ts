import type { Queryable } from './client';

export interface AccountRow {
  id: string;
  subdomain: string;
  name: string;
  state: string;
  plan: string;
  suspendedReason: string | null;
  stateSince: Date;
  accessBlockedAt: Date | null;
  createdAt: Date;
}

export async function findAccount(sql: Queryable, id: string): Promise<AccountRow | undefined> {
  const [row] = await sql<AccountRow[]>`
    select id, subdomain, name, state, plan, suspended_reason, state_since, access_blocked_at, created_at
    from accounts where id = ${id}`;
  return row;
}

export async function findAccountBySubdomain(sql: Queryable, subdomain: string): Promise<AccountRow | undefined> {
  const [row] = await sql<AccountRow[]>`
    select id, subdomain, name, state, plan, suspended_reason, state_since, access_blocked_at, created_at
    from accounts where subdomain = ${subdomain}`;
  return row;
}

/** The owner's address, for notifications; undefined once the tenant's users are deleted. */
export async function findOwnerEmail(sql: Queryable, accountId: string): Promise<string | undefined> {
  const [row] = await sql<{ email: string }[]>`
    select email from users where account_id = ${accountId} and role = 'owner'`;
  return row?.email;
}

/** States in which the tenant's people may log in and use data. */
export const STATES_WITH_ACCESS = ['trial', 'active', 'past_due'] as const;

export function accountHasAccess(account: Pick<AccountRow, 'state' | 'accessBlockedAt'>): boolean {
  return account.accessBlockedAt === null && (STATES_WITH_ACCESS as readonly string[]).includes(account.state);
}

/**
 * Accounts by exact subdomain and/or by their owner's address (case-insensitive, exact), for staff looking up who
 * wrote to them: ids and subdomains only.
 */
export async function findAccountsFor(
  sql: Queryable,
  filter: { subdomain?: string | undefined; ownerEmail?: string | undefined },
  limit: number,
): Promise<{ id: string; subdomain: string }[]> {
  return sql<{ id: string; subdomain: string }[]>`
    select a.id, a.subdomain from accounts a
    where (${filter.subdomain ?? null}::text is null or a.subdomain = lower(${filter.subdomain ?? null}::text))
      and (${filter.ownerEmail ?? null}::text is null or exists (
        select 1 from users u where u.account_id = a.id and u.role = 'owner'
          and lower(u.email) = lower(${filter.ownerEmail ?? null}::text)))
    order by a.created_at desc limit ${limit}`;
}
