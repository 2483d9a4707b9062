import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import {
  ACCOUNT_STATES,
  MAX_SEEN_BILLING_EVENT_IDS,
  REFUSAL_CODES,
  REMINDER_LEAD_MS,
  decide,
  hasTimer,
  nextTransitionAt,
  nextWakeAt,
  reminderLeadMs,
  startLifecycle,
} from '../../../src/domain/account-lifecycle';
import type {
  AccountEffect,
  AccountEvent,
  AccountLifecycle,
  AccountState,
  Decision,
  Deadlines,
  LifecyclePolicy,
  RefusalCode,
  Transition,
} from '../../../src/domain/account-lifecycle';
import { parseDuration } from '../../../src/domain/duration';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2025-01-01T00:00:00.000Z');

function ms(text: string): number {
  const value = parseDuration(text);
  if (value === undefined) throw new Error(`bad duration ${text}`);
  return value;
}

/** The defaults of DESIGN.md §2 and §6. */
const POLICY: LifecyclePolicy = {
  trialPeriodMs: ms('14d'),
  paymentGracePeriodMs: ms('7d'),
  suspensionPeriodMs: ms('60d'),
  removalPeriodMs: ms('30d'),
  backupRetentionPeriodMs: ms('30d'),
  reactivationWindowMs: ms('7d'),
};

const DELETION_STATES: readonly AccountState[] = ['deleting', 'deleted', 'purged'];
const LIVE_STATES: readonly AccountState[] = ['trial', 'active', 'past_due', 'suspended', 'removed'];

function accepted(decision: Decision): Extract<Decision, { ok: true }> {
  if (!decision.ok) throw new Error(`refused with ${decision.code}`);
  return decision;
}

function apply(lifecycle: AccountLifecycle, event: AccountEvent, policy: LifecyclePolicy = POLICY): AccountLifecycle {
  return accepted(decide(lifecycle, event, policy)).lifecycle;
}

/** Sends `deadline_reached` at each wake-up until `until`, like the workflow's timer loop. */
function wakeUntil(lifecycle: AccountLifecycle, until: number, policy: LifecyclePolicy = POLICY): AccountLifecycle {
  let current = lifecycle;
  for (let guard = 0; ; guard += 1) {
    const wake = nextWakeAt(current);
    if (wake === undefined || wake > until) return current;
    if (guard > 100) throw new Error('timer loop does not progress');
    current = apply(current, { type: 'deadline_reached', at: wake }, policy);
  }
}

function deadlineOf(lifecycle: AccountLifecycle): number {
  const deadline = nextTransitionAt(lifecycle);
  if (deadline === undefined) throw new Error(`no deadline in ${lifecycle.state}`);
  return deadline;
}

/** A lifecycle in each state, reached through `decide` only (suspended/removed for an expired trial). */
function inState(state: AccountState): AccountLifecycle {
  const trial = startLifecycle(T0, POLICY);
  const active = apply(trial, { type: 'payment_succeeded', eventId: 'evt-paid', at: T0 + DAY });
  const suspended = apply(trial, { type: 'deadline_reached', at: deadlineOf(trial) });
  const deleting = apply(active, { type: 'deletion_requested', by: 'owner', at: T0 + 3 * DAY });
  switch (state) {
    case 'trial':
      return trial;
    case 'active':
      return active;
    case 'past_due':
      return apply(active, { type: 'payment_failed', eventId: 'evt-failed', at: T0 + 2 * DAY });
    case 'suspended':
      return suspended;
    case 'removed':
      return apply(suspended, { type: 'deadline_reached', at: deadlineOf(suspended) });
    case 'deleting':
      return deleting;
    case 'deleted':
      return apply(deleting, { type: 'deletion_completed', at: T0 + 3 * DAY + HOUR });
    case 'purged': {
      const deleted = inState('deleted');
      return apply(deleted, { type: 'deadline_reached', at: deadlineOf(deleted) });
    }
  }
}

function eventFor(lifecycle: AccountLifecycle, type: AccountEvent['type']): AccountEvent {
  const at = lifecycle.stateSince + HOUR;
  switch (type) {
    case 'payment_succeeded':
    case 'payment_failed':
      return { type, eventId: 'evt-new', at };
    case 'reactivation_requested':
      return { type, channel: 'chat', at };
    case 'deletion_requested':
      return { type, by: 'owner', at };
    case 'deadline_reached':
      return { type, at: nextTransitionAt(lifecycle) ?? at };
    case 'deletion_completed':
      return { type, at };
  }
}

const notify = (kind: Extract<AccountEffect, { type: 'notify' }>['kind']): AccountEffect => ({ type: 'notify', kind });
const BLOCK: AccountEffect = { type: 'block_access' };
const RESTORE_ACCESS: AccountEffect = { type: 'restore_access' };
const REMOVE_CONFIG: AccountEffect = { type: 'remove_configuration' };
const RESTORE_CONFIG: AccountEffect = { type: 'restore_configuration' };
const DELETE_DATA: AccountEffect = { type: 'delete_data' };
const PURGE: AccountEffect = { type: 'purge_backup' };

/**
 * Expected outcome per (state × event): a state name is a transition to it, a refusal code is a refusal,
 * `recorded` keeps the state but remembers the billing id, `unchanged` returns the input as it is.
 */
