import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { readProvisionManifest } from '../../src/embedded/provision-manifest';
import { startDevServer } from '../../src/embedded/temporal-server';
import type { EmbeddedTemporal } from '../../src/embedded/temporal-server';
import { accountWorkflowId, TASK_QUEUE } from '../../src/temporal/ids';
import { accountWorkflow } from '../../src/workflows';
import { paymentFailedSignal, paymentSucceededSignal, viewQuery } from '../../src/workflows/account-messages';
import type { AccountView } from '../../src/workflows/account-view';
import { testSql } from '../helpers/db';
import { DEFAULT_POLICY, quietRuntime, runTestWorker, settled, useDevServerWorker } from '../helpers/temporal';
import { seedTenant } from '../helpers/tenants';

/** A first payment, then six failures each followed by a payment: 13 transitions, ending active. */
async function payThenAlternate(handle: WorkflowHandle): Promise<void> {
  await handle.signal(paymentSucceededSignal, { eventId: 'evt_a' });
  for (let i = 0; i < 6; i++) {
    await handle.signal(paymentFailedSignal, { eventId: `evt_f${i}` });
    await handle.signal(paymentSucceededSignal, { eventId: `evt_s${i}` });
  }
}

// On the dev server (a real Temporal server) rather than the Java test server: the latter loses track of its
// time-skipping lock when signals race a continue-as-new, which made this test hang now and then.
describe('accountWorkflow continue-as-new', () => {
  const sql = testSql();
  const frame = useDevServerWorker(sql);

  async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await read();
      if (check(value) || Date.now() > deadline) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('continues as new with its state and its seen billing ids, losing no signal', async () => {
    const env = frame.env();
    const t = await seedTenant(sql);
    const handle = await env.client.workflow.start(accountWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: accountWorkflowId(t.accountId),
      args: [
        {
          accountId: t.accountId,
          policy: DEFAULT_POLICY,
          continueAsNewAfterEvents: 20,
        },
      ],
    });
    const firstRun = (await handle.describe()).runId;
    const latest = env.client.workflow.getHandle(handle.workflowId);
    // Sent without waiting: some arrive while a run is continuing as new, and none may be lost.
    await payThenAlternate(latest);
    const view = await eventually(
      () => latest.query(viewQuery),
      (v: AccountView) => v.transitions.length === 13,
    );
    expect(view.state).toBe('active');
    expect(view.transitions).toHaveLength(13);
    const described = await eventually(
      () => latest.describe(),
      (d) => d.runId !== firstRun,
    );
    expect(described.runId).not.toBe(firstRun);

    // Events seen before continue-as-new are remembered by the new run. Each replay is sent alone and handled before
    // the next: signals that reach a run before its first task may be handled in any order, and the order matters.
    await settled(latest);
    const sendAndSettle = async (signal: typeof paymentFailedSignal, eventId: string): Promise<AccountView> => {
      await latest.signal(signal, { eventId });
      await settled(latest);
      return latest.query(viewQuery);
    };
    // A forgotten failure would move the active account to past_due.
    expect(await sendAndSettle(paymentFailedSignal, 'evt_f5')).toMatchObject({
      state: 'active',
      transitions: view.transitions,
    });
    const pastDue = await sendAndSettle(paymentFailedSignal, 'evt_new');
    expect(pastDue.state).toBe('past_due');
    expect(pastDue.transitions).toHaveLength(14);
    expect(pastDue.transitions.at(-1)).toMatchObject({ from: 'active', to: 'past_due', cause: 'payment_failed' });
    // A forgotten success, the first one or a later one, would make it active again.
    expect(await sendAndSettle(paymentSucceededSignal, 'evt_s0')).toEqual(pastDue);
    expect(await sendAndSettle(paymentSucceededSignal, 'evt_a')).toEqual(pastDue);
    await latest.terminate('test done');
  });
});

// The path production takes: no test threshold, the server itself suggests continuing as new (here after 40 events,
// through the server's own dynamic configuration; 4 Ki events in production).
describe('accountWorkflow continue-as-new at the server’s suggestion', () => {
  let server: EmbeddedTemporal;
  let env: TestWorkflowEnvironment;
  let worker: Awaited<ReturnType<typeof runTestWorker>>;
  const sql = testSql();

  beforeAll(async () => {
    const cli = readProvisionManifest().temporalCli.path;
    if (cli === undefined) throw new Error('the Temporal CLI is not provisioned');
    server = await startDevServer({
      executable: cli,
      headless: true,
      dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 40 },
    });
    quietRuntime();
    env = await TestWorkflowEnvironment.createFromExistingServer({ address: server.address });
    worker = await runTestWorker(env, sql);
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await env?.teardown();
    await server?.stop();
    await sql.end();
  });

  it('continues as new when the server suggests it, keeping the seen billing ids', async () => {
    const t = await seedTenant(sql);
    const handle = await env.client.workflow.start(accountWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: accountWorkflowId(t.accountId),
      args: [{ accountId: t.accountId, policy: DEFAULT_POLICY }],
    });
    const firstRun = (await handle.describe()).runId;
    const latest = env.client.workflow.getHandle(handle.workflowId);
    await payThenAlternate(latest);
    const deadline = Date.now() + 20_000;
    while ((await latest.describe()).runId === firstRun) {
      if (Date.now() > deadline) throw new Error('the server suggested continue-as-new, but the workflow never did it');
      await new Promise((r) => setTimeout(r, 100));
    }
    const first = await env.client.workflow.getHandle(handle.workflowId, firstRun).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
    // One at a time, each handled before the next: signals that reach a run before its first task may be handled
    // in any order.
    await settled(latest);
    await latest.signal(paymentFailedSignal, { eventId: 'evt_new' });
    await settled(latest);
    await latest.signal(paymentSucceededSignal, { eventId: 'evt_s0' });
    await settled(latest);
    const view = await latest.query(viewQuery);
    expect(view.state).toBe('past_due');
    expect(view.transitions).toHaveLength(14);
    await latest.terminate('test done');
  });
});
