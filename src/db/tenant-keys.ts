import { generateDataKey, unwrapKey, wrapKey } from '../security/secret-box';
import type { Queryable } from './client';

/** Creates the tenant's data key, wrapped by the master key with the account id bound in. */
export async function insertTenantKey(sql: Queryable, masterKey: Buffer, accountId: string): Promise<void> {
  const wrapped = wrapKey(masterKey, generateDataKey(), accountId);
  await sql`insert into tenant_keys (account_id, wrapped_key) values (${accountId}, ${wrapped})`;
}

/** The tenant's data key, or undefined once it has been destroyed (crypto-shredded). */
export async function loadTenantKey(sql: Queryable, masterKey: Buffer, accountId: string): Promise<Buffer | undefined> {
  const [row] = await sql<
    { wrappedKey: Buffer }[]
  >`select wrapped_key from tenant_keys where account_id = ${accountId}`;
  return row ? unwrapKey(masterKey, row.wrappedKey, accountId) : undefined;
}