type Outcome = AccountState | RefusalCode | 'recorded' | 'unchanged';
const TABLE: [AccountState, AccountEvent['type'], Outcome, AccountEffect[]][] = [
  ['trial', 'payment_succeeded', 'active', []],
  ['trial', 'payment_failed', 'recorded', []],
  ['trial', 'reactivation_requested', 'NOT_SUSPENDED', []],
  ['trial', 'deletion_requested', 'deleting', [BLOCK, notify('deletion_started'), DELETE_DATA]],
  ['trial', 'deadline_reached', 'suspended', [BLOCK, notify('suspended')]],
  ['trial', 'deletion_completed', 'INVALID_EVENT', []],

  ['active', 'payment_succeeded', 'recorded', []],
  ['active', 'payment_failed', 'past_due', []],
  ['active', 'reactivation_requested', 'NOT_SUSPENDED', []],
  ['active', 'deletion_requested', 'deleting', [BLOCK, notify('deletion_started'), DELETE_DATA]],
  ['active', 'deadline_reached', 'unchanged', []],
  ['active', 'deletion_completed', 'INVALID_EVENT', []],

  ['past_due', 'payment_succeeded', 'active', []],
  ['past_due', 'payment_failed', 'recorded', []],
  ['past_due', 'reactivation_requested', 'NOT_SUSPENDED', []],
  ['past_due', 'deletion_requested', 'deleting', [BLOCK, notify('deletion_started'), DELETE_DATA]],
  ['past_due', 'deadline_reached', 'suspended', [BLOCK, notify('suspended')]],
  ['past_due', 'deletion_completed', 'INVALID_EVENT', []],

  ['suspended', 'payment_succeeded', 'active', [RESTORE_ACCESS, notify('reactivated')]],
  ['suspended', 'payment_failed', 'recorded', []],
  ['suspended', 'reactivation_requested', 'trial', [RESTORE_ACCESS, notify('reactivated')]],
  ['suspended', 'deletion_requested', 'deleting', [notify('deletion_started'), DELETE_DATA]],
  ['suspended', 'deadline_reached', 'removed', [REMOVE_CONFIG, notify('removed')]],
  ['suspended', 'deletion_completed', 'INVALID_EVENT', []],

  ['removed', 'payment_succeeded', 'active', [RESTORE_CONFIG, RESTORE_ACCESS, notify('reactivated')]],
  ['removed', 'payment_failed', 'recorded', []],
  ['removed', 'reactivation_requested', 'trial', [RESTORE_CONFIG, RESTORE_ACCESS, notify('reactivated')]],
  ['removed', 'deletion_requested', 'deleting', [notify('deletion_started'), DELETE_DATA]],
  ['removed', 'deadline_reached', 'deleting', [DELETE_DATA]],
  ['removed', 'deletion_completed', 'INVALID_EVENT', []],

  ['deleting', 'payment_succeeded', 'unchanged', []],
  ['deleting', 'payment_failed', 'unchanged', []],
  ['deleting', 'reactivation_requested', 'DELETION_IN_PROGRESS', []],
  ['deleting', 'deletion_requested', 'DELETION_IN_PROGRESS', []],
  ['deleting', 'deadline_reached', 'unchanged', []],
  ['deleting', 'deletion_completed', 'deleted', [notify('deletion_done')]],

  ['deleted', 'payment_succeeded', 'unchanged', []],
  ['deleted', 'payment_failed', 'unchanged', []],
  ['deleted', 'reactivation_requested', 'ACCOUNT_DELETED', []],
  ['deleted', 'deletion_requested', 'ACCOUNT_DELETED', []],
  ['deleted', 'deadline_reached', 'purged', [PURGE]],
  ['deleted', 'deletion_completed', 'INVALID_EVENT', []],

  ['purged', 'payment_succeeded', 'unchanged', []],
  ['purged', 'payment_failed', 'unchanged', []],
  ['purged', 'reactivation_requested', 'ACCOUNT_DELETED', []],
  ['purged', 'deletion_requested', 'ACCOUNT_DELETED', []],
  ['purged', 'deadline_reached', 'ACCOUNT_DELETED', []],
  ['purged', 'deletion_completed', 'ACCOUNT_DELETED', []],
];

describe('decide', () => {
  it('has a row for every state and event type', () => {
    const types: AccountEvent['type'][] = [
      'payment_succeeded',
      'payment_failed',
      'reactivation_requested',
      'deletion_requested',
      'deadline_reached',
      'deletion_completed',
    ];
    const pairs = new Set(TABLE.map(([state, type]) => `${state}/${type}`));
    expect(pairs.size).toBe(TABLE.length);
    expect([...pairs].sort()).toEqual(ACCOUNT_STATES.flatMap((s) => types.map((t) => `${s}/${t}`)).sort());
  });

  it.each(TABLE)('in %s, on %s, yields %s', (state, type, outcome, effects) => {
    const before = inState(state);
    expect(before.state).toBe(state);
    const event = eventFor(before, type);
    const decision = decide(before, event, POLICY);

    if (outcome in REFUSAL_CODES) {
      expect(decision).toEqual({ ok: false, code: outcome });
      return;
    }
    const ok = accepted(decision);
    expect(ok.effects).toEqual(effects);
    expect(ok.duplicate).toBe(false);
    if (outcome === 'unchanged') {
      expect(ok.changed).toBe(false);
      expect(ok.lifecycle).toBe(before);
    } else if (outcome === 'recorded') {
      expect(ok.changed).toBe(true);
      expect(ok.lifecycle).toEqual({ ...before, seenBillingEventIds: [...before.seenBillingEventIds, 'evt-new'] });
    } else {
      expect(ok.changed).toBe(true);
      expect(ok.lifecycle.state).toBe(outcome);
      expect(ok.lifecycle.transitions).toHaveLength(before.transitions.length + 1);
      expect(ok.lifecycle.transitions.at(-1)).toMatchObject({ from: state, to: outcome });
      expect(ok.lifecycle.stateSince).toBe(ok.lifecycle.transitions.at(-1)?.at);
    }
  });

  it('refuses malformed events', () => {
    const trial = startLifecycle(T0, POLICY);
    const malformed = [
      { type: 'deadline_reached', at: Number.NaN },
      { type: 'payment_succeeded', eventId: '', at: T0 },
      { type: 'reactivation_requested', channel: 'phone', at: T0 },
      { type: 'deletion_requested', by: 'agent', at: T0 },
      { type: 'account_hacked', at: T0 },
    ] as unknown as AccountEvent[];
    for (const event of malformed) expect(decide(trial, event, POLICY)).toEqual({ ok: false, code: 'INVALID_EVENT' });
  });
});

describe('startLifecycle', () => {
  it('starts a trial that ends after the trial period, with its reminder planned', () => {
    expect(startLifecycle(T0, POLICY)).toEqual({
      state: 'trial',
      plan: 'trial',
      stateSince: T0,
      deadlines: { trialEndsAt: T0 + 14 * DAY },
      reminders: [{ kind: 'trial_ending', at: T0 + 11 * DAY }],
      transitions: [],
      seenBillingEventIds: [],
    });
  });

  it('skips the trial reminder when the trial is no longer than its lead', () => {
    expect(startLifecycle(T0, { ...POLICY, trialPeriodMs: 3 * DAY }).reminders).toEqual([]);
    expect(startLifecycle(T0, { ...POLICY, trialPeriodMs: 36 * HOUR }).reminders).toEqual([]);
  });

  it('produces plain JSON data', () => {
    const lifecycle = startLifecycle(T0, POLICY);
    expect(JSON.parse(JSON.stringify(lifecycle))).toStrictEqual(lifecycle);
  });
});

