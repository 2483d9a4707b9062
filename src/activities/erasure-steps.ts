import type { ErasureStep } from '../domain/erasure-plan';

/** The subject contact's address, lower-cased ($2 is the contact). */
const SUBJECT_EMAIL = `select lower(email) from contacts where id = $2`;
/** Other contacts made by the public chat form from the subject's address (unverified, never the subject itself). */
const ALIASES = `select id from contacts
  where account_id = $1 and unverified and id <> $2 and lower(email) = (${SUBJECT_EMAIL})`;

/**
 * For each step, the SQL that picks one batch of row ids ($1 account, $2 subject, $3 batch size) and the table the
 * batch is deleted from. `agent_messages_detached` updates instead of deleting: the messages stay, authorless.
 */
export const STEP_SQL: Record<ErasureStep, { table: string; pick: string; action?: 'detach_agent' }> = {
  contact_pending_signups: {
    table: 'portal_verifications',
    pick: `select id from portal_verifications where account_id = $1 and lower(email) = (${SUBJECT_EMAIL}) limit $3`,
  },
  contact_pending_mail: {
    table: 'notification_outbox',
    pick: `select id from notification_outbox
           where account_id = $1 and status = 'pending' and lower(recipient) = (${SUBJECT_EMAIL}) limit $3`,
  },
  alias_attachments: {
    table: 'attachments',
    pick: `select a.id from attachments a join messages m on m.id = a.message_id join tickets t on t.id = m.ticket_id
           where a.account_id = $1 and (t.contact_id in (${ALIASES}) or m.author_contact_id in (${ALIASES})) limit $3`,
  },
  alias_messages: {
    table: 'messages',
    pick: `select m.id from messages m join tickets t on t.id = m.ticket_id
           where m.account_id = $1 and (t.contact_id in (${ALIASES}) or m.author_contact_id in (${ALIASES})) limit $3`,
  },
  alias_tickets: {
    table: 'tickets',
    pick: `select id from tickets where account_id = $1 and contact_id in (${ALIASES}) limit $3`,
  },
  alias_consents: {
    table: 'consents',
    pick: `select id from consents where account_id = $1 and contact_id in (${ALIASES}) limit $3`,
  },
  alias_contacts: { table: 'contacts', pick: `${ALIASES} limit $3` },
  contact_attachments: {
    table: 'attachments',
    pick: `select a.id from attachments a join messages m on m.id = a.message_id join tickets t on t.id = m.ticket_id
           where a.account_id = $1 and (t.contact_id = $2 or m.author_contact_id = $2) limit $3`,
  },
  contact_messages: {
    table: 'messages',
    pick: `select m.id from messages m join tickets t on t.id = m.ticket_id
           where m.account_id = $1 and (t.contact_id = $2 or m.author_contact_id = $2) limit $3`,
  },
  contact_tickets: {
    table: 'tickets',
    pick: `select id from tickets where account_id = $1 and contact_id = $2 limit $3`,
  },
  contact_consents: {
    table: 'consents',
    pick: `select id from consents where account_id = $1 and contact_id = $2 limit $3`,
  },
  contact_saved_searches: {
    table: 'saved_searches',
    pick: `select id from saved_searches where account_id = $1 and contact_id = $2 limit $3`,
  },
  contact_oauth_tokens: {
    table: 'oauth_tokens',
    pick: `select o.id from oauth_tokens o join contact_identities i on i.id = o.identity_id
           where o.account_id = $1 and i.contact_id = $2 limit $3`,
  },
  contact_portal_sessions: {
    table: 'portal_sessions',
    pick: `select id from portal_sessions where account_id = $1 and contact_id = $2 limit $3`,
  },
  contact_identities: {
    table: 'contact_identities',
    pick: `select id from contact_identities where account_id = $1 and contact_id = $2 limit $3`,
  },
  contact: { table: 'contacts', pick: `select id from contacts where account_id = $1 and id = $2 limit $3` },
  ticket_attachments: {
    table: 'attachments',
    pick: `select a.id from attachments a join messages m on m.id = a.message_id
           where a.account_id = $1 and m.ticket_id = $2 limit $3`,
  },
  ticket_messages: {
    table: 'messages',
    pick: `select id from messages where account_id = $1 and ticket_id = $2 limit $3`,
  },
  ticket: { table: 'tickets', pick: `select id from tickets where account_id = $1 and id = $2 limit $3` },
  agent_messages_detached: {
    table: 'messages',
    pick: `select id from messages where account_id = $1 and author_user_id = $2 limit $3`,
    action: 'detach_agent',
  },
  agent_sessions: {
    table: 'sessions',
    pick: `select id from sessions where account_id = $1 and user_id = $2 limit $3`,
  },
  agent_api_tokens: {
    table: 'api_tokens',
    pick: `select id from api_tokens where account_id = $1 and user_id = $2 limit $3`,
  },
  agent_recovery_codes: {
    table: 'recovery_codes',
    pick: `select id from recovery_codes where account_id = $1 and user_id = $2 limit $3`,
  },
  agent_saved_searches: {
    table: 'saved_searches',
    pick: `select id from saved_searches where account_id = $1 and user_id = $2 limit $3`,
  },
  // The owner is never deleted this way; the API refuses earlier, this is the last guard.
  agent: {
    table: 'users',
    pick: `select id from users where account_id = $1 and id = $2 and role <> 'owner' limit $3`,
  },
};

/**
 * One batch of a step as a single statement ($1 account, $2 subject, $3 batch size, $4 request, $5 step): pick,
 * delete (or detach) and add the count to the request's progress. One statement is one transaction, so the count
 * can never disagree with the rows gone, and a batch costs one round trip instead of five (begin, pick, delete,
 * progress, commit). Returns no row when the batch touched nothing.
 */
export function batchStatement(step: ErasureStep): string {
  const { table, pick, action } = STEP_SQL[step];
  const effect =
    action === 'detach_agent'
      ? `update messages set author_kind = 'deleted_agent', author_user_id = null where id in (select id from picked)`
      : `delete from ${table} where id in (select id from picked)`;
  return `with picked as (${pick}),
    touched as (${effect} returning 1),
    counted as (select count(*)::int as n from touched)
  update erasure_requests
  set progress = jsonb_set(progress, array[$5::text], to_jsonb(coalesce((progress->>$5::text)::int, 0) + counted.n))
  from counted where erasure_requests.id = $4 and counted.n > 0
  returning counted.n`;
}
