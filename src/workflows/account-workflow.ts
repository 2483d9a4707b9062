import type { ActivityOptions } from '@temporalio/workflow';
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setCurrentDetails,
  setDefaultSignalHandler,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { AccountActivities } from '../activities/account-activities';
import { decide, nextTransitionAt, nextWakeAt, startLifecycle } from '../domain/account-lifecycle';
import { currentDetails, wakeSummary } from './account-story';
import type {
  AccountEffect,
  AccountEvent,
  AccountLifecycle,
  Decision,
  LifecyclePolicy,
} from '../domain/account-lifecycle';
import { ACCOUNT_PLAN, ACCOUNT_STATE, NEXT_TRANSITION_AT } from '../temporal/search-attributes';
import {
  paymentFailedSignal,
  paymentSucceededSignal,
  reactivateUpdate,
  requestDeletionUpdate,
  viewQuery,
} from './account-messages';
import type { PaymentSignalInput, ReactivateInput, RequestDeletionInput } from './account-messages';
import { BATCHED, QUICK } from './activity-options';
import { toAccountView } from './account-view';
import type { AccountView } from './account-view';

export interface AccountWorkflowInput {
  accountId: string;
  /** Fixed at start: a configuration change never rewrites a running account's schedule. */
  policy: LifecyclePolicy;
  /** Epoch ms the account was created (the API's clock); the trial runs from here. Defaults to workflow start. */
  startedAt?: number;
  /** Carried across continue-as-new (with its seen billing event ids). */
  lifecycle?: AccountLifecycle;
  /** Continue-as-new once history is this long even if the server has not suggested it (tests force it low). */
  continueAsNewAfterEvents?: number;
}

/** What a finished account leaves in Temporal: ids, counts and a time. */
export interface AccountWorkflowResult {
  accountId: string;
  finalState: 'purged';
  transitions: number;
  purgedAt: string;
}

/** Histories from before this patch registered one handler per payment signal; they replay as they ran. */
export const PAYMENT_SIGNALS_IN_ARRIVAL_ORDER = 'payment-signals-in-arrival-order';

/** Activities labelled for the Web UI's history: the summary says what the step does to the account. */
const labelled = (summary: string, options: ActivityOptions = QUICK) =>
  proxyActivities<AccountActivities>({ ...options, summary });

interface Pending {
  event: AccountEvent;
  /** Resolves the update that submitted the event (signals have none). */
  settle?: (decision: Decision) => void;
}

/**
 * One tenant account from signup to purge (DESIGN §2). A thin interpreter of the pure state machine in
 * `domain/account-lifecycle.ts`: messages and timer expiries become domain events, processed one at a time by the
 * main loop; the effects the domain returns run as activities in order.
 */
