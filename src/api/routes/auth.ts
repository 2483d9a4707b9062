import { createRoute } from '@hono/zod-openapi';
import { insertAudit } from '../../db/audit';
import { consumeRecoveryCode, findSignInUser, recordTotpStep } from '../../db/credentials';
import type { SignInUser } from '../../db/credentials';
import { clearLoginFailures, recordLoginFailure, secondsLocked } from '../../db/login-throttles';
import { insertSession, revokeSession } from '../../db/sessions';
import { ERROR_CODES } from '../../domain/error-codes';
import type { ErrorCode } from '../../domain/error-codes';
import { verifyPasswordOrDummy } from '../../security/passwords';
import { hashRecoveryCode } from '../../security/recovery-codes';
import { openTotpSecret, verifyTotp } from '../../security/totp';
import type { AppDeps } from '../deps';
import { authenticate, enforceIpAllowlist, refuseStanding, standingProblem } from '../middleware/auth';
import type { AuthEnv } from '../middleware/auth';
import { ProblemError } from '../problem';
import { LoginBodySchema, LoginResponseSchema } from '../schemas/account-schemas';
import { bearerSecurity, problem } from '../schemas/common';
import { createRouter } from '../validation';

const login = createRoute({
  method: 'post',
  path: '/v1/auth/login',
  tags: ['sign-in'],
  summary: 'Log in (owner, admins, agents) and receive a session token',
  description:
    'With 2FA on, send `totp` (or a single-use `recoveryCode`). Repeated failures from one address lock sign-in to ' +
    'the account for a growing time (429 with Retry-After).',
  request: { body: { required: true, content: { 'application/json': { schema: LoginBodySchema } } } },
  responses: {
    200: { description: 'Logged in', content: { 'application/json': { schema: LoginResponseSchema } } },
    400: problem('Invalid input'),
    401: problem('INVALID_CREDENTIALS (one answer for unknown tenant, email or password), TOTP_REQUIRED, TOTP_INVALID'),
    403: problem('ACCOUNT_SUSPENDED, ACCOUNT_REMOVED, ACCOUNT_DELETED, IP_NOT_ALLOWED'),
    429: problem('TOO_MANY_ATTEMPTS, with Retry-After'),
  },
});

const logout = createRoute({
  method: 'post',
  path: '/v1/auth/logout',
  tags: ['sign-in'],
  summary: 'Revoke the session used for this request',
  security: bearerSecurity,
  responses: { 204: { description: 'Logged out' }, 401: problem('Not logged in') },
});

export function authRoutes(deps: AppDeps) {
  const { sql, config } = deps;
  const router = createRouter<AuthEnv>();

  router.openapi(login, async (c) => {
    const body = c.req.valid('json');
    const ip = c.get('clientIp');
    const throttleKey = ip ?? 'unknown';
    const user = await findSignInUser(sql, body.subdomain, body.email);
    const audit = (action: string) =>
      user
        ? insertAudit(sql, {
            accountId: user.accountId,
            actor: `user:${user.id}`,
            action,
            targetId: user.id,
            clientIp: ip,
          })
        : Promise.resolve();
    const fail = async (code: ErrorCode, title: string): Promise<never> => {
      if (user) {
        await recordLoginFailure(sql, user.accountId, throttleKey);
        await audit(code === ERROR_CODES.TOTP_INVALID ? 'auth.login_failed_second_factor' : 'auth.login_failed');
      }
      throw new ProblemError(401, code, title);
    };

    if (user) {
      const wait = await secondsLocked(sql, user.accountId, throttleKey);
      if (wait > 0) {
        await audit('auth.login_throttled');
        throw new ProblemError(
          429,
          ERROR_CODES.TOO_MANY_ATTEMPTS,
          'Too many failed attempts; try again later',
          undefined,
          undefined,
          {
            'Retry-After': String(wait),
          },
        );
      }
      await enforceIpAllowlist(deps, user.accountId, ip).catch(async (error: unknown) => {
        await audit('auth.login_refused_ip');
        throw error;
      });
    }
    // The same work and the same answer whether the email exists or not.
    const ok = await verifyPasswordOrDummy(user?.passwordHash, body.password);
    if (!user || !ok) return fail(ERROR_CODES.INVALID_CREDENTIALS, 'Invalid credentials');
    await checkSecondFactor(user, body.totp, body.recoveryCode, fail);

    const refusal = standingProblem(user.accountState, user.accessBlocked);
    if (refusal) refuseStanding(refusal);
    await clearLoginFailures(sql, user.accountId, throttleKey);
    const session = await insertSession(sql, user.accountId, user.id, new Date());
    await audit('auth.login');
    return c.json({ token: session.token, expiresAt: session.expiresAt.toISOString() }, 200);
  });

  /** With 2FA on, a fresh TOTP code (current or previous step, never one used before) or an unused recovery code. */
  async function checkSecondFactor(
    user: SignInUser,
    totp: string | undefined,
    recoveryCode: string | undefined,
    fail: (code: ErrorCode, title: string) => Promise<never>,
  ): Promise<void> {
    if (user.totpSecretSealed === null) return;
    if (totp !== undefined) {
      const secret = openTotpSecret(config.masterKey, user.totpSecretSealed, user.id);
      const check = verifyTotp(secret, totp, Math.floor(Date.now() / 1000), user.totpLastStep);
      if (check.ok && (await recordTotpStep(sql, user.id, check.step))) return;
      return fail(ERROR_CODES.TOTP_INVALID, 'Invalid or already used code');
    }
    if (recoveryCode !== undefined) {
      if (await consumeRecoveryCode(sql, user.id, hashRecoveryCode(recoveryCode))) return;
      return fail(ERROR_CODES.TOTP_INVALID, 'Invalid or already used recovery code');
    }
    throw new ProblemError(401, ERROR_CODES.TOTP_REQUIRED, 'This user has two-factor authentication: send `totp`');
  }

  router.use('/v1/auth/logout', authenticate(deps, ['user']));
  router.openapi(logout, async (c) => {
    const principal = c.get('principal');
    if (principal.kind === 'user' && principal.sessionId !== undefined) await revokeSession(sql, principal.sessionId);
    return c.body(null, 204);
  });

  return router;
}
