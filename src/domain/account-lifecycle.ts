/**
 * The account lifecycle of DESIGN.md §2 as a pure, deterministic state machine.
 *
 * The account workflow is a thin interpreter of this module: it keeps an {@link AccountLifecycle}, turns signals,
 * updates and timer expiries into {@link AccountEvent}s, asks {@link decide} what they mean, runs the returned
 * {@link AccountEffect}s as activities and sleeps until {@link nextWakeAt}. Time is always an argument (epoch
 * milliseconds): this module reads no clock, so replaying a workflow history reproduces every decision exactly.
 *
 * @packageDocumentation
 */

const DAY_MS = 86_400_000;

/**
 * Billing ids remembered for de-duplication. Billing systems retry a webhook for a few days at most, so the 1000 most
 * recent ids (years of monthly invoices plus their retries) cover every realistic redelivery while keeping the
 * lifecycle, which is carried across continue-as-new, small and bounded.
 */
export const MAX_SEEN_BILLING_EVENT_IDS = 1000;

/** Every state an account can be in, in lifecycle order. */
export const ACCOUNT_STATES = [
  'trial',
  'active',
  'past_due',
  'suspended',
  'removed',
  'deleting',
  'deleted',
  'purged',
] as const;

/** A state of the account lifecycle (DESIGN.md §2 table, plus `deleting` while the data cascade runs). */
export type AccountState = (typeof ACCOUNT_STATES)[number];

/** Why an account was suspended; it decides the standing a reactivation returns to. */
export type SuspendedReason = 'trial_expired' | 'payment_failed';

/** Whether the account has ever paid; it becomes `paid` with the first successful payment and stays so. */
export type AccountPlan = 'trial' | 'paid';

/**
 * The periods of one account, in milliseconds. A workflow receives them when it starts, so a configuration change
 * never rewrites a running account's past; validation (positive, finite) is the configuration's job.
 */
export interface LifecyclePolicy {
  /** From sign-up to suspension when nobody pays (default 14 days). */
  trialPeriodMs: number;
  /** From the first failed payment to suspension (default 7 days). */
  paymentGracePeriodMs: number;
  /** From suspension to removal of the configuration (default 60 days). */
  suspensionPeriodMs: number;
  /** From removal to deletion of the live data (default 30 days). */
  removalPeriodMs: number;
  /** From deletion to destruction of the final backup (default 30 days). */
  backupRetentionPeriodMs: number;
  /** The fresh trial a reactivated, expired trial gets (default 7 days). */
  reactivationWindowMs: number;
  /**
   * How a reminder is timed when its lead ({@link REMINDER_LEAD_MS}) is longer than half its period: `true` sends it
   * at half the period (a 2-minute trial reminds after one minute), absent skips it. Accounts created since this
   * rule exist carry `true`; accounts started before carry nothing and keep the old timing, so their histories
   * replay unchanged.
   */
  shortPeriodReminders?: boolean;
}

/**
 * When the current state's timer expires. At most one field is set: the one belonging to the current state
 * (`trial` → `trialEndsAt`, `past_due` → `graceEndsAt`, `suspended` → `removalAt`, `removed` → `deletionAt`,
 * `deleted` → `purgeAt`), so the view never shows a stale deadline of a state the account has left.
 */
export interface Deadlines {
  trialEndsAt?: number;
  graceEndsAt?: number;
  removalAt?: number;
  deletionAt?: number;
  purgeAt?: number;
}

/** A warning sent to the owner ahead of a deadline. */
export type ReminderKind = 'trial_ending' | 'suspension_pending' | 'removal_pending';

/** A reminder still to be sent at `at`; sent reminders are removed from the lifecycle. */
export interface Reminder {
  kind: ReminderKind;
  at: number;
}

/**
 * How long before its deadline each reminder goes out: the trial's end, the grace's end (suspension) and the
 * suspension's end (removal of the account's configuration and subdomain).
 */
export const REMINDER_LEAD_MS: Readonly<Record<ReminderKind, number>> = Object.freeze({
  trial_ending: 3 * DAY_MS,
  suspension_pending: 2 * DAY_MS,
  removal_pending: 7 * DAY_MS,
});

