// Benchmark 1: tenant creation throughput. Signups through the real HTTP API (argon2id hash, one transaction,
// workflow start, audit row) against the bare cost of starting a workflow with the same client, concurrency and
// count on the same dev server. Phases run in ABBA order (bare, signup, signup, bare) so drift hits both alike,
// and the argon2id hash is timed alone around them to say how much of the gap it explains.
import { randomBytes } from 'node:crypto';
import { hashPassword } from '../src/security/passwords';
import { TASK_QUEUE } from '../src/temporal/ids';
import type { healthCheckWorkflow } from '../src/workflows/health-check-workflow';
import { expectStatus, httpJson } from './http';
import type { AppStack } from './stack';
import { distribution, round, runPool } from './stats';
import type { Distribution } from './stats';

export interface ThroughputOptions {
  count: number;
  concurrency: number;
  warmup: number;
  hashCount: number;
}

export interface ThroughputResult {
  count: number;
  concurrency: number;
  signupsPerSec: number;
  bareStartsPerSec: number;
  /** signups/s ÷ bare starts/s; goal ≥ 0.70. */
  ratio: number;
  goal: number;
  meetsGoal: boolean;
  signupLatencyMs: Distribution;
  bareStartLatencyMs: Distribution;
  argon2: {
    hashesPerSec: number;
    latencyMs: Distribution;
    /** Throughput cost per operation (1/rate), in ms, at the same concurrency. */
    hashMsPerOp: number;
    signupMsPerOp: number;
    bareMsPerOp: number;
    /** (hash ms/op) ÷ (signup ms/op − bare ms/op): the share of the gap the hash alone accounts for. */
    shareOfGapExplained: number;
    /** Estimated signups/s without the hash, ÷ bare starts/s (an estimate: it assumes costs add up). */
    ratioWithoutHashEstimate: number | null;
  };
}

export const SIGNUP_PASSWORD = 'correct horse battery staple, bench edition';

export async function benchTenantCreation(
  app: AppStack,
  options: ThroughputOptions,
): Promise<{ result: ThroughputResult; accountIds: string[] }> {
  const tag = randomBytes(3).toString('hex');
  const accountIds: string[] = [];
  let signupSeq = 0;
  let bareSeq = 0;

  const signup = async (): Promise<void> => {
    const n = signupSeq++;
    const body = JSON.stringify({
      subdomain: `b${tag}-${n}`,
      name: `Bench Tenant ${n}`,
      owner: { email: `owner-${n}@b${tag}.example`, name: `Bench Owner ${n}`, password: SIGNUP_PASSWORD },
    });
    const answer = await httpJson<{ account: { id: string; state: string } }>(
      app.server.url,
      'POST',
      '/v1/accounts',
      body,
    );
    const created = expectStatus(answer, 201, 'signup');
    accountIds.push(created.account.id);
  };
  const bareStart = async (): Promise<void> => {
    const n = bareSeq++;
    await app.temporal.client.workflow.start<typeof healthCheckWorkflow>('healthCheckWorkflow', {
      taskQueue: TASK_QUEUE,
      workflowId: `bench-bare-${tag}-${n}`,
    });
  };

  // Warm-up: JIT, connection pools, keep-alive sockets, the worker's first workflow tasks.
  await runPool(options.warmup, options.concurrency, bareStart);
  await runPool(options.warmup, options.concurrency, signup);

  // The argon2id hash of every signup (19 MiB, t=2), alone, at the same concurrency in the same process; its
  // batches wrap the others (hash, bare, signup, signup, bare, hash).
  const hash = () => hashPassword(SIGNUP_PASSWORD);
  const half = Math.ceil(options.count / 2);
  const rest = options.count - half;
  const hashHalf = Math.ceil(options.hashCount / 2);
  const hash1 = await runPool(hashHalf, options.concurrency, hash);
  const bare1 = await runPool(half, options.concurrency, bareStart);
  const sign1 = await runPool(half, options.concurrency, signup);
  const sign2 = await runPool(rest, options.concurrency, signup);
  const bare2 = await runPool(rest, options.concurrency, bareStart);
  const hash2 = await runPool(options.hashCount - hashHalf, options.concurrency, hash);

  const signupsPerSec = (options.count * 1000) / (sign1.wallMs + sign2.wallMs);
  const bareStartsPerSec = (options.count * 1000) / (bare1.wallMs + bare2.wallMs);
  const hashesPerSec = (options.hashCount * 1000) / (hash1.wallMs + hash2.wallMs);

  const signupMsPerOp = 1000 / signupsPerSec;
  const bareMsPerOp = 1000 / bareStartsPerSec;
  const hashMsPerOp = 1000 / hashesPerSec;
  const gap = signupMsPerOp - bareMsPerOp;
  const withoutHashMsPerOp = signupMsPerOp - hashMsPerOp;
  const ratio = signupsPerSec / bareStartsPerSec;
  const goal = 0.7;

  return {
    accountIds,
    result: {
      count: options.count,
      concurrency: options.concurrency,
      signupsPerSec: round(signupsPerSec, 1),
      bareStartsPerSec: round(bareStartsPerSec, 1),
      ratio: round(ratio, 3),
      goal,
      meetsGoal: ratio >= goal,
      signupLatencyMs: distribution([...sign1.latenciesMs, ...sign2.latenciesMs]),
      bareStartLatencyMs: distribution([...bare1.latenciesMs, ...bare2.latenciesMs]),
      argon2: {
        hashesPerSec: round(hashesPerSec, 1),
        latencyMs: distribution([...hash1.latenciesMs, ...hash2.latenciesMs]),
        hashMsPerOp: round(hashMsPerOp),
        signupMsPerOp: round(signupMsPerOp),
        bareMsPerOp: round(bareMsPerOp),
        shareOfGapExplained: round(gap > 0 ? hashMsPerOp / gap : Number.NaN, 3),
        ratioWithoutHashEstimate:
          withoutHashMsPerOp > 0 ? round(1000 / withoutHashMsPerOp / bareStartsPerSec, 3) : null,
      },
    },
  };
}
