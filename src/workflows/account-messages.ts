import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AccountView } from './account-view';

/** A billing event as the workflow sees it: its id (for deduplication) and when it happened, never amounts or reasons. */
export interface PaymentSignalInput {
  eventId: string;
  /** When the payment event happened at the billing system (epoch ms): events apply in this order. */
  occurredAt?: number;
}

/** Billing: a payment went through. Fire-and-forget; duplicates (same event id) change nothing. */
export const paymentSucceededSignal = defineSignal<[PaymentSignalInput]>('paymentSucceeded');
/** Billing: a payment failed. Fire-and-forget; the grace period runs from the first failure. */
export const paymentFailedSignal = defineSignal<[PaymentSignalInput]>('paymentFailed');

export interface ReactivateInput {
  channel: 'chat' | 'email';
}

/** Support: the owner asked (by chat or email) to reactivate. Rejected by its validator unless suspended/removed. */
export const reactivateUpdate = defineUpdate<AccountView, [ReactivateInput]>('reactivate');

export interface RequestDeletionInput {
  by: 'owner' | 'support';
}

/** Owner or support: delete the account now. Answers once `deleting` is recorded; the cascade continues after. */
export const requestDeletionUpdate = defineUpdate<AccountView, [RequestDeletionInput]>('requestDeletion');

/** The account's lifecycle as the API serves it (without the subdomain, which the API adds from the database). */
export const viewQuery = defineQuery<AccountView>('view');
