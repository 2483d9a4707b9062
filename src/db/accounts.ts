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
