import type { Sql } from './client';
import { insertTenantKey } from './tenant-keys';

export interface NewAccount {
  subdomain: string;
  name: string;
  owner: { email: string; name: string; passwordHash: string };
}

/** Default configuration of a new tenant (what removal stashes and reactivation restores). */
export const DEFAULT_SETTINGS = {
  widget: { enabled: true, greeting: 'default' },
  businessHours: { timezone: 'UTC', days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' },
} as const;

/**
 * Creates, in one transaction, the account, its public subdomain, default configuration, the owner and the
 * tenant's data key. A taken subdomain fails with PostgreSQL's unique violation (23505).
 */
export async function insertAccountWithOwner(
  sql: Sql,
  masterKey: Buffer,
  account: NewAccount,
): Promise<{ accountId: string; ownerId: string; createdAt: Date }> {
  return sql.begin(async (tx) => {
    const [row] = await tx<{ id: string; createdAt: Date }[]>`
      insert into accounts (subdomain, name) values (${account.subdomain}, ${account.name})
      returning id, created_at`;
    if (!row) throw new Error('insert into accounts returned nothing');
    await tx`insert into account_domains (subdomain, account_id) values (${account.subdomain}, ${row.id})`;
    await tx`insert into account_settings (account_id, settings) values (${row.id}, ${tx.json(DEFAULT_SETTINGS)})`;
    const [owner] = await tx<{ id: string }[]>`
      insert into users (account_id, email, name, role, password_hash)
      values (${row.id}, ${account.owner.email}, ${account.owner.name}, 'owner', ${account.owner.passwordHash})
      returning id`;
    await insertTenantKey(tx, masterKey, row.id);
    return { accountId: row.id, ownerId: owner?.id ?? '', createdAt: row.createdAt };
  });
}

/** Undoes a signup whose workflow could not be started, so no account exists without its lifecycle. */
export async function deleteUnstartedAccount(sql: Sql, accountId: string): Promise<void> {
  await sql`delete from accounts where id = ${accountId}`;
}
