import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ACCOUNT_STATES, REFUSAL_CODES, startLifecycle } from '../domain/account-lifecycle';
import { startSummary } from '../workflows/account-story';
import type { AccountState, LifecyclePolicy, RefusalCode } from '../domain/account-lifecycle';
import {
  paymentFailedSignal,
  paymentSucceededSignal,
  reactivateUpdate,
  requestDeletionUpdate,
  viewQuery,
} from '../workflows/account-messages';
import type { ReactivateInput, RequestDeletionInput } from '../workflows/account-messages';
import { toAccountView } from '../workflows/account-view';
import type { AccountView } from '../workflows/account-view';
import type { accountWorkflow } from '../workflows/account-workflow';
import { accountWorkflowId, TASK_QUEUE } from './ids';
import { ACCOUNT_PLAN, ACCOUNT_STATE, NEXT_TRANSITION_AT } from './search-attributes';

/**
 * Starts the lifecycle of a new account. Its search attributes are set at once so operators see the account
 * before the first workflow task runs; the returned view is the one the workflow will compute from the same input.
 */
export async function startAccountWorkflow(
  client: Client,
  accountId: string,
  policy: LifecyclePolicy,
  startedAt: number,
): Promise<AccountView> {
  const lifecycle = startLifecycle(startedAt, policy);
  await client.workflow.start<typeof accountWorkflow>('accountWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId: accountWorkflowId(accountId),
    args: [{ accountId, policy, startedAt }],
    // What the Web UI's list shows for the row; the workflow keeps its current details up to date.
    staticSummary: startSummary(lifecycle),
    typedSearchAttributes: [
      { key: ACCOUNT_STATE, value: lifecycle.state },
      { key: ACCOUNT_PLAN, value: lifecycle.plan },
      { key: NEXT_TRANSITION_AT, value: new Date(lifecycle.deadlines.trialEndsAt ?? startedAt) },
    ],
  });
  return toAccountView(accountId, lifecycle);
}

export async function signalPayment(
  client: Client,
  accountId: string,
  outcome: 'succeeded' | 'failed',
  eventId: string,
  /** When it happened at the billing system (epoch ms). */
  occurredAt: number,
): Promise<void> {
  const handle = client.workflow.getHandle(accountWorkflowId(accountId));
  await handle.signal(outcome === 'succeeded' ? paymentSucceededSignal : paymentFailedSignal, { eventId, occurredAt });
}

export async function queryAccountView(client: Client, accountId: string): Promise<AccountView> {
  return client.workflow.getHandle(accountWorkflowId(accountId)).query(viewQuery);
}

export async function reactivateAccount(
  client: Client,
  accountId: string,
  input: ReactivateInput,
): Promise<AccountView> {
  return refusalsAsConflicts(() =>
    client.workflow.getHandle(accountWorkflowId(accountId)).executeUpdate(reactivateUpdate, { args: [input] }),
  );
}

export async function requestAccountDeletion(
  client: Client,
  accountId: string,
  input: RequestDeletionInput,
): Promise<AccountView> {
  return refusalsAsConflicts(() =>
    client.workflow.getHandle(accountWorkflowId(accountId)).executeUpdate(requestDeletionUpdate, { args: [input] }),
  );
}

export interface AccountListing {
  accountId: string;
  state: string | undefined;
  plan: string | undefined;
  nextTransitionAt: string | undefined;
}

/** Accounts from Temporal visibility (what operators see in the Web UI), newest first, at most `limit`. */
export async function listAccounts(
  client: Client,
  state: AccountState | undefined,
  limit: number,
  /** Only these accounts (ids from the database: uuids, safe to quote). */
  accountIds?: readonly string[],
): Promise<AccountListing[]> {
  const only =
    accountIds === undefined
      ? ''
      : ` AND WorkflowId IN (${accountIds.map((id) => `'${accountWorkflowId(id)}'`).join(', ')})`;
  const query = `WorkflowType = 'accountWorkflow'${state ? ` AND AccountState = '${state}'` : ''}${only}`;
  const out: AccountListing[] = [];
  for await (const execution of client.workflow.list({ query, pageSize: Math.min(limit, 1000) })) {
    const attrs = execution.typedSearchAttributes;
    const next = attrs.get(NEXT_TRANSITION_AT);
    out.push({
      accountId: execution.workflowId.replace(/^account-/, ''),
      state: attrs.get(ACCOUNT_STATE),
      plan: attrs.get(ACCOUNT_PLAN),
      nextTransitionAt: next?.toISOString(),
    });
    if (out.length >= limit) break;
  }
  return out;
}

/** The account's state refused an update (thrown by {@link reactivateAccount} and {@link requestAccountDeletion}). */
export class LifecycleRefusedError extends Error {
  constructor(
    readonly code: RefusalCode,
    /** The account's state when it refused (workflows from before it was sent: unknown). */
    readonly state: AccountState | undefined,
  ) {
    super(`Refused by the account lifecycle: ${code}`);
    this.name = 'LifecycleRefusedError';
  }
}

/** An update its validator (or the state machine) refused becomes a {@link LifecycleRefusedError}. */
async function refusalsAsConflicts<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      const code = error.cause.type;
      if (code && code in REFUSAL_CODES) {
        const state = error.cause.details?.[0];
        const known = (ACCOUNT_STATES as readonly unknown[]).includes(state) ? (state as AccountState) : undefined;
        throw new LifecycleRefusedError(code as RefusalCode, known);
      }
    }
    throw error;
  }
}
