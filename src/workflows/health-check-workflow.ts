import { proxyActivities } from '@temporalio/workflow';
import type { SystemActivities } from '../activities/system-activities';

const { readSchemaVersion } = proxyActivities<SystemActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3 },
});

export interface HealthCheckResult {
  schemaVersion: number;
}

/** A round trip through Temporal, a worker and PostgreSQL; operators run it to check a deployment end to end. */
export async function healthCheckWorkflow(): Promise<HealthCheckResult> {
  return { schemaVersion: await readSchemaVersion() };
}