/** Why a transition happened; recorded in every {@link Transition} and shown to operators. */
export type TransitionCause =
  | 'payment_succeeded'
  | 'payment_failed'
  | 'trial_expired'
  | 'grace_expired'
  | 'suspension_expired'
  | 'removal_expired'
  | 'reactivated_chat'
  | 'reactivated_email'
  | 'deletion_requested_owner'
  | 'deletion_requested_support'
  | 'deletion_completed'
  | 'retention_expired';

/** One recorded change of state; `at` is when it took effect (a timer's deadline, not when the timer fired). */
export interface Transition {
  from: AccountState;
  to: AccountState;
  at: number;
  cause: TransitionCause;
}

/**
 * Everything the workflow keeps about an account's lifecycle. Plain JSON-serialisable data (no `undefined` values,
 * no classes) because it is carried across Temporal continue-as-new and exposed through the `view` query.
 */
export interface AccountLifecycle {
  state: AccountState;
  plan: AccountPlan;
  /** Set exactly in `suspended` and `removed`: the standing a reactivation goes back to. */
  suspendedReason?: SuspendedReason;
  /** When the current state was entered. */
  stateSince: number;
  deadlines: Deadlines;
  /** Reminders not yet sent for the current state, earliest first. */
  reminders: Reminder[];
  transitions: Transition[];
  /** The most recent {@link MAX_SEEN_BILLING_EVENT_IDS} billing event ids, oldest first. */
  seenBillingEventIds: string[];
  /**
   * When the newest payment event applied so far happened at the billing system (epoch ms); an event that happened
   * before it is stale: recorded, never applied. Absent until a payment event says when it happened.
   */
  lastPaymentOccurredAt?: number;
}

/** Something that happened to an account, as the workflow reports it; `at` is when (epoch ms). */
export type AccountEvent =
  | { type: 'payment_succeeded'; eventId: string; at: number; occurredAt?: number }
  | { type: 'payment_failed'; eventId: string; at: number; occurredAt?: number }
  | { type: 'reactivation_requested'; channel: 'chat' | 'email'; at: number }
  | { type: 'deletion_requested'; by: 'owner' | 'support'; at: number }
  /** The workflow's timer fired at `at`; it may be late, and it may be due only for a reminder. */
  | { type: 'deadline_reached'; at: number }
  /** The data cascade started by a `delete_data` effect has finished. */
  | { type: 'deletion_completed'; at: number };

/** What the owner is told; one outbox message each. */
export type NotificationKind =
  | 'trial_ending'
  | 'suspension_pending'
  | 'suspended'
  | 'removal_pending'
  | 'removed'
  | 'reactivated'
  | 'deletion_started'
  | 'deletion_done';

/**
 * Work the workflow must do after a decision, in the order given: the order matters where one effect relies on
 * another (configuration is restored before access, access is blocked before data is deleted).
 */
export type AccountEffect =
  /** Logins, tokens and sessions are refused; existing sessions and API tokens are revoked. */
  | { type: 'block_access' }
  | { type: 'restore_access' }
  /** The subdomain stops resolving; configuration rows are stashed encrypted. */
  | { type: 'remove_configuration' }
  | { type: 'restore_configuration' }
  /** Encrypted final backup, then cascade delete of the live rows; the workflow then sends `deletion_completed`. */
  | { type: 'delete_data' }
  /** Destroy the tenant key, then the backup bytes. */
  | { type: 'purge_backup' }
  | { type: 'notify'; kind: NotificationKind };

/**
 * Why {@link decide} refused an event. The values double as the Temporal update-validator failure type and the HTTP
 * problem `code` (the API maps them to 409, `INVALID_EVENT` aside, which is a caller bug).
 */
export const REFUSAL_CODES = {
  /** Reactivation was asked for an account that is not suspended or removed. */
  NOT_SUSPENDED: 'NOT_SUSPENDED',
  /** The account's data is being deleted; nothing can be started or undone now. */
  DELETION_IN_PROGRESS: 'DELETION_IN_PROGRESS',
  /** The account's data is gone; only the backup tail (or nothing) remains. */
  ACCOUNT_DELETED: 'ACCOUNT_DELETED',
  /** The event is malformed or makes no sense in any reachable situation (e.g. a stray `deletion_completed`). */
  INVALID_EVENT: 'INVALID_EVENT',
} as const;

/** One of {@link REFUSAL_CODES}. */
export type RefusalCode = keyof typeof REFUSAL_CODES;

/**
 * The outcome of {@link decide}. When accepted, `lifecycle` is the new lifecycle (the input itself when nothing
 * changed), `duplicate` says the billing event id had been seen before, and `changed` says whether `lifecycle`
 * differs from the input in any way, so a workflow may keep the input when it is false.
 */
