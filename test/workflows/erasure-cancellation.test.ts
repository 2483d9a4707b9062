import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createErasureActivities } from '../../src/activities/erasure-activities';
import { erasureWorkflow } from '../../src/workflows';
import { testConfig } from '../helpers/config';
import { testSql } from '../helpers/db';
import { createDevServerEnv, workflowBundle } from '../helpers/temporal';
import { seedTenant, TEST_MASTER_KEY } from '../helpers/tenants';

const MESSAGES = 3_000;

/**
 * Cancellation of an erasure step through a real Temporal server (the dev server): the workflow is cancelled while
 * the step deletes in small batches; the activity hears of it through its next heartbeat (the default cancellation
 * type does not wait for the activity, so the workflow closes first and the heartbeat finds it gone), stops between
 * two batches, and a later run finishes with exact counts.
 */
describe('an erasure cancelled through Temporal', () => {
  let env: TestWorkflowEnvironment;
  const sql = testSql();

  beforeAll(async () => {
    env = await createDevServerEnv();
  });
  afterAll(async () => {
    await env?.teardown();
    await sql.end();
  });

  async function startWorker(taskQueue: string) {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: await workflowBundle(),
      // Batches of ten, a heartbeat after each, and heartbeats sent at once: the cancellation reaches the activity
      // within a batch or two instead of the default throttle (80 % of the 20 s heartbeat timeout).
      activities: createErasureActivities({
        sql,
        masterKey: TEST_MASTER_KEY,
        policy: testConfig().lifecycle,
        batchSize: 10,
        heartbeatEveryMs: 0,
      }),
      maxHeartbeatThrottleInterval: '50 milliseconds',
      defaultHeartbeatThrottleInterval: '50 milliseconds',
    });
    const running = worker.run();
    return { stop: async () => (worker.shutdown(), await running) };
  }

  it('stops between batches when the workflow is cancelled, and a new run finishes with exact counts', async () => {
    const t = await seedTenant(sql, { agents: 0, sessionsPerUser: 0 });
    const [contact] = await sql<{ id: string }[]>`
      insert into contacts (account_id, email, name) values (${t.accountId}, 'cancel@example.test', 'Can Cel') returning id`;
    const [ticket] = await sql<{ id: string }[]>`
      insert into tickets (account_id, contact_id, channel, subject) values (${t.accountId}, ${contact!.id}, 'email', 's')
      returning id`;
    await sql`insert into messages (account_id, ticket_id, author_kind, author_contact_id, body)
              select ${t.accountId}, ${ticket!.id}, 'contact', ${contact!.id}, 'm ' || g from generate_series(1, ${MESSAGES}) g`;
    const [request] = await sql<{ id: string }[]>`
      insert into erasure_requests (account_id, kind, subject_id, requested_by)
      values (${t.accountId}, 'erasure', ${contact!.id}, 'test') returning id`;
    const input = { accountId: t.accountId, requestId: request!.id, kind: 'erasure' as const };
    const progress = async () =>
      (
        await sql<{ n: number }[]>`
          select coalesce((progress->>'contact_messages')::int, 0) as n from erasure_requests where id = ${request!.id}`
      )[0]?.n ?? 0;

    const taskQueue = `erasure-cancel-${randomUUID()}`;
    const worker = await startWorker(taskQueue);
    try {
      const handle = await env.client.workflow.start(erasureWorkflow, {
        taskQueue,
        workflowId: `erasure-${t.accountId}-${request!.id}`,
        args: [input],
      });
      // Cancel once the messages step is under way.
      const deadline = Date.now() + 30_000;
      while ((await progress()) === 0) {
        if (Date.now() > deadline) throw new Error('the messages step never started');
        await new Promise((r) => setTimeout(r, 20));
      }
      await handle.cancel();
      const outcome = await handle.result().catch((error: unknown) => error);
      expect(outcome).toBeInstanceOf(WorkflowFailedError);
      expect((await handle.describe()).status.name).toBe('CANCELLED');
      const history = await handle.fetchHistory();
      expect((history.events ?? []).some((e) => e.activityTaskCancelRequestedEventAttributes != null)).toBe(true);

      // The activity learns of it on its next heartbeat (the workflow is gone) and stops: the count stops moving.
      let deleted = await progress();
      for (let still = 0; still < 10;) {
        await new Promise((r) => setTimeout(r, 100));
        const now = await progress();
        still = now === deleted ? still + 1 : 0;
        deleted = now;
      }
      // Stopped part-way: what went is counted exactly, the rest is still there.
      const [left] = await sql<{ n: number }[]>`
        select count(*)::int as n from messages where account_id = ${t.accountId}`;
      expect(deleted).toBeGreaterThan(0);
      expect(deleted).toBeLessThan(MESSAGES);
      expect(deleted % 10).toBe(0);
      expect(left?.n).toBe(MESSAGES - deleted);

      // A new run of the same request picks up where the first stopped.
      const again = await env.client.workflow.execute(erasureWorkflow, {
        taskQueue,
        workflowId: `erasure-${t.accountId}-${request!.id}-resumed`,
        args: [input],
      });
      expect(again.requestId).toBe(request!.id);
      const [done] = await sql<{ status: string; counts: Record<string, number> }[]>`
        select status, receipt->'counts' as counts from erasure_requests where id = ${request!.id}`;
      expect(done).toEqual({
        status: 'completed',
        counts: { contact_messages: MESSAGES, contact_tickets: 1, contact: 1 },
      });
    } finally {
      await worker.stop();
    }
  });
});
