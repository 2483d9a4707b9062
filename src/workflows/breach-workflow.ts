import { proxyActivities, sleep } from '@temporalio/workflow';
import type { BreachActivities, BreachClockMark } from '../activities/breach-activities';
import { QUICK } from './activity-options';

const HOUR = 3_600_000;

/** Art. 33(1): the supervisory authority is notified within 72 hours of awareness. */
export const BREACH_NOTIFICATION_MS = 72 * HOUR;

/** Where the clock is looked at: 24 hours left, 6 hours left, and the deadline itself. */
export const BREACH_CLOCK: readonly [number, BreachClockMark][] = [
  [48 * HOUR, 'reminder_24h'],
  [66 * HOUR, 'reminder_6h'],
  [BREACH_NOTIFICATION_MS, 'overdue'],
];

const { notifyBreachOwners, checkBreachClock } = proxyActivities<BreachActivities>(QUICK);

/**
 * One personal-data breach (issue 15 §1): the affected tenants' owners are told at once (Lethe is their processor,
 * Art. 33(2)), then the 72-hour clock runs on durable timers; at 24 h and 6 h left and at the deadline it records
 * and raises that the authority is not notified yet, and it ends as soon as it is. Id `breach-<id>`; ids only.
 */
export async function breachWorkflow(input: { breachId: string; awareAt: number }): Promise<'notified' | 'overdue'> {
  await notifyBreachOwners({ breachId: input.breachId });
  for (const [after, mark] of BREACH_CLOCK) {
    const wait = input.awareAt + after - Date.now();
    if (wait > 0) await sleep(wait);
    const { notified } = await checkBreachClock({ breachId: input.breachId, mark });
    if (notified) return 'notified';
  }
  return 'overdue';
}
