import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { insertAudit } from '../db/audit';
import { answeredWithin } from '../db/client';
import type { Sql } from '../db/client';
import { suppressAddresses } from '../db/suppression';
import type { ErasureKind, ErasureStep } from '../domain/erasure-plan';
import type { LifecyclePolicy } from '../domain/account-lifecycle';
import { signReceipt, subjectHash } from '../security/receipts';
import type { ErasureReceipt } from '../security/receipts';
import { batchStatement } from './erasure-steps';
import type { Logger } from '../logger';
import { NO_METRICS } from '../temporal/worker-metrics';
import type { WorkerMetrics } from '../temporal/worker-metrics';

/** Attempts of `startErasure` that wait for the request's row to commit: 1 + 2 + 4 + 8 + 16 s of retry backoff. */
const COMMIT_WAIT_ATTEMPTS = 6;

export interface ErasureActivityDeps {
  sql: Sql;
  masterKey: Buffer;
  policy: LifecyclePolicy;
  batchSize?: number;
  /** Least time between two heartbeats of a step (default 1 s; 0: after every batch, as tests want). */
  heartbeatEveryMs?: number;
  /** A batch still unanswered after this long (ms) is cancelled and the step fails, to be retried (default 30 s). */
  batchTimeoutMs?: number;
  /** Where each erasure's start and end are logged, with ids and counts only. */
  logger?: Logger;
  metrics?: WorkerMetrics;
}

export interface ErasureRef {
  accountId: string;
  requestId: string;
}

/**
 * The data-subject cascade's effects on PostgreSQL. Each batch deletes rows and adds its count to the request's
 * progress in one statement, so a worker killed at any point resumes with exact counts and ends with exactly the
 * result of an uninterrupted run. Only ids and counts cross into Temporal.
 */
