import { ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { TASK_QUEUE } from './ids';

export const EMPTY_TRASH_SCHEDULE_ID = 'lethe-empty-trash';
export const REQUEST_CLOCK_SCHEDULE_ID = 'lethe-request-clock';

/** Creates Lethe's schedules if they do not exist (every worker start calls it; the first one wins). */
export async function ensureSchedules(client: Client): Promise<void> {
  for (const [scheduleId, workflowType, workflowId] of [
    [EMPTY_TRASH_SCHEDULE_ID, 'emptyTrashWorkflow', 'empty-trash'],
    [REQUEST_CLOCK_SCHEDULE_ID, 'requestClockWorkflow', 'request-clock'],
  ] as const) {
    try {
      await client.schedule.create({
        scheduleId,
        spec: { intervals: [{ every: '1 hour' }] },
        policies: { overlap: ScheduleOverlapPolicy.SKIP },
        action: { type: 'startWorkflow', workflowType, workflowId, taskQueue: TASK_QUEUE, args: [{}] },
      });
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    }
  }
}
