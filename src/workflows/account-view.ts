import type {
  AccountLifecycle,
  AccountPlan,
  AccountState,
  SuspendedReason,
  TransitionCause,
} from '../domain/account-lifecycle';

/** DESIGN §5 AccountView without `subdomain`: times as ISO-8601. */
export interface AccountView {
  id: string;
  state: AccountState;
  plan: AccountPlan;
  suspendedReason?: SuspendedReason;
  stateSince: string;
  deadlines: { trialEndsAt?: string; graceEndsAt?: string; removalAt?: string; deletionAt?: string; purgeAt?: string };
  transitions: { from: AccountState; to: AccountState; at: string; cause: TransitionCause }[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Formats a lifecycle for people and JSON clients. Pure; used by the workflow's query. */
export function toAccountView(accountId: string, lifecycle: AccountLifecycle): AccountView {
  const deadlines: AccountView['deadlines'] = {};
  for (const [name, at] of Object.entries(lifecycle.deadlines) as [
    keyof AccountView['deadlines'],
    number | undefined,
  ][]) {
    if (at !== undefined) deadlines[name] = iso(at);
  }
  return {
    id: accountId,
    state: lifecycle.state,
    plan: lifecycle.plan,
    ...(lifecycle.suspendedReason !== undefined ? { suspendedReason: lifecycle.suspendedReason } : {}),
    stateSince: iso(lifecycle.stateSince),
    deadlines,
    transitions: lifecycle.transitions.map((t) => ({ from: t.from, to: t.to, at: iso(t.at), cause: t.cause })),
  };
}
