import type { Queryable } from './client';

/**
 * Moves everything the public chat form recorded under `email` (unverified contacts: their tickets, their messages,
 * their consents) to `contactId`, then deletes those contacts. Only for a caller who proved the address (the
 * portal's emailed code): until then such records are nobody's. Returns how many unverified contacts were claimed.
 */
export async function claimUnverifiedContacts(
  db: Queryable,
  accountId: string,
  contactId: string,
  email: string,
): Promise<number> {
  const aliases = db`
    select id from contacts
    where account_id = ${accountId} and unverified and id <> ${contactId} and lower(email) = lower(${email})`;
  await db`update tickets set contact_id = ${contactId} where account_id = ${accountId} and contact_id in (${aliases})`;
  await db`update messages set author_contact_id = ${contactId}
           where account_id = ${accountId} and author_contact_id in (${aliases})`;
  await db`update consents set contact_id = ${contactId} where account_id = ${accountId} and contact_id in (${aliases})`;
  return (await db`delete from contacts where id in (${aliases})`).count;
}