export type Decision =
  | { ok: true; lifecycle: AccountLifecycle; effects: AccountEffect[]; duplicate: boolean; changed: boolean }
  | { ok: false; code: RefusalCode };

/** The deadline field each state's timer uses; states without a timer map to `undefined`. */
const TIMER_DEADLINE: Readonly<Record<AccountState, keyof Deadlines | undefined>> = {
  trial: 'trialEndsAt',
  active: undefined,
  past_due: 'graceEndsAt',
  suspended: 'removalAt',
  removed: 'deletionAt',
  deleting: undefined,
  deleted: 'purgeAt',
  purged: undefined,
};

/** The reminder, if any, that warns of each state's deadline. */
const STATE_REMINDER: Readonly<Partial<Record<AccountState, ReminderKind>>> = {
  trial: 'trial_ending',
  past_due: 'suspension_pending',
  suspended: 'removal_pending',
};

const LIVE_STATES: readonly AccountState[] = ['trial', 'active', 'past_due', 'suspended', 'removed'];
const BLOCKED_STATES: readonly AccountState[] = ['suspended', 'removed'];
const DELETION_STATES: readonly AccountState[] = ['deleting', 'deleted', 'purged'];

/**
 * Whether the state ends by a timer, i.e. whether it has a deadline: `trial`, `past_due`, `suspended`, `removed`
 * and `deleted`. The others end only by an event (`active`, `deleting`) or never (`purged`).
 */
export function hasTimer(state: AccountState): boolean {
  return TIMER_DEADLINE[state] !== undefined;
}

/**
 * The lifecycle of an account created at `now`: a trial that ends after `policy.trialPeriodMs`, with its
 * `trial_ending` reminder planned.
 */
export function startLifecycle(now: number, policy: LifecyclePolicy): AccountLifecycle {
  const deadlines: Deadlines = { trialEndsAt: now + policy.trialPeriodMs };
  return {
    state: 'trial',
    plan: 'trial',
    stateSince: now,
    deadlines,
    reminders: planReminders('trial', deadlines, now, now, policy),
    transitions: [],
    seenBillingEventIds: [],
  };
}

/**
 * When the current state's timer expires (the `NextTransitionAt` search attribute), ignoring reminders;
 * `undefined` in states without a timer.
 */
export function nextTransitionAt(lifecycle: AccountLifecycle): number | undefined {
  const field = TIMER_DEADLINE[lifecycle.state];
  return field === undefined ? undefined : lifecycle.deadlines[field];
}

/**
 * When the workflow must next wake up and send `deadline_reached`: the earliest of the state's deadline and its
 * pending reminders; `undefined` when nothing is scheduled (`active`, `deleting`, `purged`). A workflow calls
 * {@link decide} again while this is not after its current time, because one decision makes at most one transition.
 */
export function nextWakeAt(lifecycle: AccountLifecycle): number | undefined {
  let earliest = nextTransitionAt(lifecycle);
  for (const reminder of lifecycle.reminders) {
    if (earliest === undefined || reminder.at < earliest) earliest = reminder.at;
  }
  return earliest;
}

/**
 * Decides what `event` means for an account in `lifecycle`: the new lifecycle and the effects to run, or a refusal.
 * Pure: it never mutates its arguments and returns the same answer for the same input, so it is safe to call from
 * update validators (to reject before anything enters history) and on workflow replay.
 */
export function decide(lifecycle: AccountLifecycle, event: AccountEvent, policy: LifecyclePolicy): Decision {
  if (!isWellFormed(event)) return refuse('INVALID_EVENT');
  switch (event.type) {
    case 'payment_succeeded':
    case 'payment_failed':
      return onBillingEvent(lifecycle, event, policy);
    case 'reactivation_requested':
      return onReactivationRequested(lifecycle, event, policy);
    case 'deletion_requested':
      return onDeletionRequested(lifecycle, event, policy);
    case 'deadline_reached':
      return onDeadlineReached(lifecycle, event, policy);
    case 'deletion_completed':
      return onDeletionCompleted(lifecycle, event, policy);
    default:
      return refuse('INVALID_EVENT');
  }
}

type BillingEvent = Extract<AccountEvent, { type: 'payment_succeeded' | 'payment_failed' }>;

