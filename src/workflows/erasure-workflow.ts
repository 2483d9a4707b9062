import { proxyActivities } from '@temporalio/workflow';
import type { ErasureActivities } from '../activities/erasure-activities';
import { erasurePlan } from '../domain/erasure-plan';
import type { ErasureKind } from '../domain/erasure-plan';

export interface ErasureWorkflowInput {
  accountId: string;
  requestId: string;
  kind: ErasureKind;
}

const quick = proxyActivities<ErasureActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const batches = proxyActivities<ErasureActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * One deletion requested for a data subject (DESIGN §3): the steps of the domain's plan, each a resumable batched
 * activity, then the signed receipt. Its id is `erasure-<accountId>-<requestId>`; its history holds ids and counts.
 */
export async function erasureWorkflow(input: ErasureWorkflowInput): Promise<{ requestId: string; rows: number }> {
  await quick.startErasure(input);
  for (const step of erasurePlan(input.kind)) {
    await batches.runErasureStep({ accountId: input.accountId, requestId: input.requestId, step });
  }
  return quick.completeErasure(input);
}
