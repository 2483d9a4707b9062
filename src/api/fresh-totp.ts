import { findSignInUserById, recordTotpStep } from '../db/credentials';
import { ERROR_CODES } from '../domain/error-codes';
import { openTotpSecret, verifyTotp } from '../security/totp';
import type { AppDeps } from './deps';
import { ProblemError } from './problem';

/** Whether the user has confirmed 2FA. */
export async function hasTwoFactor(deps: AppDeps, userId: string): Promise<boolean> {
  const user = await findSignInUserById(deps.sql, userId);
  return user?.totpSecretSealed != null;
}

/**
 * Demands a fresh TOTP code of the user's confirmed secret (current or previous step, never one used before) and
 * records it as used. For sensitive actions: turning 2FA off, deleting the account.
 */
export async function requireFreshTotp(deps: AppDeps, userId: string, code: string | undefined): Promise<void> {
  const user = await findSignInUserById(deps.sql, userId);
  if (!user?.totpSecretSealed) throw new ProblemError(409, ERROR_CODES.TOTP_NOT_ENABLED, '2FA is not on');
  if (code === undefined)
    throw new ProblemError(401, ERROR_CODES.TOTP_REQUIRED, 'This action needs a fresh 2FA code (`totp`)');
  const secret = openTotpSecret(deps.config.masterKey, user.totpSecretSealed, userId);
  const check = verifyTotp(secret, code, Math.floor(Date.now() / 1000), user.totpLastStep);
  if (!check.ok || !(await recordTotpStep(deps.sql, userId, check.step))) {
    throw new ProblemError(401, ERROR_CODES.TOTP_INVALID, 'Invalid or already used code');
  }
}