function onBillingEvent(lifecycle: AccountLifecycle, event: BillingEvent, policy: LifecyclePolicy): Decision {
  if (lifecycle.seenBillingEventIds.includes(event.eventId)) {
    return { ok: true, lifecycle, effects: [], duplicate: true, changed: false };
  }
  // Once deletion has started no payment can bring the account back, so a redelivery could never do harm:
  // the id is not remembered and the lifecycle of an account being forgotten stays as it is.
  if (DELETION_STATES.includes(lifecycle.state)) return unchanged(lifecycle);

  const seenBillingEventIds = [...lifecycle.seenBillingEventIds, event.eventId].slice(-MAX_SEEN_BILLING_EVENT_IDS);
  // Billing systems deliver out of order: an event that happened before the newest one applied is recorded (its id
  // is seen) but cannot undo what the newer one did.
  const newest = lifecycle.lastPaymentOccurredAt;
  if (event.occurredAt !== undefined && newest !== undefined && event.occurredAt < newest) {
    return accept({ ...lifecycle, seenBillingEventIds }, []);
  }
  const recorded: AccountLifecycle = { ...lifecycle, seenBillingEventIds };
  if (event.occurredAt !== undefined) recorded.lastPaymentOccurredAt = Math.max(event.occurredAt, newest ?? -Infinity);
  const at = clampedTime(lifecycle, event.at);

  if (event.type === 'payment_failed') {
    // A trial has nothing to be past due on, and a second failure during grace must not extend the grace.
    if (lifecycle.state !== 'active') return accept(recorded, []);
    return accept(enter(recorded, 'past_due', at, 'payment_failed', at, at + policy.paymentGracePeriodMs, policy), []);
  }

  switch (lifecycle.state) {
    case 'trial':
    case 'past_due':
      return accept(enter(recorded, 'active', at, 'payment_succeeded', at, undefined, policy, { plan: 'paid' }), []);
    case 'suspended':
      return accept(enter(recorded, 'active', at, 'payment_succeeded', at, undefined, policy, { plan: 'paid' }), [
        { type: 'restore_access' },
        notify('reactivated'),
      ]);
    case 'removed':
      return accept(enter(recorded, 'active', at, 'payment_succeeded', at, undefined, policy, { plan: 'paid' }), [
        { type: 'restore_configuration' },
        { type: 'restore_access' },
        notify('reactivated'),
      ]);
    default:
      return accept(recorded, []);
  }
}

function onReactivationRequested(
  lifecycle: AccountLifecycle,
  event: Extract<AccountEvent, { type: 'reactivation_requested' }>,
  policy: LifecyclePolicy,
): Decision {
  const refusal = refusalAfterDeletion(lifecycle.state);
  if (refusal) return refuse(refusal);
  if (!BLOCKED_STATES.includes(lifecycle.state)) return refuse('NOT_SUSPENDED');

  const at = clampedTime(lifecycle, event.at);
  const cause: TransitionCause = event.channel === 'chat' ? 'reactivated_chat' : 'reactivated_email';
  const next =
    standingOf(lifecycle) === 'trial_expired'
      ? enter(lifecycle, 'trial', at, cause, at, at + policy.reactivationWindowMs, policy)
      : enter(lifecycle, 'past_due', at, cause, at, at + policy.paymentGracePeriodMs, policy);
  // The subdomain and configuration must exist again before anyone is let back in.
  const restore: AccountEffect[] = lifecycle.state === 'removed' ? [{ type: 'restore_configuration' }] : [];
  return accept(next, [...restore, { type: 'restore_access' }, notify('reactivated')]);
}

function onDeletionRequested(
  lifecycle: AccountLifecycle,
  event: Extract<AccountEvent, { type: 'deletion_requested' }>,
  policy: LifecyclePolicy,
): Decision {
  const refusal = refusalAfterDeletion(lifecycle.state);
  if (refusal) return refuse(refusal);

  const at = clampedTime(lifecycle, event.at);
  const cause: TransitionCause = event.by === 'owner' ? 'deletion_requested_owner' : 'deletion_requested_support';
  // Nobody may read data that is being deleted; suspended and removed accounts are blocked already.
  const block: AccountEffect[] = BLOCKED_STATES.includes(lifecycle.state) ? [] : [{ type: 'block_access' }];
  return accept(enter(lifecycle, 'deleting', at, cause, at, undefined, policy), [
    ...block,
    notify('deletion_started'),
    { type: 'delete_data' },
  ]);
}

