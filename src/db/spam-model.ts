import type { HashedFeatures } from '../security/token-hashes';
import type { Queryable } from './client';

/** A tenant's learned sums (migration 0013): messages and token occurrences per class, and distinct tokens. */
export interface TenantModelTotals {
  spamDocs: number;
  hamDocs: number;
  spamTokens: number;
  hamTokens: number;
  vocabulary: number;
}

export type SpamLabel = 'spam' | 'ham';

const EMPTY_TOTALS: TenantModelTotals = { spamDocs: 0, hamDocs: 0, spamTokens: 0, hamTokens: 0, vocabulary: 0 };

/** Keeps a message's features so it can be learned from later; `label` teaches the model at once. */
export async function storeFeatures(
  db: Queryable,
  row: { accountId: string; ticketId: string; messageId: string; features: HashedFeatures; label?: SpamLabel },
): Promise<void> {
  await db`
    insert into spam_features (message_id, account_id, ticket_id, tokens, counts, label)
    values (${row.messageId}, ${row.accountId}, ${row.ticketId}, ${row.features.tokens}::bigint[],
            ${row.features.counts}::integer[], ${row.label ?? null})
    on conflict (message_id) do nothing`;
}

/**
 * The tenant's totals and the counts of the given token hashes (absent hashes were never learned), in one round
 * trip: scoring sits on the arrival path of every mail, chat and portal ticket.
 */
export async function loadTenantCounts(
  db: Queryable,
  accountId: string,
  tokens: readonly string[],
): Promise<{ totals: TenantModelTotals; counts: Map<string, { spam: number; ham: number }> }> {
  // The totals come as the row whose token is null; a tenant that never learnt has neither.
  const rows = await db<
    { token: string | null; spam: string; ham: string; spamTokens: string; hamTokens: string; vocabulary: string }[]
  >`
    select null::bigint as token, spam_docs as spam, ham_docs as ham, spam_tokens, ham_tokens, vocabulary
    from spam_model_totals where account_id = ${accountId}
    union all
    select token, spam, ham, null, null, null from spam_token_counts
    where account_id = ${accountId} and token = any (${tokens as string[]}::bigint[])`;
  let totals = EMPTY_TOTALS;
  const counts = new Map<string, { spam: number; ham: number }>();
  for (const row of rows) {
    if (row.token === null) {
      totals = {
        spamDocs: Number(row.spam),
        hamDocs: Number(row.ham),
        spamTokens: Number(row.spamTokens),
        hamTokens: Number(row.hamTokens),
        vocabulary: Number(row.vocabulary),
      };
    } else {
      counts.set(String(row.token), { spam: Number(row.spam), ham: Number(row.ham) });
    }
  }
  return { totals, counts };
}

/** The ticket's messages written by its contacts that have no features yet (made before the filter, or by staff). */
export async function messagesWithoutFeatures(
  db: Queryable,
  ticketId: string,
): Promise<{ id: string; body: string; first: boolean }[]> {
  return db<{ id: string; body: string; first: boolean }[]>`
    select m.id, m.body,
           m.id = (select f.id from messages f where f.ticket_id = m.ticket_id order by f.created_at, f.id limit 1) as first
    from messages m
    where m.ticket_id = ${ticketId} and m.author_kind = 'contact'
      and not exists (select 1 from spam_features s where s.message_id = m.id)
    order by m.created_at, m.id`;
}

/**
 * An agent's verdict on a ticket: labels all its learnable messages (the triggers move their counts to that class)
 * and files the ticket in the spam folder or takes it out. Returns the ticket's status, or undefined when there is
 * no such live ticket.
 */
export async function labelTicket(
  db: Queryable,
  ticketId: string,
  label: SpamLabel,
): Promise<'open' | 'pending' | 'solved' | 'closed' | 'spam' | undefined> {
  const [ticket] = await db<{ status: 'open' | 'pending' | 'solved' | 'closed' | 'spam' }[]>`
    update tickets set
      status = case when ${label} = 'spam' then 'spam' when status = 'spam' then 'open' else status end,
      spam_at = case when ${label} = 'spam' then coalesce(spam_at, now()) else null end,
      updated_at = now()
    where id = ${ticketId} and trashed_at is null
    returning status`;
  if (!ticket) return undefined;
  await db`update spam_features set label = ${label} where ticket_id = ${ticketId} and label is distinct from ${label}`;
  return ticket.status;
}
