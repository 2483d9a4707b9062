import type { Sql } from '../db/client';
import type { Logger } from '../logger';

/** The legal clock's reminders (issue 15 §3): the owner hears of a request about to fall due, and of one overdue. */
export function createRequestClockActivities(deps: { sql: Sql; logger: Logger }) {
  const { sql } = deps;
  return {
    /**
     * Queues, for every open request due within `withinMs` or already overdue, a reminder to its tenant's owner: one
     * "due soon" and one "overdue" per request at most (the outbox's dedupe keys). Returns how many were queued.
     */
    async remindDueRequests(input: { withinMs: number }): Promise<number> {
      const queued = await sql`
        insert into notification_outbox (account_id, kind, dedupe_key, recipient, status, deadline_at)
        select r.account_id, x.kind, x.kind || ':' || r.id, u.email, 'pending', r.due_at
        from erasure_requests r
        join users u on u.account_id = r.account_id and u.role = 'owner'
        cross join lateral (
          select case when r.due_at <= now() then 'request_overdue' else 'request_due_soon' end as kind
        ) x
        where r.status in ('queued', 'running')
          and r.due_at < now() + make_interval(secs => ${input.withinMs / 1000})
        on conflict (account_id, dedupe_key) do nothing`;
      if (queued.count > 0) deps.logger.info({ reminders: queued.count }, 'request clock: reminders queued');
      return queued.count;
    },
  };
}

export type RequestClockActivities = ReturnType<typeof createRequestClockActivities>;