describe('hasTimer', () => {
  const timed: readonly AccountState[] = ['trial', 'past_due', 'suspended', 'removed', 'deleted'];
  it.each(ACCOUNT_STATES.map((state): [AccountState, boolean] => [state, timed.includes(state)]))(
    'for %s is %s',
    (state, expected) => {
      expect(hasTimer(state)).toBe(expected);
    },
  );
});

describe('nextWakeAt', () => {
  it('is the earliest of the reminders and the deadline', () => {
    const trial = startLifecycle(T0, POLICY);
    expect(nextWakeAt(trial)).toBe(T0 + 11 * DAY);
    expect(nextTransitionAt(trial)).toBe(T0 + 14 * DAY);
  });

  it.each(['active', 'deleting', 'purged'] as const)('is undefined in %s', (state) => {
    expect(nextWakeAt(inState(state))).toBeUndefined();
  });
});

describe('account lifecycle', () => {
  it('walks an unpaid trial through suspension, removal, deletion and purge at exact times', () => {
    let l = startLifecycle(T0, POLICY);
    const steps: [AccountEvent, AccountEffect[], AccountState, Deadlines][] = [
      [
        { type: 'deadline_reached', at: T0 + 11 * DAY },
        [notify('trial_ending')],
        'trial',
        { trialEndsAt: T0 + 14 * DAY },
      ],
      [
        { type: 'deadline_reached', at: T0 + 14 * DAY },
        [BLOCK, notify('suspended')],
        'suspended',
        { removalAt: T0 + 74 * DAY },
      ],
      [
        { type: 'deadline_reached', at: T0 + 67 * DAY },
        [notify('removal_pending')],
        'suspended',
        { removalAt: T0 + 74 * DAY },
      ],
      [
        { type: 'deadline_reached', at: T0 + 74 * DAY },
        [REMOVE_CONFIG, notify('removed')],
        'removed',
        { deletionAt: T0 + 104 * DAY },
      ],
      [{ type: 'deadline_reached', at: T0 + 104 * DAY }, [DELETE_DATA], 'deleting', {}],
      [
        { type: 'deletion_completed', at: T0 + 104 * DAY + HOUR },
        [notify('deletion_done')],
        'deleted',
        { purgeAt: T0 + 134 * DAY + HOUR },
      ],
      [{ type: 'deadline_reached', at: T0 + 134 * DAY + HOUR }, [PURGE], 'purged', {}],
    ];
    for (const [event, effects, state, deadlines] of steps) {
      expect(nextWakeAt(l)).toBe(event.type === 'deadline_reached' ? event.at : undefined);
      const decision = accepted(decide(l, event, POLICY));
      expect(decision.effects).toEqual(effects);
      l = decision.lifecycle;
      expect(l.state).toBe(state);
      expect(l.deadlines).toEqual(deadlines);
    }
    expect(nextWakeAt(l)).toBeUndefined();
    expect(l.suspendedReason).toBeUndefined();
    expect(l.transitions).toEqual<Transition[]>([
      { from: 'trial', to: 'suspended', at: T0 + 14 * DAY, cause: 'trial_expired' },
      { from: 'suspended', to: 'removed', at: T0 + 74 * DAY, cause: 'suspension_expired' },
      { from: 'removed', to: 'deleting', at: T0 + 104 * DAY, cause: 'removal_expired' },
      { from: 'deleting', to: 'deleted', at: T0 + 104 * DAY + HOUR, cause: 'deletion_completed' },
      { from: 'deleted', to: 'purged', at: T0 + 134 * DAY + HOUR, cause: 'retention_expired' },
    ]);
  });

  it('keeps the schedule when a timer fires late', () => {
    const trial = startLifecycle(T0, POLICY);
    const suspended = apply(trial, { type: 'deadline_reached', at: T0 + 16 * DAY });
    expect(suspended.stateSince).toBe(T0 + 14 * DAY);
    expect(suspended.transitions).toEqual([
      { from: 'trial', to: 'suspended', at: T0 + 14 * DAY, cause: 'trial_expired' },
    ]);
    expect(suspended.deadlines).toEqual({ removalAt: T0 + 74 * DAY });
  });

  it('catches up one transition per decision after a long outage', () => {
    const trial = startLifecycle(T0, POLICY);
    const first = apply(trial, { type: 'deadline_reached', at: T0 + 200 * DAY });
    expect(first.state).toBe('suspended');
    const caughtUp = wakeUntil(first, T0 + 200 * DAY);
    expect(caughtUp.state).toBe('deleting');
    expect(caughtUp.transitions.map((t) => [t.to, t.at])).toEqual([
      ['suspended', T0 + 14 * DAY],
      ['removed', T0 + 74 * DAY],
      ['deleting', T0 + 104 * DAY],
    ]);
  });

  it('never dates a transition before the current state began', () => {
    const suspended = apply(startLifecycle(T0, POLICY), { type: 'deadline_reached', at: T0 + 16 * DAY });
    const active = apply(suspended, { type: 'payment_succeeded', eventId: 'evt-early', at: T0 + 13 * DAY });
    expect(active.transitions.map((t) => t.at)).toEqual([T0 + 14 * DAY, T0 + 14 * DAY]);
    expect(active.stateSince).toBe(T0 + 14 * DAY);
  });

  it('makes a paying trial active and paid', () => {
    const active = apply(startLifecycle(T0, POLICY), { type: 'payment_succeeded', eventId: 'evt-1', at: T0 + DAY });
    expect(active).toMatchObject({ state: 'active', plan: 'paid', stateSince: T0 + DAY, deadlines: {}, reminders: [] });
    expect(active.transitions).toEqual([{ from: 'trial', to: 'active', at: T0 + DAY, cause: 'payment_succeeded' }]);
  });

  it('runs the grace from the first failure; later failures do not extend it', () => {
    const active = inState('active');
    const pastDue = apply(active, { type: 'payment_failed', eventId: 'evt-f1', at: T0 + 30 * DAY });
    expect(pastDue.state).toBe('past_due');
    expect(pastDue.deadlines).toEqual({ graceEndsAt: T0 + 37 * DAY });
    expect(pastDue.reminders).toEqual([{ kind: 'suspension_pending', at: T0 + 35 * DAY }]);

    const again = accepted(decide(pastDue, { type: 'payment_failed', eventId: 'evt-f2', at: T0 + 33 * DAY }, POLICY));
    expect(again.effects).toEqual([]);
    expect(again.lifecycle.state).toBe('past_due');
    expect(again.lifecycle.deadlines).toEqual({ graceEndsAt: T0 + 37 * DAY });
    expect(again.lifecycle.stateSince).toBe(T0 + 30 * DAY);
    expect(again.lifecycle.transitions).toEqual(pastDue.transitions);

    const suspended = wakeUntil(again.lifecycle, T0 + 40 * DAY);
    expect(suspended).toMatchObject({
      state: 'suspended',
      suspendedReason: 'payment_failed',
      stateSince: T0 + 37 * DAY,
    });
    expect(suspended.transitions.at(-1)).toEqual({
      from: 'past_due',
      to: 'suspended',
      at: T0 + 37 * DAY,
      cause: 'grace_expired',
    });
  });

  it('ends the grace with a successful payment', () => {
    const pastDue = inState('past_due');
    const active = apply(pastDue, { type: 'payment_succeeded', eventId: 'evt-retry', at: T0 + 4 * DAY });
    expect(active).toMatchObject({ state: 'active', plan: 'paid', deadlines: {}, reminders: [] });
    expect(nextWakeAt(active)).toBeUndefined();
  });

  describe('billing idempotency', () => {
    it('treats a billing event id seen before as a no-op', () => {
      const active = inState('active');
      const failed = apply(active, { type: 'payment_failed', eventId: 'evt-x', at: T0 + 30 * DAY });
      const paid = apply(failed, { type: 'payment_succeeded', eventId: 'evt-y', at: T0 + 31 * DAY });
      const replay = decide(paid, { type: 'payment_failed', eventId: 'evt-x', at: T0 + 32 * DAY }, POLICY);
      expect(replay).toEqual({ ok: true, lifecycle: paid, effects: [], duplicate: true, changed: false });
      expect(accepted(replay).lifecycle).toBe(paid);
    });

    it('recognises an id whatever the event type it comes back with', () => {
      const active = inState('active');
      const replay = accepted(
        decide(active, { type: 'payment_failed', eventId: 'evt-paid', at: T0 + 5 * DAY }, POLICY),
      );
      expect(replay.duplicate).toBe(true);
      expect(replay.lifecycle.state).toBe('active');
    });

    it('remembers an id even when the event causes no transition', () => {
      const trial = startLifecycle(T0, POLICY);
      const recorded = apply(trial, { type: 'payment_failed', eventId: 'evt-t', at: T0 + HOUR });
      expect(recorded.state).toBe('trial');
      expect(recorded.seenBillingEventIds).toEqual(['evt-t']);
      expect(decide(recorded, { type: 'payment_failed', eventId: 'evt-t', at: T0 + 2 * HOUR }, POLICY)).toMatchObject({
        duplicate: true,
        changed: false,
      });
    });

    it(`keeps the ${MAX_SEEN_BILLING_EVENT_IDS} most recent ids`, () => {
      let l = inState('active');
      for (let i = 0; i < MAX_SEEN_BILLING_EVENT_IDS + 5; i += 1) {
        l = apply(l, { type: 'payment_succeeded', eventId: `evt-${i}`, at: T0 + 2 * DAY + i });
      }
      expect(l.seenBillingEventIds).toHaveLength(MAX_SEEN_BILLING_EVENT_IDS);
      expect(l.seenBillingEventIds[0]).toBe('evt-5');
      expect(l.seenBillingEventIds.at(-1)).toBe(`evt-${MAX_SEEN_BILLING_EVENT_IDS + 4}`);
    });
  });

  describe('reactivation', () => {
    it('returns an expired trial to a trial with a fresh reactivation window', () => {
      const suspended = inState('suspended');
      const at = T0 + 20 * DAY;
      const decision = accepted(decide(suspended, { type: 'reactivation_requested', channel: 'chat', at }, POLICY));
      expect(decision.effects).toEqual([RESTORE_ACCESS, notify('reactivated')]);
      expect(decision.lifecycle).toEqual({
        ...suspended,
        state: 'trial',
        plan: 'trial',
        stateSince: at,
        deadlines: { trialEndsAt: at + 7 * DAY },
        reminders: [{ kind: 'trial_ending', at: at + 4 * DAY }],
        transitions: [...suspended.transitions, { from: 'suspended', to: 'trial', at, cause: 'reactivated_chat' }],
        suspendedReason: undefined,
      });
      expect('suspendedReason' in decision.lifecycle).toBe(false);
    });

    it('returns a suspended payer to past_due with a fresh grace', () => {
      const pastDue = inState('past_due');
      const suspended = wakeUntil(pastDue, deadlineOf(pastDue));
      expect(suspended).toMatchObject({ state: 'suspended', suspendedReason: 'payment_failed' });
      const at = deadlineOf(pastDue) + 10 * DAY;
      const decision = accepted(decide(suspended, { type: 'reactivation_requested', channel: 'email', at }, POLICY));
      expect(decision.effects).toEqual([RESTORE_ACCESS, notify('reactivated')]);
      expect(decision.lifecycle).toMatchObject({
        state: 'past_due',
        plan: 'paid',
        stateSince: at,
        deadlines: { graceEndsAt: at + 7 * DAY },
        reminders: [{ kind: 'suspension_pending', at: at + 5 * DAY }],
      });
      expect(decision.lifecycle.transitions.at(-1)).toEqual({
        from: 'suspended',
        to: 'past_due',
        at,
        cause: 'reactivated_email',
      });
    });

    it('restores the configuration before access when reactivating a removed account', () => {
      const removed = inState('removed');
      expect(removed.suspendedReason).toBe('trial_expired');
      const at = removed.stateSince + 3 * DAY;
      const decision = accepted(decide(removed, { type: 'reactivation_requested', channel: 'email', at }, POLICY));
      expect(decision.effects).toEqual([RESTORE_CONFIG, RESTORE_ACCESS, notify('reactivated')]);
      expect(decision.lifecycle).toMatchObject({ state: 'trial', deadlines: { trialEndsAt: at + 7 * DAY } });
    });

    it('restores configuration and access when a removed account pays', () => {
      const removed = inState('removed');
      const decision = accepted(
        decide(removed, { type: 'payment_succeeded', eventId: 'evt-late', at: removed.stateSince + DAY }, POLICY),
      );
      expect(decision.effects).toEqual([RESTORE_CONFIG, RESTORE_ACCESS, notify('reactivated')]);
      expect(decision.lifecycle).toMatchObject({ state: 'active', plan: 'paid', deadlines: {} });
      expect('suspendedReason' in decision.lifecycle).toBe(false);
    });
  });

  describe('deletion', () => {
    it('lets an owner deletion win over later payments and reactivation', () => {
      const active = inState('active');
      let l = apply(active, { type: 'deletion_requested', by: 'owner', at: T0 + 10 * DAY });
      expect(l.transitions.at(-1)).toEqual({
        from: 'active',
        to: 'deleting',
        at: T0 + 10 * DAY,
        cause: 'deletion_requested_owner',
      });
      const paid = accepted(decide(l, { type: 'payment_succeeded', eventId: 'evt-z', at: T0 + 10 * DAY + 1 }, POLICY));
      expect(paid).toMatchObject({ changed: false, effects: [] });
      expect(paid.lifecycle.state).toBe('deleting');
      expect(decide(l, { type: 'reactivation_requested', channel: 'chat', at: T0 + 11 * DAY }, POLICY)).toEqual({
        ok: false,
        code: 'DELETION_IN_PROGRESS',
      });
      expect(decide(l, { type: 'deletion_requested', by: 'support', at: T0 + 11 * DAY }, POLICY)).toEqual({
        ok: false,
        code: 'DELETION_IN_PROGRESS',
      });

      l = apply(l, { type: 'deletion_completed', at: T0 + 11 * DAY });
      expect(l).toMatchObject({ state: 'deleted', deadlines: { purgeAt: T0 + 41 * DAY } });
      expect(decide(l, { type: 'payment_succeeded', eventId: 'evt-z2', at: T0 + 12 * DAY }, POLICY)).toMatchObject({
        ok: true,
        changed: false,
      });
      expect(decide(l, { type: 'reactivation_requested', channel: 'email', at: T0 + 12 * DAY }, POLICY)).toEqual({
        ok: false,
        code: 'ACCOUNT_DELETED',
      });

      l = wakeUntil(l, T0 + 100 * DAY);
      expect(l.state).toBe('purged');
      expect(l.transitions.map((t) => t.to)).toEqual(['active', 'deleting', 'deleted', 'purged']);
    });

    it('records who asked for the deletion', () => {
      const l = apply(inState('trial'), { type: 'deletion_requested', by: 'support', at: T0 + DAY });
      expect(l.transitions.at(-1)?.cause).toBe('deletion_requested_support');
    });

    it('does not block access twice when a suspended account is deleted', () => {
      const decision = accepted(
        decide(inState('suspended'), { type: 'deletion_requested', by: 'owner', at: T0 + 20 * DAY }, POLICY),
      );
      expect(decision.effects).toEqual([notify('deletion_started'), DELETE_DATA]);
      expect(decision.lifecycle).toMatchObject({ state: 'deleting', deadlines: {}, reminders: [] });
      expect('suspendedReason' in decision.lifecycle).toBe(false);
    });
  });

  describe('reminders', () => {
    it('fires the trial, grace and suspension reminders at their lead before the deadline', () => {
      expect(REMINDER_LEAD_MS).toEqual({
        trial_ending: 3 * DAY,
        suspension_pending: 2 * DAY,
        removal_pending: 7 * DAY,
      });
      const trial = startLifecycle(T0, POLICY);
      expect(decide(trial, { type: 'deadline_reached', at: T0 + 11 * DAY - 1 }, POLICY)).toEqual({
        ok: true,
        lifecycle: trial,
        effects: [],
        duplicate: false,
        changed: false,
      });
      const reminded = accepted(decide(trial, { type: 'deadline_reached', at: T0 + 11 * DAY }, POLICY));
      expect(reminded.effects).toEqual([notify('trial_ending')]);
      expect(reminded.lifecycle).toEqual({ ...trial, reminders: [] });
      expect(nextWakeAt(reminded.lifecycle)).toBe(T0 + 14 * DAY);

      const pastDue = inState('past_due');
      const graceEnds = deadlineOf(pastDue);
      expect(nextWakeAt(pastDue)).toBe(graceEnds - 2 * DAY);
      expect(accepted(decide(pastDue, { type: 'deadline_reached', at: graceEnds - 2 * DAY }, POLICY)).effects).toEqual([
        notify('suspension_pending'),
      ]);

      const suspended = inState('suspended');
      expect(suspended.reminders).toEqual([{ kind: 'removal_pending', at: deadlineOf(suspended) - 7 * DAY }]);
    });

    it('drops the old reminders when the deadline is due as well', () => {
      const trial = startLifecycle(T0, POLICY);
      const decision = accepted(decide(trial, { type: 'deadline_reached', at: T0 + 15 * DAY }, POLICY));
      expect(decision.effects).toEqual([BLOCK, notify('suspended')]);
      expect(decision.lifecycle.reminders).toEqual([{ kind: 'removal_pending', at: T0 + 67 * DAY }]);
    });

    it('sends a short period’s reminder at half the period under the short-period rule', () => {
      const rule: LifecyclePolicy = { ...POLICY, shortPeriodReminders: true, trialPeriodMs: 2 * 60_000 };
      const trial = startLifecycle(T0, rule);
      expect(trial.reminders).toEqual([{ kind: 'trial_ending', at: T0 + 60_000 }]);
      const reminded = accepted(decide(trial, { type: 'deadline_reached', at: T0 + 60_000 }, rule));
      expect(reminded.effects).toEqual([notify('trial_ending')]);
      expect(nextWakeAt(reminded.lifecycle)).toBe(T0 + 2 * 60_000);

      const short: LifecyclePolicy = { ...rule, paymentGracePeriodMs: DAY, suspensionPeriodMs: 5 * DAY };
      const pastDue = apply(inState('active'), { type: 'payment_failed', eventId: 'evt-s', at: T0 + 5 * DAY }, short);
      expect(pastDue.reminders).toEqual([{ kind: 'suspension_pending', at: T0 + 5.5 * DAY }]);
      const suspended = apply(pastDue, { type: 'deadline_reached', at: T0 + 6 * DAY }, short);
      expect(suspended.reminders).toEqual([{ kind: 'removal_pending', at: T0 + 8.5 * DAY }]);
    });

    it('keeps the default leads under the short-period rule when the periods are long enough', () => {
      const rule: LifecyclePolicy = { ...POLICY, shortPeriodReminders: true };
      expect(startLifecycle(T0, rule).reminders).toEqual(startLifecycle(T0, POLICY).reminders);
      for (const kind of Object.keys(REMINDER_LEAD_MS) as (keyof typeof REMINDER_LEAD_MS)[]) {
        expect(reminderLeadMs(kind, 2 * REMINDER_LEAD_MS[kind], rule)).toBe(REMINDER_LEAD_MS[kind]);
        expect(reminderLeadMs(kind, 2 * REMINDER_LEAD_MS[kind] - 2, rule)).toBe(REMINDER_LEAD_MS[kind] - 1);
        expect(reminderLeadMs(kind, 60_000, POLICY)).toBe(REMINDER_LEAD_MS[kind]);
      }
    });

    it('skips reminders whose lead is longer than the period (accounts started before the short-period rule)', () => {
      const short: LifecyclePolicy = { ...POLICY, paymentGracePeriodMs: DAY, suspensionPeriodMs: 5 * DAY };
      const pastDue = apply(inState('active'), { type: 'payment_failed', eventId: 'evt-s', at: T0 + 5 * DAY }, short);
      expect(pastDue.reminders).toEqual([]);
      expect(nextWakeAt(pastDue)).toBe(T0 + 6 * DAY);
      const suspended = apply(pastDue, { type: 'deadline_reached', at: T0 + 6 * DAY }, short);
      expect(suspended.reminders).toEqual([]);
    });

    it('skips a reminder that a late timer has already overtaken', () => {
      const trial = startLifecycle(T0, POLICY);
      const suspended = apply(trial, { type: 'deadline_reached', at: T0 + 70 * DAY });
      expect(suspended.deadlines).toEqual({ removalAt: T0 + 74 * DAY });
      expect(suspended.reminders).toEqual([]);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Property tests: random histories driven like the workflow drives them.

/** Edges DESIGN.md §2 allows; anything else is a bug. */
const ALLOWED: Record<AccountState, readonly AccountState[]> = {
  trial: ['active', 'suspended', 'deleting'],
  active: ['past_due', 'deleting'],
  past_due: ['active', 'suspended', 'deleting'],
  suspended: ['active', 'trial', 'past_due', 'removed', 'deleting'],
  removed: ['active', 'trial', 'past_due', 'deleting'],
  deleting: ['deleted'],
  deleted: ['purged'],
  purged: [],
};

type Input =
  | { kind: 'payment_succeeded' | 'payment_failed'; eventId: string }
  | { kind: 'reactivation_requested'; channel: 'chat' | 'email' }
  | { kind: 'deletion_requested'; by: 'owner' | 'support' }
  | { kind: 'deletion_completed' }
  | { kind: 'wait' };

interface Step {
  gap: number;
  input: Input;
  /** Whether a running data cascade reports completion before this step. */
  cascadeDone: boolean;
  /** How much earlier than the driver's clock the external event is stamped, when the driver allows skew. */
  skew: number;
}

const eventIdArb = fc.integer({ min: 1, max: 12 }).map((n) => `evt-${n}`);
const inputArb: fc.Arbitrary<Input> = fc.oneof(
  { weight: 4, arbitrary: eventIdArb.map((eventId) => ({ kind: 'payment_succeeded' as const, eventId })) },
  { weight: 4, arbitrary: eventIdArb.map((eventId) => ({ kind: 'payment_failed' as const, eventId })) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('chat' as const, 'email' as const).map((channel) => ({
      kind: 'reactivation_requested' as const,
      channel,
    })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('owner' as const, 'support' as const).map((by) => ({
      kind: 'deletion_requested' as const,
      by,
    })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'deletion_completed' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'wait' as const }) },
);
const stepArb: fc.Arbitrary<Step> = fc.record({
  gap: fc.oneof(fc.integer({ min: 0, max: DAY }), fc.integer({ min: 0, max: 40 * DAY })),
  input: inputArb,
  cascadeDone: fc.boolean(),
  skew: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 * DAY })),
});
const periodArb = fc.integer({ min: HOUR, max: 90 * DAY });
const policyArb: fc.Arbitrary<LifecyclePolicy> = fc.oneof(
  fc.constant(POLICY),
  fc.record({
    trialPeriodMs: periodArb,
    paymentGracePeriodMs: periodArb,
    suspensionPeriodMs: periodArb,
    removalPeriodMs: periodArb,
    backupRetentionPeriodMs: periodArb,
    reactivationWindowMs: periodArb,
    shortPeriodReminders: fc.boolean(),
  }),
);
const historyArb = fc.record({ policy: policyArb, steps: fc.array(stepArb, { maxLength: 40 }) });
/** Histories without deletion requests, so that most of them end in a live state. */
const liveHistoryArb = fc.record({
  policy: policyArb,
  steps: fc.array(
    stepArb.filter((s) => s.input.kind !== 'deletion_requested'),
    { maxLength: 40 },
  ),
});

type Observer = (before: AccountLifecycle, event: AccountEvent, decision: Decision) => void;

/**
 * A minimal workflow: wakes for every due deadline or reminder, reports the data cascade as finished when the step
 * says so, then delivers the step's external event.
 */
class Driver {
  lifecycle: AccountLifecycle;
  now = T0;
  private cascadeRunning = false;

  constructor(
    readonly policy: LifecyclePolicy,
    private readonly options: { observe?: Observer; freeze?: boolean; skewed?: boolean } = {},
  ) {
    this.lifecycle = startLifecycle(T0, policy);
  }

  send(event: AccountEvent): Decision {
    const before = this.lifecycle;
    const snapshot = this.options.freeze ? structuredClone(before) : undefined;
    if (this.options.freeze) deepFreeze([before, event]);
    const decision = decide(before, event, this.policy);
    if (snapshot) expect(before).toStrictEqual(snapshot);
    this.options.observe?.(before, event, decision);
    if (decision.ok) {
      this.lifecycle = decision.lifecycle;
      if (decision.effects.some((effect) => effect.type === 'delete_data')) this.cascadeRunning = true;
      if (this.lifecycle.state !== 'deleting') this.cascadeRunning = false;
    }
    return decision;
  }

  advance(gap: number): void {
    this.now += gap;
    for (let guard = 0; ; guard += 1) {
      const wake = nextWakeAt(this.lifecycle);
      if (wake === undefined || wake > this.now) return;
      if (guard > 100) throw new Error('timer loop does not progress');
      const decision = this.send({ type: 'deadline_reached', at: wake });
      if (!decision.ok) throw new Error(`timer refused with ${decision.code}`);
    }
  }

  step({ gap, input, cascadeDone, skew }: Step): void {
    this.advance(gap);
    if (cascadeDone && this.cascadeRunning) this.send({ type: 'deletion_completed', at: this.now });
    const at = this.options.skewed ? this.now - skew : this.now;
    switch (input.kind) {
      case 'payment_succeeded':
      case 'payment_failed':
        this.send({ type: input.kind, eventId: input.eventId, at });
        break;
      case 'reactivation_requested':
        this.send({ type: input.kind, channel: input.channel, at });
        break;
      case 'deletion_requested':
        this.send({ type: input.kind, by: input.by, at });
        break;
      case 'deletion_completed':
        this.send({ type: input.kind, at });
        break;
      case 'wait':
        break;
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function expectConsistent(l: AccountLifecycle): void {
  const deadlineKeys = Object.keys(l.deadlines);
  expect(deadlineKeys).toHaveLength(hasTimer(l.state) ? 1 : 0);
  expect(nextTransitionAt(l) !== undefined).toBe(hasTimer(l.state));
  for (const reminder of l.reminders) expect(reminder.at).toBeLessThan(nextTransitionAt(l) ?? -Infinity);
  expect('suspendedReason' in l).toBe(l.state === 'suspended' || l.state === 'removed');
  expect(l.stateSince).toBe(l.transitions.at(-1)?.at ?? T0);
  expect(l.seenBillingEventIds.length).toBeLessThanOrEqual(MAX_SEEN_BILLING_EVENT_IDS);
}

describe('decide (properties)', () => {
  it('only makes allowed transitions, so nothing reaches purged without passing deleted', () => {
    fc.assert(
      fc.property(historyArb, ({ policy, steps }) => {
        const driver = new Driver(policy);
        for (const step of steps) driver.step(step);
        driver.advance(400 * DAY);
        let previous: AccountState = 'trial';
        for (const t of driver.lifecycle.transitions) {
          expect(t.from).toBe(previous);
          expect(ALLOWED[t.from]).toContain(t.to);
          if (t.to === 'purged') expect(t.from).toBe('deleted');
          previous = t.to;
        }
        expect(driver.lifecycle.state).toBe(previous);
      }),
    );
  });

  it('keeps deadlines exactly for the states with a timer', () => {
    fc.assert(
      fc.property(historyArb, ({ policy, steps }) => {
        const driver = new Driver(policy, {
          observe: (_before, _event, decision) => {
            if (decision.ok) expectConsistent(decision.lifecycle);
          },
        });
        expectConsistent(driver.lifecycle);
        for (const step of steps) driver.step(step);
      }),
    );
  });

  it('treats the replay of a seen billing event as a no-op', () => {
    fc.assert(
      fc.property(historyArb, ({ policy, steps }) => {
        const driver = new Driver(policy, {
          observe: (_before, event, decision) => {
            if (!decision.ok || (event.type !== 'payment_succeeded' && event.type !== 'payment_failed')) return;
            const replay = accepted(decide(decision.lifecycle, { ...event, at: event.at + HOUR }, policy));
            expect(replay.lifecycle).toBe(decision.lifecycle);
            expect(replay.changed).toBe(false);
            expect(replay.effects).toEqual([]);
            // Deletion states do not remember new ids: nothing there can be resurrected by a redelivery.
            expect(replay.duplicate).toBe(decision.lifecycle.seenBillingEventIds.includes(event.eventId));
            if (!DELETION_STATES.includes(decision.lifecycle.state)) expect(replay.duplicate).toBe(true);
          },
        });
        for (const step of steps) driver.step(step);
        for (const eventId of driver.lifecycle.seenBillingEventIds) {
          const replay = decide(driver.lifecycle, { type: 'payment_succeeded', eventId, at: driver.now }, policy);
          expect(replay).toEqual({
            ok: true,
            lifecycle: driver.lifecycle,
            effects: [],
            duplicate: true,
            changed: false,
          });
        }
      }),
    );
  });

  it('ends in purged after an owner deletion from any live state, whatever follows', () => {
    fc.assert(
      fc.property(
        liveHistoryArb,
        fc.array(
          stepArb.filter((s) => s.input.kind !== 'deletion_completed'),
          { maxLength: 10 },
        ),
        (history, after) => {
          const driver = new Driver(history.policy);
          for (const step of history.steps) driver.step(step);
          fc.pre(LIVE_STATES.includes(driver.lifecycle.state));

          const from = driver.lifecycle.state;
          const deletion = accepted(driver.send({ type: 'deletion_requested', by: 'owner', at: driver.now }));
          expect(deletion.lifecycle.state).toBe('deleting');
          expect(deletion.effects.at(-1)).toEqual(DELETE_DATA);
          expect(deletion.effects.some((e) => e.type === 'block_access')).toBe(
            !['suspended', 'removed'].includes(from),
          );
          for (const step of after) {
            driver.step({ ...step, cascadeDone: false });
            expect(driver.lifecycle.state).toBe('deleting');
          }
          accepted(driver.send({ type: 'deletion_completed', at: driver.now }));
          for (const step of after) {
            driver.step({ ...step, cascadeDone: false });
            expect(DELETION_STATES).toContain(driver.lifecycle.state);
          }
          driver.advance(history.policy.backupRetentionPeriodMs);
          expect(driver.lifecycle.state).toBe('purged');
          expect(nextWakeAt(driver.lifecycle)).toBeUndefined();
        },
      ),
    );
  });

  it('never mutates its input and reports changes honestly', () => {
    fc.assert(
      fc.property(historyArb, ({ policy, steps }) => {
        const driver = new Driver(policy, {
          freeze: true,
          observe: (before, _event, decision) => {
            if (!decision.ok) return;
            expect(decision.changed).toBe(!isDeepStrictEqual(before, decision.lifecycle));
            if (!decision.changed) expect(decision.lifecycle).toBe(before);
            expect(JSON.parse(JSON.stringify(decision.lifecycle))).toStrictEqual(decision.lifecycle);
          },
        });
        for (const step of steps) driver.step(step);
        driver.advance(400 * DAY);
      }),
    );
  });

  it('records transitions in time order, even when events arrive stamped out of order', () => {
    fc.assert(
      fc.property(historyArb, fc.boolean(), ({ policy, steps }, skewed) => {
        const driver = new Driver(policy, { skewed });
        for (const step of steps) driver.step(step);
        driver.advance(400 * DAY);
        const times = driver.lifecycle.transitions.map((t) => t.at);
        expect(times).toEqual([...times].sort((a, b) => a - b));
        expect(times.every((at) => at >= T0 && at <= driver.now)).toBe(true);
      }),
    );
  });
});

describe('billing events out of order (occurredAt)', () => {
  const paid = (eventId: string, occurredAt?: number): AccountEvent => ({
    type: 'payment_succeeded',
    eventId,
    at: T0 + DAY,
    ...(occurredAt === undefined ? {} : { occurredAt }),
  });
  const failed = (eventId: string, occurredAt?: number): AccountEvent => ({
    type: 'payment_failed',
    eventId,
    at: T0 + 2 * DAY,
    ...(occurredAt === undefined ? {} : { occurredAt }),
  });

  it('records an event older than the newest applied one without letting it undo the newer', () => {
    const active = apply(startLifecycle(T0, POLICY), paid('evt_new', T0 + 10 * HOUR));
    expect(active).toMatchObject({ state: 'active', lastPaymentOccurredAt: T0 + 10 * HOUR });
    const stale = accepted(decide(active, failed('evt_old', T0 + 9 * HOUR), POLICY));
    expect(stale.effects).toEqual([]);
    expect(stale.lifecycle).toEqual({ ...active, seenBillingEventIds: ['evt_new', 'evt_old'] });
    // Recorded: its redelivery is a duplicate.
    expect(accepted(decide(stale.lifecycle, failed('evt_old', T0 + 9 * HOUR), POLICY)).duplicate).toBe(true);
  });

  it('applies events at or after the newest one, and keeps the newest time across transitions', () => {
    const active = apply(startLifecycle(T0, POLICY), paid('evt_1', T0 + 10 * HOUR));
    const pastDue = apply(active, failed('evt_2', T0 + 10 * HOUR));
    expect(pastDue).toMatchObject({ state: 'past_due', lastPaymentOccurredAt: T0 + 10 * HOUR });
    const again = apply(pastDue, paid('evt_3', T0 + 11 * HOUR));
    expect(again).toMatchObject({ state: 'active', lastPaymentOccurredAt: T0 + 11 * HOUR });
    const suspended = apply(apply(again, failed('evt_4', T0 + 12 * HOUR)), {
      type: 'deadline_reached',
      at: T0 + 30 * DAY,
    });
    expect(suspended).toMatchObject({ state: 'suspended', lastPaymentOccurredAt: T0 + 12 * HOUR });
  });

  it('applies events without a time in arrival order, as before (signals of older workflow histories)', () => {
    const active = apply(startLifecycle(T0, POLICY), paid('evt_1', T0 + 10 * HOUR));
    expect(apply(active, failed('evt_2'))).toMatchObject({ state: 'past_due', lastPaymentOccurredAt: T0 + 10 * HOUR });
    expect(apply(startLifecycle(T0, POLICY), paid('evt_1'))).not.toHaveProperty('lastPaymentOccurredAt');
  });

  it('refuses an event whose time is not a finite number', () => {
    expect(decide(startLifecycle(T0, POLICY), paid('evt_1', Number.NaN), POLICY)).toEqual({
      ok: false,
      code: 'INVALID_EVENT',
    });
  });
});

describe('plan', () => {
  it('becomes paid with the first payment and stays paid through failures and suspension', () => {
    const trial = startLifecycle(T0, POLICY);
    expect(trial.plan).toBe('trial');
    const active = apply(trial, { type: 'payment_succeeded', eventId: 'evt-1', at: T0 + DAY });
    expect(active.plan).toBe('paid');
    const pastDue = apply(active, { type: 'payment_failed', eventId: 'evt-2', at: T0 + 2 * DAY });
    const suspended = apply(pastDue, { type: 'deadline_reached', at: deadlineOf(pastDue) });
    expect([pastDue.plan, suspended.plan]).toEqual(['paid', 'paid']);
  });

  it('stays trial for a trial that expires unpaid', () => {
    expect(inState('suspended').plan).toBe('trial');
    expect(inState('removed').plan).toBe('trial');
  });

  it.each(['suspended', 'removed'] as const)('becomes paid when an expired trial pays while %s', (state) => {
    const before = inState(state);
    const after = apply(before, { type: 'payment_succeeded', eventId: 'evt-late', at: before.stateSince + DAY });
    expect(after.state).toBe('active');
    expect(after.plan).toBe('paid');
  });
});

describe('lifecycles written by hand (a migration, an import)', () => {
  function handWritten(patch: Partial<AccountLifecycle>): AccountLifecycle {
    return {
      state: 'suspended',
      plan: 'trial',
      stateSince: T0,
      deadlines: { removalAt: T0 + 60 * DAY },
      reminders: [],
      transitions: [],
      seenBillingEventIds: [],
      ...patch,
    };
  }

  it.each([
    ['trial', 'trial'],
    ['paid', 'past_due'],
  ] as const)('reactivates a suspended account without a recorded reason by its plan: %s → %s', (plan, expected) => {
    const decision = accepted(
      decide(handWritten({ plan }), { type: 'reactivation_requested', channel: 'email', at: T0 + DAY }, POLICY),
    );
    expect(decision.lifecycle.state).toBe(expected);
  });

  it('wakes for the earliest reminder whatever their order', () => {
    const lifecycle = handWritten({
      reminders: [
        { kind: 'removal_pending', at: T0 + 50 * DAY },
        { kind: 'removal_pending', at: T0 + 40 * DAY },
        { kind: 'removal_pending', at: T0 + 45 * DAY },
      ],
    });
    expect(nextWakeAt(lifecycle)).toBe(T0 + 40 * DAY);
  });

  it('sends the reminders that are due, earliest first, and keeps the others', () => {
    const lifecycle = handWritten({
      state: 'trial',
      deadlines: { trialEndsAt: T0 + 14 * DAY },
      reminders: [
        { kind: 'trial_ending', at: T0 + 12 * DAY },
        { kind: 'suspension_pending', at: T0 + 10 * DAY },
        { kind: 'removal_pending', at: T0 + 13 * DAY },
      ],
    });
    const decision = accepted(decide(lifecycle, { type: 'deadline_reached', at: T0 + 12 * DAY }, POLICY));
    expect(decision.effects).toEqual([notify('suspension_pending'), notify('trial_ending')]);
    expect(decision.lifecycle.reminders).toEqual([{ kind: 'removal_pending', at: T0 + 13 * DAY }]);
    expect(nextWakeAt(decision.lifecycle)).toBe(T0 + 13 * DAY);
  });
});
