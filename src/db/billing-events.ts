import type { Queryable } from './client';

/**
 * Records that a billing event arrived (once per id) and says whether it was delivered to the account's workflow
 * before: only then is a redelivery a duplicate.
 */
export async function recordBillingEvent(
  sql: Queryable,
  event: { id: string; accountId: string; type: string },
): Promise<{ delivered: boolean }> {
  await sql`
    insert into billing_events (id, account_id, type) values (${event.id}, ${event.accountId}, ${event.type})
    on conflict (id) do nothing`;
  const [row] = await sql<{ delivered: boolean }[]>`
    select delivered_at is not null as delivered from billing_events where id = ${event.id}`;
  return { delivered: row?.delivered ?? false };
}

/** Marks the event delivered once its signal was accepted by Temporal. */
export async function markBillingEventDelivered(sql: Queryable, id: string): Promise<void> {
  await sql`update billing_events set delivered_at = coalesce(delivered_at, now()) where id = ${id}`;
}