function onDeadlineReached(
  lifecycle: AccountLifecycle,
  event: Extract<AccountEvent, { type: 'deadline_reached' }>,
  policy: LifecyclePolicy,
): Decision {
  if (lifecycle.state === 'purged') return refuse('ACCOUNT_DELETED');

  const deadline = nextTransitionAt(lifecycle);
  if (deadline !== undefined && event.at >= deadline) return expire(lifecycle, deadline, event.at, policy);

  const due = lifecycle.reminders.filter((reminder) => reminder.at <= event.at);
  if (due.length === 0) return unchanged(lifecycle);
  const reminders = lifecycle.reminders.filter((reminder) => reminder.at > event.at);
  return accept(
    { ...lifecycle, reminders },
    [...due].sort((a, b) => a.at - b.at).map((reminder) => notify(reminder.kind)),
  );
}

/**
 * Leaves the current state because its deadline passed. The deadline, not the time the timer fired, is the
 * transition time and the start of the next period, so a late worker never shifts the account's schedule.
 */
function expire(lifecycle: AccountLifecycle, deadline: number, now: number, policy: LifecyclePolicy): Decision {
  switch (lifecycle.state) {
    case 'trial':
      return accept(
        enter(lifecycle, 'suspended', deadline, 'trial_expired', now, deadline + policy.suspensionPeriodMs, policy, {
          suspendedReason: 'trial_expired',
        }),
        [{ type: 'block_access' }, notify('suspended')],
      );
    case 'past_due':
      return accept(
        enter(lifecycle, 'suspended', deadline, 'grace_expired', now, deadline + policy.suspensionPeriodMs, policy, {
          suspendedReason: 'payment_failed',
        }),
        [{ type: 'block_access' }, notify('suspended')],
      );
    case 'suspended':
      return accept(
        enter(lifecycle, 'removed', deadline, 'suspension_expired', now, deadline + policy.removalPeriodMs, policy, {
          suspendedReason: standingOf(lifecycle),
        }),
        [{ type: 'remove_configuration' }, notify('removed')],
      );
    case 'removed':
      return accept(enter(lifecycle, 'deleting', deadline, 'removal_expired', now, undefined, policy), [
        { type: 'delete_data' },
      ]);
    case 'deleted':
      return accept(enter(lifecycle, 'purged', deadline, 'retention_expired', now, undefined, policy), [
        { type: 'purge_backup' },
      ]);
    default:
      return unchanged(lifecycle);
  }
}

function onDeletionCompleted(
  lifecycle: AccountLifecycle,
  event: Extract<AccountEvent, { type: 'deletion_completed' }>,
  policy: LifecyclePolicy,
): Decision {
  if (lifecycle.state === 'purged') return refuse('ACCOUNT_DELETED');
  if (lifecycle.state !== 'deleting') return refuse('INVALID_EVENT');
  const at = clampedTime(lifecycle, event.at);
  return accept(
    enter(lifecycle, 'deleted', at, 'deletion_completed', at, at + policy.backupRetentionPeriodMs, policy),
    [notify('deletion_done')],
  );
}

/**
 * The lifecycle after a transition to `to` at `at`. `deadline` becomes the new state's timer (it must be given
 * exactly when the state has one); the reminders of the old state are dropped and the new state's are planned,
 * keeping only those still ahead of `now`, the time the event actually happened.
 */
function enter(
  lifecycle: AccountLifecycle,
  to: AccountState,
  at: number,
  cause: TransitionCause,
  now: number,
  deadline: number | undefined,
  policy: LifecyclePolicy,
  patch: { plan?: AccountPlan; suspendedReason?: SuspendedReason } = {},
): AccountLifecycle {
  const field = TIMER_DEADLINE[to];
  const deadlines: Deadlines = field === undefined || deadline === undefined ? {} : { [field]: deadline };
  const next: AccountLifecycle = {
    state: to,
    plan: patch.plan ?? lifecycle.plan,
    stateSince: at,
    deadlines,
    reminders: planReminders(to, deadlines, at, now, policy),
    transitions: [...lifecycle.transitions, { from: lifecycle.state, to, at, cause }],
    seenBillingEventIds: lifecycle.seenBillingEventIds,
  };
  // Omitted rather than `undefined`, so the lifecycle survives a JSON round trip unchanged.
  if (patch.suspendedReason !== undefined) next.suspendedReason = patch.suspendedReason;
  if (lifecycle.lastPaymentOccurredAt !== undefined) next.lastPaymentOccurredAt = lifecycle.lastPaymentOccurredAt;
  return next;
}

