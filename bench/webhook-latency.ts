// Benchmark 2: billing webhook → visible state. From sending a signed `payment.failed` event until
// `GET /v1/accounts/:id` shows `past_due`, against a bare `signal` + `query` loop on other accounts of the same run
// with the same client. Measurements alternate one by one (and which side goes first), so load and drift are shared.
import { randomBytes } from 'node:crypto';
import { accountWorkflowId } from '../src/temporal/ids';
import { paymentFailedSignal, viewQuery } from '../src/workflows/account-messages';
import type { AccountView } from '../src/workflows/account-view';
import { billingEvent, expectStatus, httpJson, postBillingEvent } from './http';
import type { AppStack, BenchBase } from './stack';
import { distribution, now, pollUntil, round, runPool } from './stats';
import type { Distribution } from './stats';

export interface WebhookLatencyOptions {
  /** Accounts measured on each side. */
  count: number;
  warmupPairs: number;
  pollIntervalMs: number;
}

export interface WebhookLatencyResult {
  accountsPerSide: number;
  pollIntervalMs: number;
  webhookToVisibleMs: Distribution;
  bareSignalToQueryMs: Distribution;
  /** Time of the webhook's own answer (signature, lookup, insert, signal). */
  webhookResponseMs: Distribution;
  p50Ratio: number;
  p99Ratio: number;
  p99DifferenceMs: number;
  /** p99 ≤ bare p99 + 20 ms. */
  goalP99SlackMs: number;
  meetsGoal: boolean;
  meanPollsWebhook: number;
  meanPollsBare: number;
  samplesMs: { webhook: number[]; bare: number[] };
}

const ACTIVATION_TIMEOUT_MS = 30_000;
const MEASURE_TIMEOUT_MS = 10_000;

export async function benchWebhookLatency(
  base: BenchBase,
  app: AppStack,
  accountIds: readonly string[],
  options: WebhookLatencyOptions,
): Promise<WebhookLatencyResult> {
  const needed = 2 * (options.warmupPairs + options.count);
  if (accountIds.length < needed) throw new Error(`webhook latency needs ${needed} accounts, has ${accountIds.length}`);
  const ids = accountIds.slice(0, needed);
  const tag = randomBytes(3).toString('hex');
  const secret = base.config.billingWebhookSecret;
  const client = app.temporal.client;
  const view = (id: string): Promise<AccountView> => client.workflow.getHandle(accountWorkflowId(id)).query(viewQuery);

  // Every account first becomes `active` through a real signed payment.succeeded event.
  await runPool(ids.length, 8, async (i) => {
    const id = ids[i]!;
    const answer = await postBillingEvent(
      app.server.url,
      secret,
      billingEvent(`evt_${tag}_ok_${i}`, 'payment.succeeded', id),
    );
    expectStatus(answer, 200, 'payment.succeeded');
    await pollUntil(
      () => view(id),
      (v) => v.state === 'active',
      20,
      ACTIVATION_TIMEOUT_MS,
      `${id} active`,
    );
  });

  const viaWebhook = async (id: string, n: number): Promise<{ ms: number; responseMs: number; polls: number }> => {
    const t0 = now();
    const event = billingEvent(`evt_${tag}_fail_${n}`, 'payment.failed', id);
    const answer = await postBillingEvent(app.server.url, secret, event);
    const responseMs = now() - t0;
    expectStatus(answer, 200, 'payment.failed');
    const { polls } = await pollUntil(
      () => httpJson<{ state: string }>(app.server.url, 'GET', `/v1/accounts/${id}`, undefined, app.operatorHeaders),
      (a) => expectStatus(a, 200, 'GET account').state === 'past_due',
      options.pollIntervalMs,
      MEASURE_TIMEOUT_MS,
      `${id} past_due via API`,
    );
    return { ms: now() - t0, responseMs, polls };
  };
  const bare = async (id: string, n: number): Promise<{ ms: number; polls: number }> => {
    const t0 = now();
    const handle = client.workflow.getHandle(accountWorkflowId(id));
    await handle.signal(paymentFailedSignal, { eventId: `evt_${tag}_bare_${n}` });
    const { polls } = await pollUntil(
      () => handle.query(viewQuery),
      (v) => v.state === 'past_due',
      options.pollIntervalMs,
      MEASURE_TIMEOUT_MS,
      `${id} past_due via query`,
    );
    return { ms: now() - t0, polls };
  };

  const webhookMs: number[] = [];
  const responseMs: number[] = [];
  const bareMs: number[] = [];
  let webhookPolls = 0;
  let barePolls = 0;
  const pairs = options.warmupPairs + options.count;
  for (let i = 0; i < pairs; i++) {
    const webhookAccount = ids[2 * i]!;
    const bareAccount = ids[2 * i + 1]!;
    const runWebhook = () => viaWebhook(webhookAccount, i);
    const runBare = () => bare(bareAccount, i);
    let w: Awaited<ReturnType<typeof viaWebhook>>;
    let b: Awaited<ReturnType<typeof bare>>;
    if (i % 2 === 0) {
      w = await runWebhook();
      b = await runBare();
    } else {
      b = await runBare();
      w = await runWebhook();
    }
    if (i < options.warmupPairs) continue;
    webhookMs.push(w.ms);
    responseMs.push(w.responseMs);
    bareMs.push(b.ms);
    webhookPolls += w.polls;
    barePolls += b.polls;
  }

  const webhook = distribution(webhookMs);
  const bareDist = distribution(bareMs);
  const slack = 20;
  return {
    accountsPerSide: options.count,
    pollIntervalMs: options.pollIntervalMs,
    webhookToVisibleMs: webhook,
    bareSignalToQueryMs: bareDist,
    webhookResponseMs: distribution(responseMs),
    p50Ratio: round(webhook.p50 / bareDist.p50, 3),
    p99Ratio: round(webhook.p99 / bareDist.p99, 3),
    p99DifferenceMs: round(webhook.p99 - bareDist.p99),
    goalP99SlackMs: slack,
    meetsGoal: webhook.p99 <= bareDist.p99 + slack,
    meanPollsWebhook: round(webhookPolls / options.count),
    meanPollsBare: round(barePolls / options.count),
    samplesMs: { webhook: webhookMs.map((v) => round(v, 1)), bare: bareMs.map((v) => round(v, 1)) },
  };
}
