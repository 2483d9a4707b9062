import { findAccount } from '../db/accounts';
import { markBillingEventDelivered, recordBillingEvent } from '../db/billing-events';
import { ERROR_CODES } from '../domain/error-codes';
import { signalPayment } from '../temporal/account-client';
import type { AppDeps } from './deps';
import { ProblemError } from './problem';

/** A payment event, whichever billing system sent it. */
export interface PaymentEvent {
  /** Unique per event at its billing system; a redelivery carries the same id. */
  id: string;
  accountId: string;
  outcome: 'succeeded' | 'failed';
  /** When it happened at the billing system (epoch ms): events apply in this order. */
  occurredAt: number;
}

/**
 * Delivers a payment event to its account's workflow, once: recorded under its id, signalled, then marked delivered.
 * Only a delivered event's redelivery is a duplicate; a signal that fails (503) leaves it undelivered, so the billing
 * system's retry signals again, and the workflow applies one event id once however often it hears it.
 */
export async function deliverPaymentEvent(deps: AppDeps, event: PaymentEvent): Promise<{ duplicate: boolean }> {
  const account = await findAccount(deps.sql, event.accountId);
  if (!account) throw new ProblemError(404, ERROR_CODES.ACCOUNT_NOT_FOUND, 'No such account');
  const type = event.outcome === 'succeeded' ? 'payment.succeeded' : 'payment.failed';
  const { delivered } = await recordBillingEvent(deps.sql, { id: event.id, accountId: event.accountId, type });
  if (delivered) return { duplicate: true };
  await signalPayment(deps.temporal.client, event.accountId, event.outcome, event.id, event.occurredAt);
  await markBillingEventDelivered(deps.sql, event.id);
  return { duplicate: false };
}
