import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { breachWorkflowId, TASK_QUEUE } from '../../src/temporal/ids';
import { breachWorkflow } from '../../src/workflows';
import { testSql, truncateAll } from '../helpers/db';
import { createTimeSkippingEnv, runTestWorker } from '../helpers/temporal';
import { seedTenant } from '../helpers/tenants';

describe('breachWorkflow: the 72-hour clock on the time-skipping server', () => {
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

  async function openBreach() {
    const a = await seedTenant(sql);
    const b = await seedTenant(sql);
    const awareAt = await env.currentTimeMs();
    const [breach] = await sql<{ id: string }[]>`
      insert into breaches (aware_at, nature, categories, subjects_approx, records_approx, consequences, measures,
                            contact_point, opened_by)
      values (${new Date(awareAt)}, 'A backup bucket was public for two hours', ${['ticket messages']}, 120, 900,
              'Messages may have been read', 'Bucket closed, keys rotated', 'dpo@lethe.example', 'staff:test')
      returning id`;
    const breachId = breach?.id ?? '';
    await sql`insert into breach_accounts (breach_id, account_id) values (${breachId}, ${a.accountId}),
                                                                      (${breachId}, ${b.accountId})`;
    const handle = await env.client.workflow.start(breachWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: breachWorkflowId(breachId),
      args: [{ breachId, awareAt }],
    });
    return { breachId, handle, owners: [a.ownerEmail, b.ownerEmail] };
  }
  const actions = async (breachId: string) =>
    (
      await sql<{ action: string }[]>`select action from breach_events where breach_id = ${breachId} order by at, id`
    ).map((e) => e.action);

  it('tells the owners at once, reminds at 24 h and 6 h left, and marks the breach overdue at 72 hours', async () => {
    const { breachId, handle, owners } = await openBreach();
    await env.sleep('1 hour');
    const notices = await sql<{ recipient: string }[]>`
      select recipient from notification_outbox where breach_id = ${breachId} and kind = 'breach_notice'`;
    expect(notices.map((n) => n.recipient).sort()).toEqual([...owners].sort());
    expect(await actions(breachId)).toEqual(['owners_notified']);
    await env.sleep('46 hours');
    expect(await actions(breachId)).toEqual(['owners_notified']);
    await env.sleep('2 hours');
    expect(await actions(breachId)).toEqual(['owners_notified', 'reminder_24h']);
    await env.sleep('23 hours');
    expect(await handle.result()).toBe('overdue');
    expect(await actions(breachId)).toEqual(['owners_notified', 'reminder_24h', 'reminder_6h', 'overdue']);
  });

  it('stops the clock once the authority is notified', async () => {
    const { breachId, handle } = await openBreach();
    await env.sleep('50 hours');
    await sql`update breaches set authority_notified_at = now(), authority_reference = 'DPA-1' where id = ${breachId}`;
    await env.sleep('20 hours');
    expect(await handle.result()).toBe('notified');
    expect(await actions(breachId)).toEqual(['owners_notified', 'reminder_24h']);
  });
});
