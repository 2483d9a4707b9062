import { findAccountBySubdomain } from '../db/accounts';
import { insertAudit } from '../db/audit';
import { consumeRecoveryCode, findSignInUser, recordTotpStep } from '../db/credentials';
import type { SignInUser } from '../db/credentials';
import { claimAttempt, clearLoginFailures } from '../db/login-throttles';
import { ERROR_CODES } from '../domain/error-codes';
import { verifyPasswordOrDummy } from '../security/passwords';
import { hashRecoveryCode } from '../security/recovery-codes';
import { openTotpSecret, verifyTotp } from '../security/totp';
import { enforceIpAllowlist, refuseStanding, standingProblem } from './account-access';
import type { AppDeps } from './deps';
import { ProblemError } from './problem';

export interface PasswordAttempt {
  subdomain: string;
  email: string;
  password: string;
  /** What a login form may add; HTTP Basic carries no second factor and is refused for users with 2FA. */
  secondFactor: { totp?: string | undefined; recoveryCode?: string | undefined } | 'none';
}

export const tooManyAttempts = (retryAfterSeconds: number) =>
  new ProblemError(
    429,
    ERROR_CODES.TOO_MANY_ATTEMPTS,
    'Too many failed attempts; try again later',
    undefined,
    undefined,
    {
      'Retry-After': String(retryAfterSeconds),
    },
  );

const invalidCredentials = () => new ProblemError(401, ERROR_CODES.INVALID_CREDENTIALS, 'Invalid credentials');

/**
 * A sign-in with a password, the one path of `POST /v1/auth/login` and HTTP Basic `email:password`: the same
 * allow-list, throttle (account + client address), audit entries and answers for both.
 *
 * The tenant is known from the subdomain whether or not the email exists, so an unknown email is refused by the
 * allow-list, claims throttle attempts and is audited exactly like a known one: neither reveals which addresses
 * have users. An attempt is claimed before the password is hashed (see {@link claimAttempt}); only the password
 * with the second factor clears the count. The account's standing is revealed only to someone who proved both.
 */
export async function signInWithPassword(
  deps: AppDeps,
  attempt: PasswordAttempt,
  ip: string | null,
): Promise<SignInUser> {
  const { sql } = deps;
  const account = await findAccountBySubdomain(sql, attempt.subdomain.toLowerCase());
  // Which subdomains exist is public (GET /v1/tenants/:subdomain); there is no account to count attempts against.
  if (!account) throw invalidCredentials();
  const user = await findSignInUser(sql, account.subdomain, attempt.email);
  const audit = (action: string) =>
    insertAudit(sql, {
      accountId: account.id,
      actor: user ? `user:${user.id}` : 'anonymous',
      action,
      targetId: user?.id ?? null,
      clientIp: ip,
    });

  await enforceIpAllowlist(sql, account.id, ip).catch(async (error: unknown) => {
    await audit('auth.login_refused_ip');
    throw error;
  });
  const throttleKey = ip ?? 'unknown';
  const claim = await claimAttempt(sql, account.id, throttleKey);
  if (!claim.allowed) {
    await audit('auth.login_throttled');
    throw tooManyAttempts(claim.retryAfterSeconds);
  }
  // The same work and the same answer whether the email exists or not.
  const ok = await verifyPasswordOrDummy(user?.passwordHash, attempt.password);
  if (!user || !ok) {
    await audit('auth.login_failed');
    throw invalidCredentials();
  }
  if (!(await secondFactorPasses(deps, user, attempt.secondFactor))) {
    await audit('auth.login_failed_second_factor');
    throw new ProblemError(401, ERROR_CODES.TOTP_INVALID, 'Invalid or already used code');
  }
  // Proven: nothing was guessed, so the count starts again even if the account's standing refuses the sign-in.
  await clearLoginFailures(sql, account.id, throttleKey);
  const refusal = standingProblem(user.accountState, user.accessBlocked);
  if (refusal) refuseStanding(refusal);
  await audit('auth.login');
  return user;
}

/**
 * With 2FA on: a fresh TOTP code (current or previous step, never one used before) or an unused recovery code.
 * Throws when the attempt cannot carry one; false when the one it carries is wrong.
 */
async function secondFactorPasses(
  deps: AppDeps,
  user: SignInUser,
  secondFactor: PasswordAttempt['secondFactor'],
): Promise<boolean> {
  if (user.totpSecretSealed === null) return true;
  if (secondFactor === 'none') {
    throw new ProblemError(
      401,
      ERROR_CODES.BASIC_PASSWORD_WITH_2FA,
      'This user has two-factor authentication: use an API token (Basic email:api-token) instead of the password',
    );
  }
  const { totp, recoveryCode } = secondFactor;
  if (totp !== undefined) {
    const secret = openTotpSecret(deps.config.masterKey, user.totpSecretSealed, user.id);
    const check = verifyTotp(secret, totp, Math.floor(Date.now() / 1000), user.totpLastStep);
    return check.ok && (await recordTotpStep(deps.sql, user.id, check.step));
  }
  if (recoveryCode !== undefined) return consumeRecoveryCode(deps.sql, user.id, hashRecoveryCode(recoveryCode));
  throw new ProblemError(401, ERROR_CODES.TOTP_REQUIRED, 'This user has two-factor authentication: send `totp`');
}
