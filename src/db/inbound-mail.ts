import { createHash } from 'node:crypto';
import type { Queryable } from './client';
import { insertContact, insertMessage, insertTicket } from './tickets';
import type { NewAttachment } from './tickets';

/** What is stored of one received mail (already parsed and checked). */
export interface ReceivedMail {
  /** Message-ID, or undefined when the mail has none. */
  messageId: string | undefined;
  /** In-Reply-To first, then References: the mails this one answers. */
  replyTo: readonly string[];
  from: { address: string; name: string };
  subject: string;
  text: string;
  /** The headers the spam filter reads; not stored. */
  headers?: Record<string, string>;
  attachments: readonly NewAttachment[];
}

export interface StoredMail {
  ticketId: string;
  messageId: string;
  /** A new conversation (a ticket opened), as opposed to a reply added to one. */
  opened: boolean;
  /** The same mail was received before; nothing was stored this time. */
  duplicate: boolean;
}

/** Message-IDs compare without their angle brackets and surrounding space. */
function normalisedId(id: string): string {
  return id.trim().replace(/^<|>$/g, '');
}

/** The idempotency and threading key: SHA-256 of the Message-ID, or of the raw bytes when there is none. */
export function mailKey(messageId: string | undefined, raw: Uint8Array): string {
  const hash = createHash('sha256');
  return (messageId ? hash.update(`id:${normalisedId(messageId)}`, 'utf8') : hash.update('raw:').update(raw)).digest(
    'hex',
  );
}

/**
 * Stores a mail inside the tenant's transaction: a reply to a mail of a live ticket joins that ticket, anything else
 * opens an email ticket. The sender's address proves nothing (anyone can write any From), so a new conversation
 * gets a new unverified contact, never an existing person's record (the identity rule of the pre-chat form); a reply
 * from the ticket's contact's address is theirs, and another sender in the thread gets one unverified contact.
 */
export async function storeInboundMail(
  db: Queryable,
  accountId: string,
  key: string,
  mail: ReceivedMail,
): Promise<StoredMail> {
  // Concurrent deliveries of one mail queue here, so exactly one stores it and the rest see the duplicate.
  await db`select pg_advisory_xact_lock(hashtextextended(${`inbound:${accountId}:${key}`}, 0))`;
  const [seen] = await db<{ ticketId: string; messageId: string }[]>`
    select ticket_id, message_id from inbound_mail where account_id = ${accountId} and key_hash = ${key}`;
  if (seen) return { ...seen, opened: false, duplicate: true };

  const references = mail.replyTo.map((id) => mailKey(id, new Uint8Array()));
  const [thread] =
    references.length === 0
      ? []
      : await db<{ ticketId: string; contactId: string | null; contactEmail: string | null }[]>`
          select t.id as ticket_id, t.contact_id, c.email as contact_email
          from inbound_mail i join tickets t on t.id = i.ticket_id left join contacts c on c.id = t.contact_id
          where i.account_id = ${accountId} and i.key_hash = any (${references}) and t.trashed_at is null
          order by i.received_at desc limit 1`;

  let ticketId: string;
  let authorId: string;
  if (thread) {
    ticketId = thread.ticketId;
    authorId =
      thread.contactId && thread.contactEmail?.toLowerCase() === mail.from.address.toLowerCase()
        ? thread.contactId
        : await threadParticipant(db, accountId, ticketId, mail.from);
  } else {
    authorId = await insertContact(db, accountId, contactOf(mail.from), { unverified: true });
    ticketId = await insertTicket(db, accountId, { contactId: authorId, channel: 'email', subject: mail.subject });
  }
  const messageId = await insertMessage(
    db,
    accountId,
    ticketId,
    { kind: 'contact', contactId: authorId },
    mail.text,
    mail.attachments,
  );
  await db`insert into inbound_mail (account_id, key_hash, ticket_id, message_id)
           values (${accountId}, ${key}, ${ticketId}, ${messageId})`;
  return { ticketId, messageId, opened: !thread, duplicate: false };
}

const contactOf = (from: { address: string; name: string }) => ({ email: from.address, name: from.name });

/** The unverified contact that wrote in this thread from this address before, or a new one. */
async function threadParticipant(
  db: Queryable,
  accountId: string,
  ticketId: string,
  from: { address: string; name: string },
): Promise<string> {
  const [earlier] = await db<{ id: string }[]>`
    select c.id from contacts c
    where c.account_id = ${accountId} and c.unverified and lower(c.email) = lower(${from.address})
      and exists (select 1 from messages m where m.ticket_id = ${ticketId} and m.author_contact_id = c.id)
    limit 1`;
  return earlier?.id ?? insertContact(db, accountId, contactOf(from), { unverified: true });
}
