import { nextTransitionAt, nextWakeAt } from '../domain/account-lifecycle';
import type { AccountLifecycle, AccountState } from '../domain/account-lifecycle';

// How an account's workflow reads in the Temporal Web UI (issue 11 §4): ids, states and times only, never a name,
// an address or a subdomain.

/** What the deadline of each state leads to, as the timer that waits for it is labelled. */
const DEADLINE_LABEL: Readonly<Partial<Record<AccountState, string>>> = {
  trial: 'trial ends',
  past_due: 'grace ends',
  suspended: 'removal',
  removed: 'deletion',
  deleted: 'purge backup',
};

/** The label of the timer the workflow sleeps on now: the state's deadline, or a reminder of it. */
export function wakeSummary(lifecycle: AccountLifecycle): string | undefined {
  const wake = nextWakeAt(lifecycle);
  if (wake === undefined) return undefined;
  const deadline = DEADLINE_LABEL[lifecycle.state];
  if (wake === nextTransitionAt(lifecycle)) return deadline;
  const reminder = lifecycle.reminders.find((r) => r.at === wake);
  return reminder === undefined ? deadline : `reminder: ${reminder.kind.replaceAll('_', ' ')}`;
}

/** The workflow's summary at start, fixed for its life. */
export function startSummary(lifecycle: AccountLifecycle): string {
  return `account · ${lifecycle.state} · paid=${lifecycle.plan === 'paid'}`;
}

/** The workflow's current details: state, plan, next deadline and the last transition (Markdown for the UI). */
export function currentDetails(lifecycle: AccountLifecycle): string {
  const next = nextTransitionAt(lifecycle);
  const last = lifecycle.transitions.at(-1);
  return [
    `**state** ${lifecycle.state} · **plan** ${lifecycle.plan}`,
    next === undefined
      ? '**next** nothing scheduled'
      : `**next** ${DEADLINE_LABEL[lifecycle.state] ?? 'deadline'} at ${new Date(next).toISOString()}`,
    last === undefined
      ? '**since** signup'
      : `**since** ${last.from} → ${last.to} (${last.cause}) at ${new Date(last.at).toISOString()}`,
  ].join('\n\n');
}
