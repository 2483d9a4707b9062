/**
 * The rules of an end user's portal sign-up by emailed code (issue 9): nothing of an existing person becomes theirs
 * before they prove they read mail sent to the address.
 *
 * @packageDocumentation
 */

/** A code works for 15 minutes… */
export const VERIFICATION_CODE_TTL_MS = 15 * 60_000;
/** …for at most 5 tries (a 6-digit code: 5 in a million to guess it)… */
export const VERIFICATION_MAX_ATTEMPTS = 5;
/** …and asking again within a minute sends no second mail, so a form cannot be used to flood a mailbox. */
export const VERIFICATION_RESEND_INTERVAL_MS = 60_000;
/** Digits in a code. */
export const VERIFICATION_CODE_DIGITS = 6;
