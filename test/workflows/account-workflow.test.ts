import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { accountWorkflowId, TASK_QUEUE } from '../../src/temporal/ids';
import { accountWorkflow } from '../../src/workflows';
import {
  paymentFailedSignal,
  paymentSucceededSignal,
  reactivateUpdate,
  requestDeletionUpdate,
  viewQuery,
} from '../../src/workflows/account-messages';
import type { AccountView } from '../../src/workflows/account-view';
import { testSql, truncateAll } from '../helpers/db';
import { createTimeSkippingEnv, DEFAULT_POLICY, runTestWorker, settled } from '../helpers/temporal';
import { rowsOfAccount, seedTenant } from '../helpers/tenants';
import type { SeededTenant } from '../helpers/tenants';

const DAY = 86_400_000;
const FIXTURES = join(__dirname, '..', 'fixtures', 'histories');

describe('accountWorkflow on the time-skipping server', () => {
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

  async function start(tenant: SeededTenant, extra: { continueAsNewAfterEvents?: number } = {}) {
    return env.client.workflow.start(accountWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: accountWorkflowId(tenant.accountId),
      args: [{ accountId: tenant.accountId, policy: DEFAULT_POLICY, ...extra }],
    });
  }

  /** Queries until the view satisfies `check` (signals are processed asynchronously); throws if it never does. */
  async function viewWhen(handle: WorkflowHandle, check: (v: AccountView) => boolean): Promise<AccountView> {
    return eventually(() => handle.query(viewQuery), check);
  }

  /**
   * Polls until `read` returns a value `check` accepts (activities run after the state they follow is visible);
   * throws with the last value when it never does, so no caller goes on with a stale one.
   */
  async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const value = await read();
      if (check(value)) return value;
      if (Date.now() > deadline) throw new Error(`not reached in 10 s; last: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function dbState(accountId: string, state?: string) {
    return eventually(
      async () =>
        (await sql`select state, suspended_reason, access_blocked_at from accounts where id = ${accountId}`)[0],
      (row) => state === undefined || row?.state === state,
    );
  }

  /**
   * Ends a test's workflow the way accounts end, instead of terminating it: terminating while an activity runs
   * leaves the Java test server's time-skipping lock held, and every later `env.sleep` then waits in real time.
   */
  async function finish(handle: WorkflowHandle<typeof accountWorkflow>): Promise<void> {
    const view = await handle.query(viewQuery);
    if (view.state !== 'deleting' && view.state !== 'deleted') {
      await handle.executeUpdate(requestDeletionUpdate, { args: [{ by: 'support' }] });
    }
    expect((await handle.result()).finalState).toBe('purged');
  }

  async function saveHistory(handle: WorkflowHandle, name: string): Promise<void> {
    if (process.env.UPDATE_HISTORY_FIXTURES !== '1') return;
    const history = await handle.fetchHistory();
    // Binary protobuf: the JSON helpers of the SDK trip over jest's per-file module registry.
    writeFileSync(join(FIXTURES, `${name}.binpb`), temporal.api.history.v1.History.encode(history).finish());
  }

  it('walks the default lifecycle, trial → suspended → removed → deleted → purged, with the real durations', async () => {
    const t = await seedTenant(sql);
    const started = Date.now();
    const handle = await start(t);
    const first = await handle.query(viewQuery);
    expect(first.state).toBe('trial');
    const createdAt = Date.parse(first.stateSince);
    expect(Date.parse(first.deadlines.trialEndsAt!)).toBe(createdAt + 14 * DAY);

    await env.sleep('14 days');
    const suspended = await viewWhen(handle, (v) => v.state === 'suspended');
    expect(suspended).toMatchObject({ state: 'suspended', suspendedReason: 'trial_expired' });
    expect(Date.parse(suspended.deadlines.removalAt!)).toBe(createdAt + 74 * DAY);
    expect(await dbState(t.accountId, 'suspended')).toMatchObject({ suspendedReason: 'trial_expired' });
    expect(
      (
        await eventually(
          () => dbState(t.accountId),
          (r) => r?.accessBlockedAt != null,
        )
      )?.accessBlockedAt,
    ).toBeInstanceOf(Date);

    await env.sleep('60 days');
    const removed = await viewWhen(handle, (v) => v.state === 'removed');
    expect(Date.parse(removed.deadlines.deletionAt!)).toBe(createdAt + 104 * DAY);
    await dbState(t.accountId, 'removed');
    const domains = () => sql`select subdomain from account_domains where account_id = ${t.accountId}`;
    expect(await eventually(domains, (rows) => rows.length === 0)).toHaveLength(0);
    expect(await sql`select 1 from users where account_id = ${t.accountId}`).not.toHaveLength(0);

    const kinds = () => sql<{ kind: string }[]>`
      select kind from notification_outbox where account_id = ${t.accountId} order by created_at, kind`;
    expect((await eventually(kinds, (rows) => rows.length === 4)).map((r) => r.kind)).toEqual([
      'trial_ending',
      'suspended',
      'removal_pending',
      'removed',
    ]);

    await env.sleep('30 days');
    const deleted = await viewWhen(handle, (v) => v.state === 'deleted');
    expect(Date.parse(deleted.deadlines.purgeAt!)).toBeGreaterThanOrEqual(createdAt + 134 * DAY);
    const live = await eventually(
      () => rowsOfAccount(sql, t.accountId),
      (rows) => rows.users === 0,
    );
    expect(live.users).toBe(0);
    expect(live.account_backups).toBe(1);

    const result = await handle.result();
    expect(result).toMatchObject({ accountId: t.accountId, finalState: 'purged', transitions: 5 });
    const left = await rowsOfAccount(sql, t.accountId);
    expect(
      Object.entries(left)
        .filter(([, n]) => n > 0)
        .map(([table]) => table)
        .sort(),
    ).toEqual(['audit_log', 'purged_accounts']);
    const outbox = await sql`select kind from notification_outbox`;
    expect(outbox).toEqual([]);
    const elapsed = Date.now() - started;
    process.stderr.write(`whole default lifecycle (134 days) on the time-skipping server: ${elapsed} ms\n`);
    // In real time the lifecycle is 134 days; a minute proves the time skipping with room for a loaded machine.
    expect(elapsed).toBeLessThan(60_000);

    const history = JSON.stringify(await handle.fetchHistory());
    for (const secret of [t.ownerEmail, t.ownerName, t.subdomain]) expect(history).not.toContain(secret);
    await saveHistory(handle, 'default-lifecycle');
  });

  it('follows the payment path: grace from the first failure, suspension, reactivation by chat, payment', async () => {
    const t = await seedTenant(sql);
    const handle = await start(t);
    await handle.signal(paymentSucceededSignal, { eventId: 'evt_1' });
    expect((await viewWhen(handle, (v) => v.state === 'active')).plan).toBe('paid');

    await handle.signal(paymentFailedSignal, { eventId: 'evt_2' });
    const pastDue = await viewWhen(handle, (v) => v.state === 'past_due');
    const graceEndsAt = pastDue.deadlines.graceEndsAt;
    await env.sleep('3 days');
    await handle.signal(paymentFailedSignal, { eventId: 'evt_3' });
    await handle.signal(paymentFailedSignal, { eventId: 'evt_2' });
    await settled(handle);
    const still = await handle.query(viewQuery);
    expect(still.state).toBe('past_due');
    expect(still.deadlines.graceEndsAt).toBe(graceEndsAt);
    expect(still.transitions).toHaveLength(2);

    await env.sleep('4 days');
    const suspended = await viewWhen(handle, (v) => v.state === 'suspended');
    expect(suspended.suspendedReason).toBe('payment_failed');
    expect(suspended.stateSince).toBe(graceEndsAt);

    const reactivated = await handle.executeUpdate(reactivateUpdate, { args: [{ channel: 'chat' }] });
    expect(reactivated.state).toBe('past_due');
    expect(Date.parse(reactivated.deadlines.graceEndsAt!)).toBeGreaterThan(Date.parse(graceEndsAt!));
    expect(reactivated.transitions.at(-1)?.cause).toBe('reactivated_chat');
    expect((await dbState(t.accountId, 'past_due'))?.accessBlockedAt).toBeNull();

    await handle.signal(paymentSucceededSignal, { eventId: 'evt_4' });
    const active = await viewWhen(handle, (v) => v.state === 'active');
    expect(active.transitions.map((x) => `${x.from}>${x.to}`)).toEqual([
      'trial>active',
      'active>past_due',
      'past_due>suspended',
      'suspended>past_due',
      'past_due>active',
    ]);
    await dbState(t.accountId, 'active');
    await finish(handle);
    await saveHistory(handle, 'payment-path');
  });

  it('reactivates a trial-expired account by email with a fresh reactivation window, and a removed one with its configuration', async () => {
    const t = await seedTenant(sql);
    const handle = await start(t);
    await env.sleep('14 days');
    await viewWhen(handle, (v) => v.state === 'suspended');
    const trial = await handle.executeUpdate(reactivateUpdate, { args: [{ channel: 'email' }] });
    expect(trial.state).toBe('trial');
    expect(Date.parse(trial.deadlines.trialEndsAt!) - Date.parse(trial.stateSince)).toBe(7 * DAY);

    await env.sleep('7 days');
    await viewWhen(handle, (v) => v.state === 'suspended');
    await env.sleep('60 days');
    await viewWhen(handle, (v) => v.state === 'removed');
    await dbState(t.accountId, 'removed');
    expect(
      await eventually(
        () => sql`select 1 from configuration_stashes where account_id = ${t.accountId}`,
        (rows) => rows.length === 1,
      ),
    ).toHaveLength(1);
    expect(await sql`select 1 from account_domains where account_id = ${t.accountId}`).toHaveLength(0);

    const back = await handle.executeUpdate(reactivateUpdate, { args: [{ channel: 'chat' }] });
    expect(back.state).toBe('trial');
    expect(await sql`select subdomain from account_domains where account_id = ${t.accountId}`).toEqual([
      { subdomain: t.subdomain },
    ]);
    expect(await sql`select 1 from configuration_stashes where account_id = ${t.accountId}`).toHaveLength(0);

    await env.sleep('8 days');
    await viewWhen(handle, (v) => v.state === 'suspended');
    await handle.signal(paymentSucceededSignal, { eventId: 'evt_pay' });
    expect((await viewWhen(handle, (v) => v.state === 'active')).plan).toBe('paid');
    await dbState(t.accountId, 'active');
    await finish(handle);
    await saveHistory(handle, 'reactivation');
  });

  it('rejects updates the state does not allow before they enter history', async () => {
    const t = await seedTenant(sql);
    const handle = await start(t);
    const error = await handle
      .executeUpdate(reactivateUpdate, { args: [{ channel: 'chat' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((error as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'NOT_SUSPENDED' });
    const history = await handle.fetchHistory();
    const eventTypes = (history.events ?? []).map((e) => String(e.eventType));
    expect(eventTypes.some((type) => /UPDATE/i.test(type))).toBe(false);
    await finish(handle);
  });

  it('deletes at the owner’s request from trial, answers `deleting` at once, refuses a second request, and purges 30 days later', async () => {
    const t = await seedTenant(sql, { agents: 3 });
    const handle = await start(t);
    const answer = await handle.executeUpdate(requestDeletionUpdate, { args: [{ by: 'owner' }] });
    expect(answer.state).toBe('deleting');
    const deleted = await viewWhen(handle, (v) => v.state === 'deleted');
    expect(deleted.transitions.map((x) => x.cause)).toEqual(['deletion_requested_owner', 'deletion_completed']);
    expect(
      (
        await eventually(
          () => rowsOfAccount(sql, t.accountId),
          (r) => r.users === 0,
        )
      ).users,
    ).toBe(0);

    const again = await handle
      .executeUpdate(requestDeletionUpdate, { args: [{ by: 'support' }] })
      .catch((e: unknown) => e);
    expect((again as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'ACCOUNT_DELETED' });
    await handle.signal(paymentSucceededSignal, { eventId: 'late-payment' });

    const result = await handle.result();
    expect(result.finalState).toBe('purged');
    expect(Date.parse(result.purgedAt) - Date.parse(deleted.stateSince)).toBe(30 * DAY);
    await saveHistory(handle, 'owner-deletion');
  });

  it.each(['active', 'past_due', 'suspended', 'removed'] as const)(
    'accepts owner deletion in %s and ends purged',
    async (state) => {
      const t = await seedTenant(sql, { agents: 0, sessionsPerUser: 0 });
      const handle = await start(t);
      if (state !== 'suspended' && state !== 'removed') {
        await handle.signal(paymentSucceededSignal, { eventId: 'p1' });
        if (state === 'past_due') await handle.signal(paymentFailedSignal, { eventId: 'p2' });
      } else {
        await env.sleep(state === 'suspended' ? '14 days' : '74 days');
      }
      const before = await viewWhen(handle, (v) => v.state === state);
      expect(before.transitions.at(-1)?.to).toBe(state);
      expect((await dbState(t.accountId, state))?.state).toBe(state);
      const answer = await handle.executeUpdate(requestDeletionUpdate, { args: [{ by: 'support' }] });
      expect(answer.state).toBe('deleting');
      expect(answer.transitions.at(-1)).toMatchObject({
        from: state,
        to: 'deleting',
        cause: 'deletion_requested_support',
      });
      const result = await handle.result();
      expect(result).toMatchObject({ accountId: t.accountId, finalState: 'purged' });
      expect(await rowsOfAccount(sql, t.accountId)).toEqual(expect.objectContaining({ accounts: 0, users: 0 }));
    },
  );
});
