import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from '../../src/embedded/postgres';
import { readProvisionManifest } from '../../src/embedded/provision-manifest';
import { startDevServer } from '../../src/embedded/temporal-server';
import type { EmbeddedTemporal } from '../../src/embedded/temporal-server';
import { accountWorkflowId } from '../../src/temporal/ids';
import { startStack, until } from '../helpers/stack';
import { settled } from '../helpers/temporal';
import type { Stack } from '../helpers/stack';
import { FIXTURE_PASSWORD } from '../helpers/tenants';

interface Delivery {
  id: string;
  accountId: string;
  type: 'payment.succeeded' | 'payment.failed';
  occurredAt: string;
  /** Every status the billing system heard for it, in order. */
  statuses: number[];
}

const EVENTS_PER_ACCOUNT = 16;
const TRIAL = 12_000;

// issue 10 §3. A Temporal dev server of the test's own, with its SQLite file, SIGKILLed while signed payment events
// keep arriving, and started again on the same port and file. The billing system retries what was not answered 2xx,
// as billing systems do, and later redelivers everything (acknowledgements get lost too).
describe('Temporal killed under webhook load', () => {
  let temporal: EmbeddedTemporal;
  let options: Parameters<typeof startDevServer>[0];
  let stack: Stack;

  beforeAll(async () => {
    const cli = readProvisionManifest().temporalCli.path;
    if (cli === undefined) throw new Error('the Temporal CLI is not provisioned');
    options = {
      executable: cli,
      headless: true,
      dbFile: join(mkdtempSync(join(tmpdir(), 'lethe-kill-temporal-')), 'temporal.sqlite'),
      port: await freePort(),
    };
    temporal = await startDevServer(options);
    stack = await startStack({ TEMPORAL_ADDRESS: temporal.address, TRIAL_PERIOD: `${TRIAL / 1000}s` });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await temporal?.stop();
    if (options?.dbFile) rmSync(dirname(options.dbFile), { recursive: true, force: true });
  });

  async function signup(): Promise<string> {
    const tag = randomBytes(4).toString('hex');
    const res = await stack.http('POST', '/v1/accounts', {
      subdomain: `kill-${tag}`,
      name: `Tenant ${tag}`,
      owner: { email: `owner-${tag}@example.test`, name: 'Owner', password: FIXTURE_PASSWORD },
    });
    expect(res.status).toBe(201);
    return res.body.account.id as string;
  }

  const deliver = async (d: Delivery): Promise<number> => {
    const status = await stack
      .billing({ id: d.id, type: d.type, accountId: d.accountId, occurredAt: d.occurredAt, data: { invoiceId: 'inv' } })
      .then(
        (r) => r.status,
        () => 0,
      );
    d.statuses.push(status);
    return status;
  };
  const ok = (status: number) => status >= 200 && status < 300;
  const stateOf = async (id: string) => (await stack.http('GET', `/v1/accounts/${id}`, undefined, stack.operator)).body;

  /** The event ids the account's workflow received as signals, from its history. */
  async function signalledIds(accountId: string): Promise<string[]> {
    const history = await stack.temporal.client.workflow.getHandle(accountWorkflowId(accountId)).fetchHistory();
    return (history.events ?? [])
      .map((e) => e.workflowExecutionSignaledEventAttributes?.input?.payloads?.[0]?.data)
      .filter((data): data is Uint8Array => data != null)
      .map((data) => (JSON.parse(Buffer.from(data).toString()) as { eventId: string }).eventId);
  }

  it('answers 2xx only for signalled events, applies each exactly once, and fires the timers due during the outage', async () => {
    const paying = [await signup(), await signup(), await signup()];
    const sleeping = [await signup(), await signup()];
    const trialEndsAt = Date.now() + TRIAL;
    const base = Date.now();
    // Alternating success and failure, each newer than the last: the account must end as the newest one says.
    const deliveries: Delivery[] = paying.flatMap((accountId) =>
      Array.from({ length: EVENTS_PER_ACCOUNT }, (_, i) => ({
        id: `evt_${randomBytes(6).toString('hex')}`,
        accountId,
        type: i % 2 === 0 ? ('payment.succeeded' as const) : ('payment.failed' as const),
        occurredAt: new Date(base + i * 1_000).toISOString(),
        statuses: [],
      })),
    );

    // Each account's events in order, 150 ms apart, the accounts in parallel; Temporal dies a second in.
    const load = Promise.all(
      paying.map(async (accountId) => {
        for (const d of deliveries.filter((x) => x.accountId === accountId)) {
          await deliver(d);
          await new Promise((r) => setTimeout(r, 150));
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 1_000));
    process.kill(temporal.pid, 'SIGKILL');
    await temporal.exited;
    await load;
    // Down until the sleeping accounts' trials have ended.
    await new Promise((r) => setTimeout(r, Math.max(0, trialEndsAt - Date.now()) + 1_000));
    temporal = await startDevServer(options);

    const answered = deliveries.filter((d) => d.statuses.some(ok));
    const refused = deliveries.filter((d) => !d.statuses.some(ok));
    // The outage was real: some events were refused, some accepted before it.
    expect(answered.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const d of refused) expect(d.statuses.every((s) => s === 503)).toBe(true);

    // The billing system retries what was refused until it is accepted.
    for (const d of refused) await until(() => deliver(d), ok, 60_000);

    for (const accountId of paying) {
      const mine = deliveries.filter((d) => d.accountId === accountId);
      const newest = mine[mine.length - 1] as Delivery;
      const expected = newest.type === 'payment.succeeded' ? 'active' : 'past_due';
      // Every accepted event was signalled, but the worker may still be working through the backlog the outage left:
      // the account is judged once its workflow has handled every signal it holds (an intermediate state can equal
      // the final one).
      await settled(stack.temporal.client.workflow.getHandle(accountWorkflowId(accountId)), 60_000);
      const view = await stateOf(accountId);
      expect(view.state).toBe(expected);
      // No 2xx without its signal: every accepted event reached the workflow.
      const signalled = await signalledIds(accountId);
      for (const d of mine) expect(signalled).toContain(d.id);

      // Every event again, as a billing system that lost the acknowledgements would: nothing changes.
      for (const d of mine) {
        expect(await deliver(d)).toBe(200);
      }
      await settled(stack.temporal.client.workflow.getHandle(accountWorkflowId(accountId)), 60_000);
      const again = await stateOf(accountId);
      expect(again.state).toBe(expected);
      expect(again.transitions).toEqual(view.transitions);
    }
    const [delivered] = await stack.sql<{ n: number }[]>`
      select count(*)::int as n from billing_events where id in ${stack.sql(deliveries.map((d) => d.id))}
        and delivered_at is not null`;
    expect(delivered?.n).toBe(deliveries.length);

    // Their trials ended while Temporal was down: the timers fire once it is back.
    for (const accountId of sleeping) {
      expect(
        (
          await until(
            () => stateOf(accountId),
            (v) => v?.state === 'suspended',
            60_000,
          )
        ).state,
      ).toBe('suspended');
    }
  }, 300_000);
});
