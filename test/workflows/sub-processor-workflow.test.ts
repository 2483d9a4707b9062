import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { subProcessorWorkflowId, TASK_QUEUE } from '../../src/temporal/ids';
import { subProcessorWorkflow } from '../../src/workflows';
import { testSql, truncateAll } from '../helpers/db';
import { createTimeSkippingEnv, runTestWorker } from '../helpers/temporal';
import { seedTenant } from '../helpers/tenants';

const DAY = 86_400_000;

describe('subProcessorWorkflow on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let worker: Awaited<ReturnType<typeof runTestWorker>>;
  const sql = testSql();

  beforeAll(async () => {
    ({ env } = await createTimeSkippingEnv());
    worker = await runTestWorker(env, sql);
  });
  afterAll(async () => {
    await worker?.stop();
    await env?.teardown();
    await sql.end();
  });
  beforeEach(() => truncateAll(sql));

  it('tells every owner whose data is processed at once, waits out the 30-day window, then takes effect', async () => {
    const live = await seedTenant(sql);
    const suspended = await seedTenant(sql);
    const gone = await seedTenant(sql);
    await sql`update accounts set state = 'suspended' where id = ${suspended.accountId}`;
    await sql`update accounts set state = 'deleted' where id = ${gone.accountId}`;
    const effectiveAt = (await env.currentTimeMs()) + 30 * DAY;
    const [entry] = await sql<{ id: string }[]>`
      insert into sub_processors (name, purpose, location, transfer_mechanism, effective_at, announced_by)
      values ('MailCo', 'Outbound mail', 'EU (Ireland)', 'none: EU', ${new Date(effectiveAt)}, 'staff:test')
      returning id`;
    const id = entry?.id ?? '';
    const handle = await env.client.workflow.start(subProcessorWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: subProcessorWorkflowId(id),
      args: [{ subProcessorId: id, effectiveAt }],
    });
    await sql`insert into sub_processor_objections (account_id, sub_processor_id, reason)
              values (${live.accountId}, ${id}, 'We need EU-only processing')`;

    await env.sleep('29 days');
    const notices = await sql<{ accountId: string; recipient: string; deadlineAt: Date }[]>`
      select account_id, recipient, deadline_at from notification_outbox
      where kind = 'sub_processor_planned' and sub_processor_id = ${id} order by recipient`;
    expect(notices.map((n) => n.accountId).sort()).toEqual([live.accountId, suspended.accountId].sort());
    expect(notices.map((n) => n.recipient).sort()).toEqual([live.ownerEmail, suspended.ownerEmail].sort());
    expect(notices.every((n) => n.deadlineAt.getTime() === effectiveAt)).toBe(true);
    expect((await sql`select status from sub_processors where id = ${id}`)[0]?.status).toBe('planned');

    await env.sleep('2 days');
    expect(await handle.result()).toEqual({ objections: 1 });
    expect((await sql`select status from sub_processors where id = ${id}`)[0]?.status).toBe('active');
    // Retried effects change nothing: one notice per tenant, however often the announcement runs.
    const [count] = await sql<{ n: number }[]>`
      select count(*)::int as n from notification_outbox where sub_processor_id = ${id}`;
    expect(count?.n).toBe(2);
  });
});
