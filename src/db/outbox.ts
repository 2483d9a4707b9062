import { randomUUID } from 'node:crypto';
import type { MailKind } from '../notifications/mail-templates';
import type { Queryable } from './client';

/** A pending outbox row that is due, with what its mail needs from the account. */
export interface DueNotification {
  id: string;
  accountId: string;
  kind: MailKind;
  recipient: string | null;
  deadlineAt: Date | null;
  sealedPayload: Buffer | null;
  expired: boolean;
  attempts: number;
  tenantName: string;
  subdomain: string;
  /** The registry entry a sub-processor notice is about; null for every other kind. */
  subProcessor: SubProcessorMention | null;
  /** The breach a breach notice is about; null for every other kind. */
  breach: BreachMention | null;
}

/** What a tenant's breach notice says (Art. 33(2), 33(3)): no personal data, the register's own words. */
export interface BreachMention {
  nature: string;
  categories: string[];
  consequences: string;
  measures: string;
  contactPoint: string;
  awareAt: string;
}

/** What a notice says of a planned sub-processor (public registry data). */
export interface SubProcessorMention {
  id: string;
  name: string;
  purpose: string;
  location: string;
  transferMechanism: string;
}

/**
 * Locks the oldest due pending row (SKIP LOCKED: several dispatchers share the table) for the rest of the
 * transaction, which sends it and records the outcome.
 */
export async function claimDueNotification(tx: Queryable): Promise<DueNotification | undefined> {
  const [row] = await tx<DueNotification[]>`
    select o.id, o.account_id, o.kind, o.recipient, o.deadline_at, o.sealed_payload, o.attempts,
           coalesce(o.expires_at < now(), false) as expired, a.name as tenant_name, a.subdomain,
           case when s.id is null then null
                else json_build_object('id', s.id, 'name', s.name, 'purpose', s.purpose, 'location', s.location,
                                       'transferMechanism', s.transfer_mechanism) end as sub_processor,
           case when b.id is null then null
                else json_build_object('nature', b.nature, 'categories', b.categories, 'consequences', b.consequences,
                                       'measures', b.measures, 'contactPoint', b.contact_point,
                                       'awareAt', b.aware_at) end as breach
    from notification_outbox o join accounts a on a.id = o.account_id
    left join sub_processors s on s.id = o.sub_processor_id
    left join breaches b on b.id = o.breach_id
    where o.status = 'pending' and o.next_attempt_at <= now()
    order by o.next_attempt_at, o.created_at limit 1
    for update of o skip locked`;
  return row;
}

/** Ends a row: the address and any sealed secret are cleared, whatever the outcome. */
export async function finishNotification(
  tx: Queryable,
  id: string,
  outcome: { status: 'sent' | 'failed' | 'expired'; reply?: string },
): Promise<void> {
  await tx`
    update notification_outbox
    set status = ${outcome.status}, finished_at = now(), sent_at = case when ${outcome.status} = 'sent' then now() end,
        last_error = coalesce(${outcome.reply ?? null}, last_error), recipient = null, sealed_payload = null,
        attempts = attempts + 1
    where id = ${id}`;
}

/** Counts a failed attempt and sets when the row is due again. */
export async function deferNotification(tx: Queryable, id: string, delayMs: number, reply: string): Promise<void> {
  await tx`
    update notification_outbox
    set attempts = attempts + 1, last_error = ${reply}, next_attempt_at = now() + make_interval(secs => ${delayMs / 1000})
    where id = ${id}`;
}

/** Queues a mail the API sends on its own account (portal sign-up); the dispatcher in a worker delivers it. */
export async function insertMail(
  db: Queryable,
  mail: {
    /** Given when a sealed payload is bound to the row id (see outboxPayloadContext). */
    id?: string;
    accountId: string;
    kind: MailKind;
    recipient: string;
    dedupeKey: string;
    sealedPayload?: Buffer;
    expiresAt?: Date;
    deadlineAt?: Date;
  },
): Promise<void> {
  await db`
    insert into notification_outbox (id, account_id, kind, dedupe_key, recipient, status, sealed_payload, expires_at, deadline_at)
    values (${mail.id ?? randomUUID()}, ${mail.accountId}, ${mail.kind}, ${mail.dedupeKey}, ${mail.recipient}, 'pending',
            ${mail.sealedPayload ?? null}, ${mail.expiresAt ?? null}, ${mail.deadlineAt ?? null})`;
}
