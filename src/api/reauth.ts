import { insertAudit } from '../db/audit';
import type { Queryable } from '../db/client';
import { findSignInUserById, recordTotpStep } from '../db/credentials';
import { claimAttempt, clearLoginFailures } from '../db/login-throttles';
import { ERROR_CODES } from '../domain/error-codes';
import type { ErrorCode } from '../domain/error-codes';
import { reauthThrottleKey } from '../domain/login-throttle';
import { verifyPassword } from '../security/passwords';
import { openTotpSecret, verifyTotp } from '../security/totp';
import type { UserPrincipal } from './middleware/auth';
import { RecordedRefusal } from './problem';

/** What a sensitive act carries to prove the person at the keyboard is the user: the password, and a code with 2FA. */
export interface ReauthProof {
  password: string;
  totp?: string | undefined;
}

/**
 * Re-authentication before a sensitive act (creating an API token, enrolling, confirming or turning off 2FA,
 * changing the password, deleting the account): the user's password, plus a fresh TOTP code (current or previous
 * step, never one used before) when 2FA is on. Call it first in the handler, on the request's own transaction `db`
 * (a second pooled connection while holding one can starve the pool).
 *
 * Re-checks are throttled per user (key `reauth:<userId>`, the sign-in rule): the attempt is claimed before the
 * password is hashed, and a refusal is a {@link RecordedRefusal}, so the count and the audit entry are committed
 * although the act is not. A passing re-check clears the count.
 */
export async function requireReauth(
  db: Queryable,
  masterKey: Buffer,
  me: UserPrincipal,
  proof: ReauthProof,
  ip: string | null,
): Promise<void> {
  const key = reauthThrottleKey(me.userId);
  const audit = (action: string) =>
    insertAudit(db, { accountId: me.accountId, actor: `user:${me.userId}`, action, targetId: me.userId, clientIp: ip });
  // Like sign-in, a missing code is counted but not audited: nothing was guessed.
  const refuse = async (
    action: string | null,
    status: 401 | 429,
    code: ErrorCode,
    title: string,
    retryAfter?: number,
  ) => {
    if (action !== null) await audit(action);
    const headers = retryAfter === undefined ? undefined : { 'Retry-After': String(retryAfter) };
    throw new RecordedRefusal(status, code, title, undefined, undefined, headers);
  };

  const claim = await claimAttempt(db, me.accountId, key);
  if (!claim.allowed) {
    return refuse(
      'auth.reauth_throttled',
      429,
      ERROR_CODES.TOO_MANY_ATTEMPTS,
      'Too many failed re-checks; try again later',
      claim.retryAfterSeconds,
    );
  }
  const user = await findSignInUserById(db, me.userId);
  if (!user || !(await verifyPassword(user.passwordHash, proof.password))) {
    return refuse('auth.reauth_failed', 401, ERROR_CODES.INVALID_CREDENTIALS, 'Password re-check failed');
  }
  if (user.totpSecretSealed !== null) {
    if (proof.totp === undefined) {
      return refuse(null, 401, ERROR_CODES.TOTP_REQUIRED, 'This action needs a fresh 2FA code (`totp`)');
    }
    const secret = openTotpSecret(masterKey, user.totpSecretSealed, me.userId);
    const check = verifyTotp(secret, proof.totp, Math.floor(Date.now() / 1000), user.totpLastStep);
    if (!check.ok || !(await recordTotpStep(db, me.userId, check.step))) {
      return refuse('auth.reauth_failed_second_factor', 401, ERROR_CODES.TOTP_INVALID, 'Invalid or already used code');
    }
  }
  await clearLoginFailures(db, me.accountId, key);
}
