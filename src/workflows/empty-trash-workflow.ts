import { executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ErasureActivities } from '../activities/erasure-activities';
import { erasureWorkflowId } from '../temporal/ids';
import { QUICK } from './activity-options';
import { erasureWorkflow } from './erasure-workflow';

/** Tickets stay restorable in the trash, and in the spam folder, this long (DESIGN §3, issue 14). */
export const TRASH_RETENTION_MS = 30 * 86_400_000;

const { findExpiredTrash, requestTrashDeletion } = proxyActivities<ErasureActivities>(QUICK);

/**
 * Run by the Schedule `lethe-empty-trash`: deletes every ticket trashed, or filed as spam, more than 30 days ago
 * (a ticket in both counts as trash), each as its own erasure workflow (with its receipt), a few at a time.
 * Returns how many it deleted.
 */
export async function emptyTrashWorkflow(input: { retentionMs?: number; batch?: number } = {}): Promise<number> {
  const expired = await findExpiredTrash({
    olderThanMs: input.retentionMs ?? TRASH_RETENTION_MS,
    limit: input.batch ?? 200,
  });
  const parallel = 5;
  for (let i = 0; i < expired.length; i += parallel) {
    await Promise.all(
      expired.slice(i, i + parallel).map(async ({ accountId, ticketId, folder }) => {
        const requestId = await requestTrashDeletion({ accountId, ticketId, folder });
        await executeChild(erasureWorkflow, {
          workflowId: erasureWorkflowId(accountId, requestId),
          args: [{ accountId, requestId, kind: 'ticket' }],
          taskQueue: workflowInfo().taskQueue,
        });
      }),
    );
  }
  return expired.length;
}
