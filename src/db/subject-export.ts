import type { Queryable } from './client';

/**
 * Everything Lethe holds about one contact, as one machine-readable document (access and portability): the
 * contact, identities (without password hashes), consents, saved searches, and their tickets with every message
 * and attachment (bytes base64). Runs inside the tenant's transaction, so it can only see that tenant's rows.
 */
export async function exportContact(db: Queryable, contactId: string): Promise<Record<string, unknown> | undefined> {
  const [contact] =
    await db`select id, email, name, phone, address, custom, ip, created_at from contacts where id = ${contactId}`;
  if (!contact) return undefined;
  const identities = await db`
    select id, provider, provider_user_id, email, created_at from contact_identities where contact_id = ${contactId} order by created_at`;
  const consents = await db`
    select purpose, notice_version, granted, ip, recorded_at from consents where contact_id = ${contactId} order by recorded_at, id`;
  const savedSearches =
    await db`select name, query, created_at from saved_searches where contact_id = ${contactId} order by created_at`;
  const tickets = await db<{ id: string }[]>`
    select id, channel, subject, status, trashed_at, created_at from tickets where contact_id = ${contactId} order by created_at`;
  const messages = await db<{ id: string; ticketId: string }[]>`
    select m.id, m.ticket_id, m.author_kind, m.body, m.created_at from messages m join tickets t on t.id = m.ticket_id
    where t.contact_id = ${contactId} order by m.created_at, m.id`;
  const attachments = await db<{ messageId: string; bytes: Buffer }[]>`
    select a.message_id, a.filename, a.content_type, a.size, a.bytes from attachments a
    join messages m on m.id = a.message_id join tickets t on t.id = m.ticket_id
    where t.contact_id = ${contactId} order by a.created_at, a.id`;
  return {
    format: 'lethe.subject-export.v1',
    exportedAt: new Date().toISOString(),
    contact,
    identities,
    consents,
    savedSearches,
    tickets: tickets.map((t) => ({
      ...t,
      messages: messages
        .filter((m) => m.ticketId === t.id)
        .map(({ ticketId: _, ...m }) => ({
          ...m,
          attachments: attachments
            .filter((a) => a.messageId === m.id)
            .map(({ messageId: __, bytes, ...a }) => ({ ...a, contentBase64: bytes.toString('base64') })),
        })),
    })),
  };
}
