import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { readMigrations } from '../../src/db/migrate';
import { createLogger } from '../../src/logger';
import { TASK_QUEUE } from '../../src/temporal/ids';
import { createLetheWorker } from '../../src/temporal/worker-factory';
import { healthCheckWorkflow } from '../../src/workflows';
import { testConfig } from '../helpers/config';
import { testSql } from '../helpers/db';
import { createTimeSkippingEnv, workflowBundle } from '../helpers/temporal';

describe('healthCheckWorkflow', () => {
  let env: TestWorkflowEnvironment;
  let startMs: number;
  const sql = testSql();

  beforeAll(async () => {
    ({ env, startMs } = await createTimeSkippingEnv());
  });

  afterAll(async () => {
    await env?.teardown();
    await sql.end();
  });

  it('starts the provisioned test server within the 5 s the SDK allows', () => {
    process.stderr.write(`time-skipping test server started in ${startMs} ms\n`);
    expect(startMs).toBeLessThan(5_000);
  });

  it('round-trips through a real worker and PostgreSQL', async () => {
    const worker = await createLetheWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      workflowBundle: await workflowBundle(),
      config: testConfig(),
      sql,
      logger: createLogger('silent'),
    });
    const result = await worker.runUntil(() =>
      env.client.workflow.execute(healthCheckWorkflow, { taskQueue: TASK_QUEUE, workflowId: `health-${Date.now()}` }),
    );
    const newest = Math.max(...readMigrations().map((m) => m.version));
    expect(result).toEqual({ schemaVersion: newest });
  });
});