export async function accountWorkflow(input: AccountWorkflowInput): Promise<AccountWorkflowResult> {
  const { accountId, policy } = input;
  let lifecycle = input.lifecycle ?? startLifecycle(input.startedAt ?? Date.now(), policy);
  const inbox: Pending[] = [];

  const submit = (event: AccountEvent): Promise<Decision> =>
    new Promise((settle) => {
      inbox.push({ event, settle });
    });
  // The refusal names the state it was refused in (a state, never personal data), so the caller can say why.
  const refuse = (decision: Decision): void => {
    if (!decision.ok)
      throw ApplicationFailure.create({
        type: decision.code,
        message: decision.code,
        nonRetryable: true,
        details: [lifecycle.state],
      });
  };

  // Signals sent before occurredAt existed carry none: they apply in arrival order, as they did.
  const when = (occurredAt: number | undefined) => (occurredAt === undefined ? {} : { occurredAt });
  const onPayment = (type: 'payment_succeeded' | 'payment_failed', { eventId, occurredAt }: PaymentSignalInput) => {
    inbox.push({ event: { type, eventId, at: Date.now(), ...when(occurredAt) } });
  };
  if (patched(PAYMENT_SIGNALS_IN_ARRIVAL_ORDER)) {
    // Signals that reach a run before its first task wait in the SDK and are handed out as each handler is
    // registered: with one handler per kind, every success would be handled before every failure. One handler for
    // both receives them in the order they arrived.
    setDefaultSignalHandler((name: string, ...args: unknown[]) => {
      const payment = args[0] as PaymentSignalInput;
      if (name === paymentSucceededSignal.name) onPayment('payment_succeeded', payment);
      else if (name === paymentFailedSignal.name) onPayment('payment_failed', payment);
    });
  } else {
    setHandler(paymentSucceededSignal, (payment) => onPayment('payment_succeeded', payment));
    setHandler(paymentFailedSignal, (payment) => onPayment('payment_failed', payment));
  }
  setHandler(
    reactivateUpdate,
    async ({ channel }): Promise<AccountView> => {
      refuse(await submit({ type: 'reactivation_requested', channel, at: Date.now() }));
      return toAccountView(accountId, lifecycle);
    },
    {
      validator: ({ channel }: ReactivateInput) =>
        refuse(decide(lifecycle, { type: 'reactivation_requested', channel, at: Date.now() }, policy)),
    },
  );
  setHandler(
    requestDeletionUpdate,
    async ({ by }): Promise<AccountView> => {
      refuse(await submit({ type: 'deletion_requested', by, at: Date.now() }));
      return toAccountView(accountId, lifecycle);
    },
    {
      validator: ({ by }: RequestDeletionInput) =>
        refuse(decide(lifecycle, { type: 'deletion_requested', by, at: Date.now() }, policy)),
    },
  );
  setHandler(viewQuery, () => toAccountView(accountId, lifecycle));

  const publish = (): void => {
    setCurrentDetails(currentDetails(lifecycle));
    const next = nextTransitionAt(lifecycle);
    upsertSearchAttributes([
      { key: ACCOUNT_STATE, value: lifecycle.state },
      { key: ACCOUNT_PLAN, value: lifecycle.plan },
      { key: NEXT_TRANSITION_AT, value: next === undefined ? null : new Date(next) },
    ]);
  };

  /**
   * Applies one event: records the transition, calls `settle` once the caller's answer is known (before a long
   * cascade, so a deletion request answers `deleting` at once), then runs the effects in order.
   */
  async function apply(event: AccountEvent, settle?: (d: Decision) => void): Promise<void> {
    const decision = decide(lifecycle, event, policy);
    if (!decision.ok || !decision.changed) {
      settle?.(decision);
      return;
    }
    const transitionsBefore = lifecycle.transitions.length;
    lifecycle = decision.lifecycle;
    const transition = lifecycle.transitions[lifecycle.transitions.length - 1];
    if (lifecycle.transitions.length > transitionsBefore && transition) {
      await labelled(`record state: ${lifecycle.state}`).recordAccountState({
        accountId,
        state: lifecycle.state,
        plan: lifecycle.plan,
        ...(lifecycle.suspendedReason !== undefined ? { suspendedReason: lifecycle.suspendedReason } : {}),
        stateSince: lifecycle.stateSince,
        transitionIndex: lifecycle.transitions.length,
        from: transition.from,
        cause: transition.cause,
      });
      publish();
    }
    if (!decision.effects.some((e) => e.type === 'delete_data')) {
      for (const effect of decision.effects) await run(effect);
      settle?.(decision);
      return;
    }
    settle?.(decision);
    for (const effect of decision.effects) await run(effect);
  }

  async function run(effect: AccountEffect): Promise<void> {
    switch (effect.type) {
      case 'block_access':
        await labelled('block access').blockAccess(accountId);
        return;
      case 'restore_access':
        await labelled('restore access').restoreAccess(accountId);
        return;
      case 'remove_configuration':
        await labelled('remove domain and configuration').removeConfiguration(accountId);
        return;
      case 'restore_configuration':
        await labelled('restore domain and configuration').restoreConfiguration(accountId);
        return;
      case 'delete_data':
        await labelled('encrypted backup of the tenant').backupTenant(accountId);
        await labelled('delete tenant data', BATCHED).deleteTenantData(accountId);
        await apply({ type: 'deletion_completed', at: Date.now() });
        return;
      case 'purge_backup':
        await labelled('purge backup (crypto-shred its key)').purgeTenant(accountId);
        return;
      case 'notify': {
        const deadlineAt = nextTransitionAt(lifecycle);
        await labelled(`queue notice: ${effect.kind.replaceAll('_', ' ')}`).enqueueNotification({
          accountId,
          kind: effect.kind,
          ...(deadlineAt !== undefined ? { deadlineAt } : {}),
          // The deletion notice was held back under this key by backupTenant; others are per state episode.
          dedupeKey:
            effect.kind === 'deletion_done' ? 'deletion_done' : `${effect.kind}:${lifecycle.transitions.length}`,
        });
        return;
      }
    }
  }

  const historyIsLong = (): boolean =>
    workflowInfo().continueAsNewSuggested ||
    (input.continueAsNewAfterEvents !== undefined && workflowInfo().historyLength >= input.continueAsNewAfterEvents);

  publish();
  while (lifecycle.state !== 'purged') {
    const pending = inbox.shift();
    if (pending) {
      await apply(pending.event, pending.settle);
      continue;
    }
    const wakeAt = nextWakeAt(lifecycle);
    if (wakeAt !== undefined && wakeAt <= Date.now()) {
      await apply({ type: 'deadline_reached', at: Date.now() });
      continue;
    }
    if (historyIsLong()) {
      // Update handlers finish as soon as the inbox is empty; a message arriving meanwhile is handled first.
      await condition(() => inbox.length > 0 || allHandlersFinished());
      if (inbox.length === 0) {
        await continueAsNew<typeof accountWorkflow>({ ...input, lifecycle });
      }
      continue;
    }
    if (wakeAt === undefined) await condition(() => inbox.length > 0);
    else
      await condition(() => inbox.length > 0, wakeAt - Date.now(), { summary: wakeSummary(lifecycle) ?? 'deadline' });
  }
  await condition(allHandlersFinished);
  return {
    accountId,
    finalState: 'purged',
    transitions: lifecycle.transitions.length,
    purgedAt: new Date(lifecycle.stateSince).toISOString(),
  };
}
