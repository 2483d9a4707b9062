// Benchmark 3: one whole default lifecycle (trial 14 d → suspended 60 d → removed 30 d → deleted 30 d → purged)
// of accountWorkflow on the Java time-skipping test server, with a real worker and the real database. The baseline
// is one health-check workflow (a workflow plus one activity round trip) on the same server and worker.
import { randomBytes } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { insertAccountWithOwner } from '../src/db/signup';
import { hashPassword } from '../src/security/passwords';
import { startAccountWorkflow } from '../src/temporal/account-client';
import { accountWorkflowId, TASK_QUEUE } from '../src/temporal/ids';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../src/temporal/search-attributes';
import { createLetheWorker } from '../src/temporal/worker-factory';
import type { accountWorkflow } from '../src/workflows/account-workflow';
import type { healthCheckWorkflow } from '../src/workflows/health-check-workflow';
import type { BenchBase, Cleanup } from './stack';
import { median, now, round } from './stats';

export interface LifecycleOptions {
  runs: number;
  baselineRuns: number;
}

export interface LifecycleResult {
  testServerStartMs: number;
  workerStartMs: number;
  simulatedDays: number;
  lifecycleWallMs: { runs: number[]; median: number; max: number };
  baselineHealthCheckMs: { runs: number[]; median: number };
  /** Median lifecycle ÷ median health-check workflow. */
  ratio: number;
  goalMs: number;
  meetsGoal: boolean;
}

const INDEXED_VALUE_TYPES = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
} as const;

const DAY_MS = 86_400_000;

export async function benchLifecycle(
  base: BenchBase,
  cleanup: Cleanup,
  options: LifecycleOptions,
): Promise<LifecycleResult> {
  const path = base.manifest.testServer.path;
  if (path === undefined) throw new Error(`Java test server unavailable: ${base.manifest.testServer.detail}`);
  const t0 = now();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
  const testServerStartMs = now() - t0;
  const teardown = cleanup.add('time-skipping test server', () => env.teardown());
  let stopWorker: (() => Promise<void>) | undefined;
  try {
    // Like any cluster, the test server refuses upserts of search attributes it does not know.
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(
        Object.entries(CUSTOM_SEARCH_ATTRIBUTES).map(([name, type]) => [name, INDEXED_VALUE_TYPES[type]]),
      ),
    });
    const w0 = now();
    const worker = await createLetheWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      workflowBundle: base.bundle,
      config: base.config,
      sql: base.sql,
      logger: base.logger,
    });
    const workerStartMs = now() - w0;
    const running = worker.run();
    stopWorker = cleanup.add('time-skipping worker', async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });

    const tag = randomBytes(3).toString('hex');
    // One warm-up health check (first workflow task on a fresh server), then the measured ones.
    const baseline: number[] = [];
    for (let i = 0; i <= options.baselineRuns; i++) {
      const b0 = now();
      await env.client.workflow.execute<typeof healthCheckWorkflow>('healthCheckWorkflow', {
        taskQueue: TASK_QUEUE,
        workflowId: `bench-health-${tag}-${i}`,
      });
      if (i > 0) baseline.push(now() - b0);
    }

    const policy = base.config.lifecycle;
    const passwordHash = await hashPassword('correct horse battery staple, lifecycle');
    const runs: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const { accountId, createdAt } = await insertAccountWithOwner(base.benchSql, base.config.masterKey, {
        subdomain: `l${tag}-${i}`,
        name: `Lifecycle Tenant ${i}`,
        owner: { email: `owner-${i}@l${tag}.example`, name: `Lifecycle Owner ${i}`, passwordHash },
      });
      const l0 = now();
      await startAccountWorkflow(env.client, accountId, policy, createdAt.getTime());
      const result = await env.client.workflow.getHandle<typeof accountWorkflow>(accountWorkflowId(accountId)).result();
      runs.push(now() - l0);
      if (result.finalState !== 'purged') throw new Error(`lifecycle ended in ${String(result.finalState)}`);
      const [left] = await base.benchSql<{ n: number }[]>`
        select count(*)::int as n from accounts where id = ${accountId}`;
      if (left?.n !== 0) throw new Error('a purged account still has its accounts row');
    }
    await stopWorker();

    const lifecycleMedian = median(runs);
    const baselineMedian = median(baseline);
    const goalMs = 3_000;
    return {
      testServerStartMs: round(testServerStartMs, 0),
      workerStartMs: round(workerStartMs, 0),
      simulatedDays:
        (policy.trialPeriodMs + policy.suspensionPeriodMs + policy.removalPeriodMs + policy.backupRetentionPeriodMs) /
        DAY_MS,
      lifecycleWallMs: {
        runs: runs.map((v) => round(v, 0)),
        median: round(lifecycleMedian, 0),
        max: round(Math.max(...runs), 0),
      },
      baselineHealthCheckMs: { runs: baseline.map((v) => round(v, 1)), median: round(baselineMedian, 1) },
      ratio: round(lifecycleMedian / baselineMedian, 1),
      goalMs,
      meetsGoal: lifecycleMedian < goalMs,
    };
  } finally {
    await stopWorker?.();
    await teardown();
  }
}
