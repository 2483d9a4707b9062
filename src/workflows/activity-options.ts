import type { ActivityOptions } from '@temporalio/workflow';

// Transient failures (a database restart, a network blip) retry forever with backoff; permanent ones are thrown
// as non-retryable ApplicationFailures by the activities themselves.
const RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;

/** Single-statement or single-transaction activities. */
export const QUICK: ActivityOptions = { startToCloseTimeout: '1 minute', retry: RETRY };

/**
 * Batched cascades: long in total, but each batch takes well under a second and heartbeats, so a dead worker's
 * cascade is retried elsewhere 20 s after its last batch.
 */
export const BATCHED: ActivityOptions = {
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '20 seconds',
  retry: RETRY,
};
