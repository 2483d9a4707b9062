import type { Sql } from '../db/client';
import type { Logger } from '../logger';

/** The states in which Lethe still processes a tenant's data: their owners hear of a new sub-processor. */
const PROCESSED_STATES = ['trial', 'active', 'past_due', 'suspended', 'removed'];

/**
 * The effects of a sub-processor change (issue 15 §4). Idempotent: a retried activity sends no second notice and
 * activates once.
 */
export function createSubProcessorActivities(deps: { sql: Sql; logger: Logger }) {
  const { sql } = deps;
  const log = deps.logger.child({ module: 'sub-processors' });
  return {
    /**
     * Queues the notice of a planned sub-processor for the owner of every tenant whose data Lethe processes, once
     * per tenant (the outbox's dedupe key). Returns how many notices were queued now.
     */
    async announceSubProcessor(input: { subProcessorId: string }): Promise<number> {
      const queued = await sql`
        insert into notification_outbox (account_id, kind, dedupe_key, recipient, status, deadline_at, sub_processor_id)
        select a.id, 'sub_processor_planned', ${`sub-processor:${input.subProcessorId}`}, u.email, 'pending',
               s.effective_at, s.id
        from sub_processors s
        join accounts a on a.state = any (${PROCESSED_STATES})
        join users u on u.account_id = a.id and u.role = 'owner'
        where s.id = ${input.subProcessorId}
        on conflict (account_id, dedupe_key) do nothing`;
      log.info({ subProcessorId: input.subProcessorId, notices: queued.count }, 'sub-processor announced to owners');
      return queued.count;
    },

    /** The window closed: the sub-processor takes effect. Returns how many tenants objected. */
    async activateSubProcessor(input: { subProcessorId: string }): Promise<{ objections: number }> {
      await sql`update sub_processors set status = 'active' where id = ${input.subProcessorId} and status = 'planned'`;
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from sub_processor_objections where sub_processor_id = ${input.subProcessorId}`;
      log.info(
        { subProcessorId: input.subProcessorId, objections: row?.n ?? 0 },
        'sub-processor in effect; objections recorded',
      );
      return { objections: row?.n ?? 0 };
    },
  };
}

export type SubProcessorActivities = ReturnType<typeof createSubProcessorActivities>;
