import { suppressionHash, suppressionKey } from '../security/suppression';
import type { Queryable } from './client';
import { loadTenantKey } from './tenant-keys';

/** The tenant's suppression key, or undefined once its data key was destroyed (nothing can be checked then). */
async function keyOf(db: Queryable, masterKey: Buffer, accountId: string): Promise<Buffer | undefined> {
  const dataKey = await loadTenantKey(db, masterKey, accountId);
  return dataKey ? suppressionKey(dataKey) : undefined;
}

/** Puts addresses on the tenant's suppression list (idempotent). */
export async function suppressAddresses(
  db: Queryable,
  masterKey: Buffer,
  accountId: string,
  addresses: readonly string[],
): Promise<void> {
  const key = await keyOf(db, masterKey, accountId);
  if (!key || addresses.length === 0) return;
  const hashes = [...new Set(addresses.map((a) => suppressionHash(key, a).toString('hex')))];
  await db`
    insert into suppressed_addresses (account_id, address_hash)
    select ${accountId}, decode(h, 'hex') from unnest(${hashes}::text[]) as h
    on conflict do nothing`;
}

/** Whether an erased person's address: imports and marketing consents for it are refused. */
export async function isSuppressed(
  db: Queryable,
  masterKey: Buffer,
  accountId: string,
  address: string,
): Promise<boolean> {
  const key = await keyOf(db, masterKey, accountId);
  if (!key) return false;
  const [row] = await db`
    select 1 from suppressed_addresses where account_id = ${accountId} and address_hash = ${suppressionHash(key, address)}`;
  return row !== undefined;
}
