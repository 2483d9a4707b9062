import { proxyActivities } from '@temporalio/workflow';
import type { RequestClockActivities } from '../activities/request-clock-activities';
import { QUICK } from './activity-options';

/** How long before its due date an open request is brought to the owner's attention. */
export const DUE_SOON_MS = 7 * 86_400_000;

const { remindDueRequests } = proxyActivities<RequestClockActivities>(QUICK);

/** Run by the Schedule `lethe-request-clock`: reminders for requests due within a week, and for overdue ones. */
export async function requestClockWorkflow(input: { withinMs?: number } = {}): Promise<number> {
  return remindDueRequests({ withinMs: input.withinMs ?? DUE_SOON_MS });
}