/**
 * How long before a deadline its reminder goes out. Normally {@link REMINDER_LEAD_MS}; under
 * `policy.shortPeriodReminders`, never more than half the period, so a short period still warns its owner.
 */
export function reminderLeadMs(kind: ReminderKind, periodMs: number, policy: LifecyclePolicy): number {
  const lead = REMINDER_LEAD_MS[kind];
  return policy.shortPeriodReminders === true ? Math.min(lead, Math.floor(periodMs / 2)) : lead;
}

function planReminders(
  state: AccountState,
  deadlines: Deadlines,
  enteredAt: number,
  now: number,
  policy: LifecyclePolicy,
): Reminder[] {
  const kind = STATE_REMINDER[state];
  const field = TIMER_DEADLINE[state];
  const deadline = field === undefined ? undefined : deadlines[field];
  if (kind === undefined || deadline === undefined) return [];
  const at = deadline - reminderLeadMs(kind, deadline - enteredAt, policy);
  // A reminder due already (a lead longer than the period, or a late timer) would arrive too late to be useful.
  return at > now ? [{ kind, at }] : [];
}

/**
 * The standing a suspended or removed account returns to. The reason is always set there; the fallback on the plan
 * only guards lifecycles written by hand (e.g. in a migration).
 */
function standingOf(lifecycle: AccountLifecycle): SuspendedReason {
  return lifecycle.suspendedReason ?? (lifecycle.plan === 'trial' ? 'trial_expired' : 'payment_failed');
}

/**
 * Event times are never allowed to move the lifecycle backwards: a message stamped before the current state began
 * (clock skew between callers) takes effect when the state began, which keeps transitions time-ordered.
 */
function clampedTime(lifecycle: AccountLifecycle, at: number): number {
  return Math.max(at, lifecycle.stateSince);
}

/** What support or the owner may ask of an account in `state` (what a 409 lists as allowed). */
export type AccountRequest = 'reactivation' | 'deletion';

/** The requests {@link decide} accepts in `state`: the same rules as its refusals, stated for people. */
export function allowedRequests(state: AccountState): AccountRequest[] {
  const allowed: AccountRequest[] = [];
  if (refusalAfterDeletion(state) === undefined && BLOCKED_STATES.includes(state)) allowed.push('reactivation');
  if (refusalAfterDeletion(state) === undefined) allowed.push('deletion');
  return allowed;
}

function refusalAfterDeletion(state: AccountState): RefusalCode | undefined {
  if (state === 'deleting') return 'DELETION_IN_PROGRESS';
  if (state === 'deleted' || state === 'purged') return 'ACCOUNT_DELETED';
  return LIVE_STATES.includes(state) ? undefined : 'INVALID_EVENT';
}

/** Events cross a wire (signals, updates) before they get here, so their shape is checked rather than trusted. */
function isWellFormed(event: AccountEvent): boolean {
  const candidate = event as Partial<Record<string, unknown>>;
  if (typeof candidate.at !== 'number' || !Number.isFinite(candidate.at)) return false;
  switch (candidate.type) {
    case 'payment_succeeded':
    case 'payment_failed':
      return (
        typeof candidate.eventId === 'string' &&
        candidate.eventId.length > 0 &&
        (candidate.occurredAt === undefined ||
          (typeof candidate.occurredAt === 'number' && Number.isFinite(candidate.occurredAt)))
      );
    case 'reactivation_requested':
      return candidate.channel === 'chat' || candidate.channel === 'email';
    case 'deletion_requested':
      return candidate.by === 'owner' || candidate.by === 'support';
    case 'deadline_reached':
    case 'deletion_completed':
      return true;
    default:
      return false;
  }
}

function notify(kind: NotificationKind): AccountEffect {
  return { type: 'notify', kind };
}

function accept(lifecycle: AccountLifecycle, effects: AccountEffect[]): Decision {
  return { ok: true, lifecycle, effects, duplicate: false, changed: true };
}

function unchanged(lifecycle: AccountLifecycle): Decision {
  return { ok: true, lifecycle, effects: [], duplicate: false, changed: false };
}

function refuse(code: RefusalCode): Decision {
  return { ok: false, code };
}
