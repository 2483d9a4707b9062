import { ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { TASK_QUEUE } from './ids';

export const EMPTY_TRASH_SCHEDULE_ID = 'lethe-empty-trash';

/** Creates Lethe's schedules if they do not exist (every worker start calls it; the first one wins). */
export async function ensureSchedules(client: Client): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: EMPTY_TRASH_SCHEDULE_ID,
      spec: { intervals: [{ every: '1 hour' }] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
      action: {
        type: 'startWorkflow',
        workflowType: 'emptyTrashWorkflow',
        workflowId: 'empty-trash',
        taskQueue: TASK_QUEUE,
        args: [{}],
      },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
}
