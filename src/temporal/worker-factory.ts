import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { WorkflowBundleOption } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { ActivityDeps } from '../activities';
import { TASK_QUEUE } from './ids';
import { meterMetrics } from './worker-metrics';

export interface LetheWorkerOptions extends ActivityDeps {
  connection: NativeConnection;
  namespace: string;
  /** A prebuilt bundle (tests bundle once per file); otherwise the workflows are bundled from source. */
  workflowBundle?: WorkflowBundleOption;
}

/** Where the worker finds workflow code: src/workflows under ts-jest, dist/src/workflows when compiled. */
export const WORKFLOWS_PATH = require.resolve('../workflows');

/** The one place that decides what a Lethe worker registers, shared by worker.ts, start.ts and the tests. */
export function createLetheWorker(options: LetheWorkerOptions): Promise<Worker> {
  const { connection, namespace, workflowBundle, ...deps } = options;
  return Worker.create({
    connection,
    namespace,
    taskQueue: TASK_QUEUE,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    // Lethe's metrics go out through the SDK's meter: the same Prometheus endpoint as its own (when one is set up).
    activities: createActivities({ ...deps, metrics: deps.metrics ?? meterMetrics(Runtime.instance().metricMeter) }),
  });
}

export { NativeConnection };
