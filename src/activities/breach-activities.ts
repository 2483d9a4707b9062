import type { Sql } from '../db/client';
import type { Logger } from '../logger';

/** Points on the 72-hour clock of Art. 33(1) where the workflow looks whether the authority was notified. */
export type BreachClockMark = 'reminder_24h' | 'reminder_6h' | 'overdue';

/** The breach workflow's effects (issue 15 §1); each is idempotent, as an activity may run twice. */
export function createBreachActivities(deps: { sql: Sql; logger: Logger }) {
  const { sql } = deps;
  const log = deps.logger.child({ module: 'breaches' });
  return {
    /** Queues the notice to the owner of every affected tenant that still exists, once (Art. 33(2)). */
    async notifyBreachOwners(input: { breachId: string }): Promise<number> {
      return sql.begin(async (tx) => {
        const queued = await tx`
          insert into notification_outbox (account_id, kind, dedupe_key, recipient, status, breach_id)
          select a.id, 'breach_notice', ${`breach:${input.breachId}`}, u.email, 'pending', ${input.breachId}
          from breach_accounts ba
          join accounts a on a.id = ba.account_id and a.state not in ('deleted', 'purged')
          join users u on u.account_id = a.id and u.role = 'owner'
          where ba.breach_id = ${input.breachId}
          on conflict (account_id, dedupe_key) do nothing`;
        if (queued.count > 0) {
          await tx`insert into breach_events (breach_id, actor, action, detail)
                   values (${input.breachId}, 'system', 'owners_notified', ${`${queued.count} tenant owner(s)`})`;
        }
        log.info({ breachId: input.breachId, notices: queued.count }, 'breach: owners notified');
        return queued.count;
      });
    },

    /**
     * At a point of the clock: whether the supervisory authority was notified; if not, the point is recorded in the
     * breach's timeline (once) and logged as a warning for the operators on call.
     */
    async checkBreachClock(input: { breachId: string; mark: BreachClockMark }): Promise<{ notified: boolean }> {
      const [breach] = await sql<{ notified: boolean }[]>`
        select authority_notified_at is not null as notified from breaches where id = ${input.breachId}`;
      if (!breach || breach.notified) return { notified: true };
      await sql`
        insert into breach_events (breach_id, actor, action)
        select ${input.breachId}, 'system', ${input.mark}
        where not exists (select 1 from breach_events where breach_id = ${input.breachId} and action = ${input.mark})`;
      log.warn(
        { breachId: input.breachId, mark: input.mark },
        input.mark === 'overdue'
          ? 'breach: the 72 hours passed without the authority notified; the notification must give the reasons'
          : 'breach: the authority is not notified yet',
      );
      return { notified: false };
    },
  };
}

export type BreachActivities = ReturnType<typeof createBreachActivities>;
