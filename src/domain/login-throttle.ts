/** Failed sign-ins per account and address allowed before any wait. */
export const FREE_FAILURES = 5;
/** The first wait, doubled with each further failure, up to {@link MAX_LOCK_SECONDS}. */
export const BASE_LOCK_SECONDS = 30;
export const MAX_LOCK_SECONDS = 15 * 60;

/**
 * How long sign-in stays locked after the `failures`-th consecutive failure: nothing for the first five, then
 * 30 s, 60 s, 2 min, 4 min, 8 min, 15 min, 15 min… A guesser gets nine tries in the first 15 minutes and
 * four an hour after that; a person who mistypes a few times never waits.
 */
export function lockSeconds(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(BASE_LOCK_SECONDS * 2 ** (failures - FREE_FAILURES), MAX_LOCK_SECONDS);
}

/**
 * {@link lockSeconds} of the 1st, 2nd, … failure, up to the first that reaches {@link MAX_LOCK_SECONDS}; every later
 * failure locks for the last entry. Lets one SQL statement apply the rule to the count it has just incremented.
 */
export const LOCK_SCHEDULE: readonly number[] = (() => {
  const schedule: number[] = [];
  for (let failures = 1; schedule.at(-1) !== MAX_LOCK_SECONDS; failures++) schedule.push(lockSeconds(failures));
  return schedule;
})();

/** The throttle key of a user's password and TOTP re-checks (beside the account+address keys of sign-in). */
export const reauthThrottleKey = (userId: string): string => `reauth:${userId}`;
