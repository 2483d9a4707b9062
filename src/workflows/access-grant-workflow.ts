import { proxyActivities, sleep } from '@temporalio/workflow';
import type { AccessGrantActivities } from '../activities/access-grant-activities';
import { QUICK } from './activity-options';

const { expireAccessGrant } = proxyActivities<AccessGrantActivities>(QUICK);

/**
 * An approved access grant: a durable timer to its expiry, then the grant ends. A revocation before then ends it at
 * once in the database; the timer's end is then a no-op. Id `access-grant-<id>`; ids only.
 */
export async function accessGrantWorkflow(input: { grantId: string; expiresAt: number }): Promise<boolean> {
  const wait = input.expiresAt - Date.now();
  if (wait > 0) await sleep(wait);
  return expireAccessGrant({ grantId: input.grantId });
}