export function createErasureActivities(deps: ErasureActivityDeps) {
  const { sql, masterKey } = deps;
  const batchSize = deps.batchSize ?? 500;
  const heartbeatEveryMs = deps.heartbeatEveryMs ?? 1000;
  const batchTimeoutMs = deps.batchTimeoutMs ?? 30_000;
  const logger = deps.logger?.child({ module: 'erasure-activities' });
  const metrics = deps.metrics ?? NO_METRICS;

  async function findRequest(ref: ErasureRef) {
    const [row] = await sql<{ kind: ErasureKind; subjectId: string; status: string; subjectHash: string | null }[]>`
      select kind, subject_id, status, subject_hash from erasure_requests where id = ${ref.requestId} and account_id = ${ref.accountId}`;
    return row;
  }

  async function request(ref: ErasureRef) {
    const row = await findRequest(ref);
    if (!row) throw ApplicationFailure.nonRetryable('No such erasure request', 'NOT_FOUND');
    return row;
  }

  return {
    /** Marks the request running and keeps a keyed hash of the subject's identifiers for the receipt. */
    async startErasure(ref: ErasureRef): Promise<void> {
      const row = await findRequest(ref);
      if (!row) {
        // The API starts the workflow inside the transaction that inserts the request, so that a failed start rolls
        // the row back; a fast worker can get here before that transaction commits. Wait for it (about 30 s).
        if (Context.current().info.attempt < COMMIT_WAIT_ATTEMPTS) {
          throw ApplicationFailure.retryable('Erasure request not committed yet', 'REQUEST_NOT_COMMITTED');
        }
        throw ApplicationFailure.nonRetryable('No such erasure request', 'NOT_FOUND');
      }
      if (row.subjectHash !== null) return;
      const identifiers =
        row.kind === 'agent'
          ? await sql<{ v: string }[]>`select email as v from users where id = ${row.subjectId}`
          : row.kind === 'ticket'
            ? [{ v: `ticket:${row.subjectId}` }]
            : await sql<{ v: string }[]>`
                select email as v from contacts where id = ${row.subjectId}
                union select phone from contacts where id = ${row.subjectId} and phone is not null
                union select email from contact_identities where contact_id = ${row.subjectId}`;
      // A person erased is not imported again: their addresses go to the suppression list, as keyed hashes, in the
      // transaction that marks the request started (a retry finds both done, or neither).
      const addresses =
        row.kind === 'erasure'
          ? await sql<{ v: string }[]>`
              select email as v from contacts where id = ${row.subjectId}
              union select email from contact_identities where contact_id = ${row.subjectId}`
          : [];
      await sql.begin(async (tx) => {
        await tx`update erasure_requests set status = 'running', subject_hash = ${subjectHash(
          masterKey,
          identifiers.map((i) => i.v),
        )}
                  where id = ${ref.requestId} and subject_hash is null`;
        await suppressAddresses(
          tx,
          masterKey,
          ref.accountId,
          addresses.map((a) => a.v),
        );
      });
      logger?.info({ accountId: ref.accountId, requestId: ref.requestId, kind: row.kind }, 'erasure started');
    },

    /** Runs one step of the plan to the end, batch by batch, heartbeating; returns the rows it touched in total. */
    async runErasureStep(input: ErasureRef & { step: ErasureStep }): Promise<number> {
      const { subjectId } = await request(input);
      const statement = batchStatement(input.step);
      const context = Context.current();
      // A batch lasts milliseconds and the heartbeat timeout is 20 s: a heartbeat a second is plenty and spares each
      // batch a payload conversion and a native call. Cancellation is still checked after every batch.
      let lastBeat = Number.NEGATIVE_INFINITY;
      for (;;) {
        const [batch] = await answeredWithin(
          sql.unsafe<{ n: number }[]>(statement, [input.accountId, subjectId, batchSize, input.requestId, input.step]),
          batchTimeoutMs,
        );
        const touched = batch?.n ?? 0;
        metrics.rowsDeleted(input.step, touched);
        if (performance.now() - lastBeat >= heartbeatEveryMs) {
          context.heartbeat({ step: input.step });
          lastBeat = performance.now();
        }
        if (context.cancellationSignal.aborted) throw new CancelledFailure('erasure interrupted between batches');
        if (touched < batchSize) break;
      }
      const [row] = await sql<{ n: number }[]>`
        select coalesce((progress->>${input.step})::int, 0) as n from erasure_requests where id = ${input.requestId}`;
      return row?.n ?? 0;
    },

    /**
     * Tickets in the trash, or in the spam folder, for longer than `olderThanMs`, across tenants (ids only), at most
     * `limit`, oldest first.
     */
    async findExpiredTrash(input: {
      olderThanMs: number;
      limit: number;
    }): Promise<{ accountId: string; ticketId: string; folder: 'trash' | 'spam' }[]> {
      return sql<{ accountId: string; ticketId: string; folder: 'trash' | 'spam' }[]>`
        select account_id, ticket_id, folder from (
          (select account_id, id as ticket_id, 'trash' as folder, trashed_at as since from tickets
           where trashed_at < now() - make_interval(secs => ${input.olderThanMs / 1000})
           order by trashed_at limit ${input.limit})
          union all
          (select account_id, id, 'spam', spam_at from tickets
           where status = 'spam' and trashed_at is null
             and spam_at < now() - make_interval(secs => ${input.olderThanMs / 1000})
           order by spam_at limit ${input.limit})
        ) expired order by since limit ${input.limit}`;
    },

    /** Records a system-requested deletion of an expired ticket (or finds the active one); returns its id. */
    async requestTrashDeletion(input: {
      accountId: string;
      ticketId: string;
      folder?: 'trash' | 'spam';
    }): Promise<string> {
      const [created] = await sql<{ id: string }[]>`
        insert into erasure_requests (account_id, kind, subject_id, requested_by)
        values (${input.accountId}, 'ticket', ${input.ticketId}, ${`system:${input.folder ?? 'trash'}`})
        on conflict (account_id, kind, subject_id) where status in ('queued', 'running') do nothing
        returning id`;
      if (created) return created.id;
      const [active] = await sql<{ id: string }[]>`
        select id from erasure_requests where account_id = ${input.accountId} and kind = 'ticket'
          and subject_id = ${input.ticketId} and status in ('queued', 'running')`;
      if (!active) throw ApplicationFailure.retryable('Request vanished; retrying', 'CONFLICT');
      return active.id;
    },

    /** Signs and stores the receipt (once) and audits the deletion; returns the request id and counts. */
    async completeErasure(ref: ErasureRef): Promise<{ requestId: string; rows: number }> {
      const [row] = await sql<
        {
          kind: string;
          subjectHash: string;
          progress: Record<string, number>;
          requestedAt: Date;
          status: string;
          receipt: ErasureReceipt | null;
        }[]
      >`select kind, subject_hash, progress, requested_at, status, receipt from erasure_requests where id = ${ref.requestId}`;
      if (!row) throw ApplicationFailure.nonRetryable('No such erasure request', 'NOT_FOUND');
      const rows = Object.values(row.progress).reduce((a, b) => a + b, 0);
      if (row.status === 'completed') return { requestId: ref.requestId, rows };
      const completedAt = new Date();
      const receipt: ErasureReceipt = {
        requestId: ref.requestId,
        kind: row.kind,
        subjectHash: row.subjectHash,
        counts: row.progress,
        requestedAt: row.requestedAt.toISOString(),
        completedAt: completedAt.toISOString(),
        // Lethe keeps no other copies than the tenant's final backup; this bounds the operator's database backups.
        backupsExpireBy: new Date(completedAt.getTime() + deps.policy.backupRetentionPeriodMs).toISOString(),
      };
      const completedNow = await sql.begin(async (tx) => {
        const updated =
          await tx`update erasure_requests set status = 'completed', completed_at = ${completedAt}, receipt = ${tx.json(receipt as never)},
                 signature = ${signReceipt(masterKey, receipt)}, extension_reason = null
                 where id = ${ref.requestId} and status <> 'completed'`;
        await insertAudit(tx, {
          accountId: ref.accountId,
          actor: 'system',
          action: `erasure.completed_${row.kind}`,
          targetId: ref.requestId,
          idempotencyKey: `erasure:${ref.requestId}`,
        });
        return updated.count === 1;
      });
      if (completedNow) metrics.erasureCompleted(row.kind);
      logger?.info({ accountId: ref.accountId, requestId: ref.requestId, kind: row.kind, rows }, 'erasure completed');
      return { requestId: ref.requestId, rows };
    },
  };
}

export type ErasureActivities = ReturnType<typeof createErasureActivities>;
