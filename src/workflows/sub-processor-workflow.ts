import { proxyActivities, sleep } from '@temporalio/workflow';
import type { SubProcessorActivities } from '../activities/sub-processor-activities';
import { QUICK } from './activity-options';

const { announceSubProcessor, activateSubProcessor } = proxyActivities<SubProcessorActivities>(QUICK);

export interface SubProcessorWorkflowInput {
  subProcessorId: string;
  /** When the objection window closes and the sub-processor takes effect (epoch ms). */
  effectiveAt: number;
}

/**
 * A planned sub-processor (Art. 28(2)): every owner is told at once, then the objection window runs on a durable
 * timer, and the change takes effect when it closes. Its id is `sub-processor-<id>`; its history holds ids only.
 */
export async function subProcessorWorkflow(input: SubProcessorWorkflowInput): Promise<{ objections: number }> {
  await announceSubProcessor({ subProcessorId: input.subProcessorId });
  const wait = input.effectiveAt - Date.now();
  if (wait > 0) await sleep(wait);
  return activateSubProcessor({ subProcessorId: input.subProcessorId });
}
