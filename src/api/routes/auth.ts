import { createRoute } from '@hono/zod-openapi';
import { insertSession, revokeSession } from '../../db/sessions';
import type { AppDeps } from '../deps';
import { authenticate } from '../middleware/auth';
import type { AuthEnv } from '../middleware/auth';
import { signInWithPassword } from '../password-sign-in';
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
    'the account for a growing time (429 with Retry-After), whatever the email; HTTP Basic with a password counts ' +
    'against the same lock.',
  request: { body: { required: true, content: { 'application/json': { schema: LoginBodySchema } } } },
  responses: {
    200: { description: 'Logged in', content: { 'application/json': { schema: LoginResponseSchema } } },
    400: problem('Invalid input'),
    401: problem('INVALID_CREDENTIALS (one answer for unknown tenant, email or password), TOTP_REQUIRED, TOTP_INVALID'),
    403: problem('ACCOUNT_SUSPENDED, ACCOUNT_REMOVED, ACCOUNT_DELETED, IP_NOT_ALLOWED (for any email)'),
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
  const { sql } = deps;
  const router = createRouter<AuthEnv>();

  router.openapi(login, async (c) => {
    const { subdomain, email, password, totp, recoveryCode } = c.req.valid('json');
    const user = await signInWithPassword(
      deps,
      { subdomain, email, password, secondFactor: { totp, recoveryCode } },
      c.get('clientIp'),
    );
    const session = await insertSession(sql, user.accountId, user.id, new Date());
    return c.json({ token: session.token, expiresAt: session.expiresAt.toISOString() }, 200);
  });

  router.use('/v1/auth/logout', authenticate(deps, ['user']));
  router.openapi(logout, async (c) => {
    const principal = c.get('principal');
    if (principal.kind === 'user' && principal.sessionId !== undefined)
      await revokeSession(c.get('db'), principal.sessionId);
    return c.body(null, 204);
  });

  return router;
}
