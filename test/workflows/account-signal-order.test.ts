import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { accountWorkflowId, TASK_QUEUE } from '../../src/temporal/ids';
import { accountWorkflow } from '../../src/workflows';
import { paymentFailedSignal, paymentSucceededSignal, viewQuery } from '../../src/workflows/account-messages';
import { testSql } from '../helpers/db';
import { createTimeSkippingEnv, DEFAULT_POLICY, runTestWorker, settled } from '../helpers/temporal';
import { seedTenant } from '../helpers/tenants';

// Its own server, where no worker polls until the test starts one: the signals must be waiting before the run's first
// task, as they are after a continue-as-new or when the worker was down.
describe('accountWorkflow signals that arrive before its first task', () => {
  let env: TestWorkflowEnvironment;
  let worker: Awaited<ReturnType<typeof runTestWorker>> | undefined;
  const sql = testSql();

  beforeAll(async () => {
    ({ env } = await createTimeSkippingEnv());
  });

  afterAll(async () => {
    await worker?.stop();
    await env?.teardown();
    await sql.end();
  });

  it('handles them in the order they arrived, whatever their kind', async () => {
    const t = await seedTenant(sql);
    const handle = await env.client.workflow.start(accountWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: accountWorkflowId(t.accountId),
      args: [{ accountId: t.accountId, policy: DEFAULT_POLICY }],
    });
    // A failure during the trial changes nothing; the success after it makes the account active. Handled kind by
    // kind (every success first), the failure would land on the active account and make it past_due.
    await handle.signal(paymentFailedSignal, { eventId: 'evt_failed_first' });
    await handle.signal(paymentSucceededSignal, { eventId: 'evt_paid_after' });
    worker = await runTestWorker(env, sql);
    await settled(handle);
    const view = await handle.query(viewQuery);
    expect(view.state).toBe('active');
    expect(view.transitions).toHaveLength(1);
    expect(view.transitions[0]).toMatchObject({ from: 'trial', to: 'active', cause: 'payment_succeeded' });
    await handle.terminate('test done');
  });
});
