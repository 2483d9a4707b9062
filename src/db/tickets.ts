import type { Queryable } from './client';

export interface NewAttachment {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export type Channel = 'email' | 'chat' | 'phone' | 'portal';

export interface NewContact {
  email: string;
  name: string;
  phone?: string | undefined;
  address?: string | undefined;
  custom?: Record<string, unknown> | undefined;
  ip?: string | null | undefined;
}

/**
 * Adds a contact. `unverified` marks one made from an address nobody proved to own (the public pre-chat form): it is
 * never merged with, nor linked to, anybody's record by that address.
 */
export async function insertContact(
  db: Queryable,
  accountId: string,
  contact: NewContact,
  options: { unverified?: boolean } = {},
): Promise<string> {
  const [row] = await db<{ id: string }[]>`
    insert into contacts (account_id, email, name, phone, address, custom, ip, unverified)
    values (${accountId}, ${contact.email}, ${contact.name}, ${contact.phone ?? null}, ${contact.address ?? null},
            ${db.json((contact.custom ?? {}) as never)}, ${contact.ip ?? null}, ${options.unverified ?? false})
    returning id`;
  return row?.id ?? '';
}

/**
 * The tenant's contact with this address whom the tenant knows (made by its staff, or verified before), or a new
 * one. Only for callers that proved the address: the portal's emailed code, or the OAuth provider through the
 * operator-only callback. Unverified contacts (from the pre-chat form) are never picked.
 */
export async function findOrInsertVerifiedContact(
  db: Queryable,
  accountId: string,
  contact: NewContact,
): Promise<string> {
  const [existing] = await db<{ id: string }[]>`
    select id from contacts where account_id = ${accountId} and lower(email) = lower(${contact.email}) and not unverified
    order by created_at limit 1`;
  return existing?.id ?? insertContact(db, accountId, contact);
}

/** Adds a message (and its attachments) to a ticket; returns the message id. */
export async function insertMessage(
  db: Queryable,
  accountId: string,
  ticketId: string,
  author: { kind: 'contact'; contactId: string | null } | { kind: 'agent'; userId: string },
  body: string,
  attachments: readonly NewAttachment[] = [],
): Promise<string> {
  const [message] = await db<{ id: string }[]>`
    insert into messages (account_id, ticket_id, author_kind, author_user_id, author_contact_id, body)
    values (${accountId}, ${ticketId}, ${author.kind}, ${author.kind === 'agent' ? author.userId : null},
            ${author.kind === 'contact' ? author.contactId : null}, ${body})
    returning id`;
  const messageId = message?.id ?? '';
  for (const a of attachments) {
    await db`insert into attachments (account_id, message_id, filename, content_type, size, bytes)
             values (${accountId}, ${messageId}, ${a.filename}, ${a.contentType}, ${a.bytes.length}, ${a.bytes})`;
  }
  await db`update tickets set updated_at = now() where id = ${ticketId}`;
  return messageId;
}

export async function insertTicket(
  db: Queryable,
  accountId: string,
  ticket: { contactId: string | null; channel: Channel; subject: string },
): Promise<string> {
  const [row] = await db<{ id: string }[]>`
    insert into tickets (account_id, contact_id, channel, subject)
    values (${accountId}, ${ticket.contactId}, ${ticket.channel}, ${ticket.subject})
    returning id`;
  return row?.id ?? '';
}

export async function recordConsent(
  db: Queryable,
  accountId: string,
  consent: { contactId: string; purpose: string; noticeVersion: string; granted: boolean; ip: string | null },
): Promise<void> {
  await db`insert into consents (account_id, contact_id, purpose, notice_version, granted, ip)
           values (${accountId}, ${consent.contactId}, ${consent.purpose}, ${consent.noticeVersion}, ${consent.granted},
                   ${consent.ip})`;
}
