import { patched, proxyActivities } from '@temporalio/workflow';
import type { ErasureActivities } from '../activities/erasure-activities';
import { erasurePlan } from '../domain/erasure-plan';
import type { ErasureKind } from '../domain/erasure-plan';
import { BATCHED, QUICK } from './activity-options';

export interface ErasureWorkflowInput {
  accountId: string;
  requestId: string;
  kind: ErasureKind;
}

/** Patch id of the steps for pending sign-ups, pending mail and unverified contacts (issue 9). */
export const UNVERIFIED_CONTACT_STEPS = 'erasure-unverified-contact-steps';

const quick = proxyActivities<ErasureActivities>(QUICK);
const batches = proxyActivities<ErasureActivities>(BATCHED);

/**
 * One deletion requested for a data subject (DESIGN §3): the steps of the domain's plan, each a resumable batched
 * activity, then the signed receipt. Its id is `erasure-<accountId>-<requestId>`; its history holds ids and counts.
 */
export async function erasureWorkflow(input: ErasureWorkflowInput): Promise<{ requestId: string; rows: number }> {
  await quick.startErasure(input);
  const legacy = !patched(UNVERIFIED_CONTACT_STEPS);
  for (const step of erasurePlan(input.kind, { legacy })) {
    await batches.runErasureStep({ accountId: input.accountId, requestId: input.requestId, step });
  }
  return quick.completeErasure(input);
}
