import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';
import type { Sql } from '../../src/db/client';
import { createLogger } from '../../src/logger';
import { createLetheWorker, WORKFLOWS_PATH } from '../../src/temporal/worker-factory';
import { testConfig } from './config';

let runtimeInstalled = false;

/** Keeps the SDK quiet in test output (warnings and errors only). Safe to call from every file. */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  } catch {
    // Already installed by an earlier test file in this process.
  }
}

/**
 * A time-skipping environment on the Java test server provisioned from Maven Central (never a download).
 * @returns the environment and how long the server took to start, in ms.
 */
export async function createTimeSkippingEnv(): Promise<{ env: TestWorkflowEnvironment; startMs: number }> {
  const path = process.env.TEMPORAL_TEST_SERVER;
  if (!path) throw new Error('TEMPORAL_TEST_SERVER is not set: run through jest (global-setup provisions it)');
  quietRuntime();
  const started = Date.now();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
  const startMs = Date.now() - started;
  await registerSearchAttributes(env);
  return { env, startMs };
}

/** An environment on the run's dev server (visibility works there; time does not skip). */
export async function createDevServerEnv(): Promise<TestWorkflowEnvironment> {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set: run through jest (global-setup starts the dev server)');
  quietRuntime();
  return TestWorkflowEnvironment.createFromExistingServer({ address });
}

/** The test server, like any cluster, refuses upserts of search attributes it does not know. */
async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      Object.entries(CUSTOM_SEARCH_ATTRIBUTES).map(([name, type]) => [name, INDEXED_VALUE_TYPES[type]]),
    ),
  });
}

const INDEXED_VALUE_TYPES = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
} as const;

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle, built once per test file (webpack takes seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  return bundle;
}

/** A real Lethe worker on a test environment, running until `stop()`. */
export async function runTestWorker(
  env: TestWorkflowEnvironment,
  sql: Sql,
): Promise<{ worker: Worker; stop(): Promise<void> }> {
  const worker = await createLetheWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    workflowBundle: await workflowBundle(),
    config: testConfig(),
    sql,
    logger: createLogger('silent'),
  });
  const running = worker.run();
  return {
    worker,
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

/** The design's default periods (14d trial, 7d grace, 60d, 30d, 30d; 7d reactivation), from the real loader. */
export const DEFAULT_POLICY = testConfig().lifecycle;

/**
 * Waits until the workflow has handled everything sent to it so far: a completed workflow task after its last
 * signal, no workflow task scheduled since, no activity or accepted update still open. A query right after a signal
 * may be answered before the signal is handled; after this it cannot. Judged from one snapshot of the history: a
 * history and a separate describe() taken moments apart can each look idle while, between them, an activity
 * finished and the next one was about to be scheduled. Throws when the workflow does not settle in time.
 */
export async function settled(handle: WorkflowHandle, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = (await handle.fetchHistory()).events ?? [];
    if (historyIsSettled(events)) return;
    if (Date.now() > deadline) throw new Error(`workflow ${handle.workflowId} did not settle within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

function historyIsSettled(events: HistoryEvent[]): boolean {
  const closed = events.some(
    (e) =>
      e.workflowExecutionCompletedEventAttributes != null ||
      e.workflowExecutionFailedEventAttributes != null ||
      e.workflowExecutionTerminatedEventAttributes != null ||
      e.workflowExecutionCanceledEventAttributes != null ||
      e.workflowExecutionContinuedAsNewEventAttributes != null ||
      e.workflowExecutionTimedOutEventAttributes != null,
  );
  if (closed) return true;
  const count = (has: (e: HistoryEvent) => unknown): number => events.filter((e) => has(e) != null).length;
  const openActivities =
    count((e) => e.activityTaskScheduledEventAttributes) -
    count((e) => e.activityTaskCompletedEventAttributes) -
    count((e) => e.activityTaskFailedEventAttributes) -
    count((e) => e.activityTaskTimedOutEventAttributes) -
    count((e) => e.activityTaskCanceledEventAttributes);
  const openUpdates =
    count((e) => e.workflowExecutionUpdateAcceptedEventAttributes) -
    count((e) => e.workflowExecutionUpdateCompletedEventAttributes);
  const lastSignal = events.findLastIndex((e) => e.workflowExecutionSignaledEventAttributes != null);
  const lastTaskDone = events.findLastIndex((e) => e.workflowTaskCompletedEventAttributes != null);
  const lastTaskScheduled = events.findLastIndex((e) => e.workflowTaskScheduledEventAttributes != null);
  return lastTaskDone > lastSignal && lastTaskDone > lastTaskScheduled && openActivities === 0 && openUpdates === 0;
}

/**
 * The frame of a workflow test file on the run's dev server: an environment and a worker for the file, stopped after
 * it. Read `env()` inside tests (it exists once beforeAll has run).
 */
export function useDevServerWorker(sql: Sql): { env: () => TestWorkflowEnvironment } {
  let env: TestWorkflowEnvironment | undefined;
  let worker: Awaited<ReturnType<typeof runTestWorker>> | undefined;
  beforeAll(async () => {
    env = await createDevServerEnv();
    worker = await runTestWorker(env, sql);
  });
  afterAll(async () => {
    await worker?.stop();
    await env?.teardown();
    await sql.end();
  });
  return {
    env: () => {
      if (env === undefined) throw new Error('the dev-server environment is not up yet');
      return env;
    },
  };
}
