import { createRoute } from '@hono/zod-openapi';
import { insertAudit } from '../../db/audit';
import { insertSession, revokeSession } from '../../db/sessions';
import { ERROR_CODES } from '../../domain/error-codes';
import { verifyPasswordOrDummy } from '../../security/passwords';
import { clientIp } from '../client-ip';
import type { AppDeps } from '../deps';
import { authenticate, refuseStanding, standingProblem } from '../middleware/auth';
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
  request: { body: { required: true, content: { 'application/json': { schema: LoginBodySchema } } } },
  responses: {
    200: { description: 'Logged in', content: { 'application/json': { schema: LoginResponseSchema } } },
    400: problem('Invalid input'),
    401: problem('Unknown account, unknown email or wrong password — one answer for all (INVALID_CREDENTIALS)'),
    403: problem('Account not in good standing (ACCOUNT_SUSPENDED, ACCOUNT_REMOVED, ACCOUNT_DELETED)'),
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

const invalid = () => new ProblemError(401, ERROR_CODES.INVALID_CREDENTIALS, 'Invalid credentials');

export function authRoutes(deps: AppDeps) {
  const { sql } = deps;
  const router = createRouter<AuthEnv>();

  router.openapi(login, async (c) => {
    const body = c.req.valid('json');
    const [user] = await sql<
      { id: string; accountId: string; passwordHash: string; state: string; accessBlocked: boolean }[]
    >`
      select u.id, u.account_id, u.password_hash, a.state, (a.access_blocked_at is not null) as access_blocked
      from users u join accounts a on a.id = u.account_id
      where a.subdomain = ${body.subdomain.toLowerCase()} and lower(u.email) = lower(${body.email})`;
    // The same work and the same answer whether the email exists or not.
    const ok = await verifyPasswordOrDummy(user?.passwordHash, body.password);
    if (!user || !ok) {
      if (user) {
        await insertAudit(sql, {
          accountId: user.accountId,
          actor: `user:${user.id}`,
          action: 'auth.login_failed',
          targetId: user.id,
          clientIp: clientIp(c),
        });
      }
      throw invalid();
    }
    const refusal = standingProblem(user.state, user.accessBlocked);
    if (refusal) refuseStanding(refusal);
    const session = await insertSession(sql, user.accountId, user.id, new Date());
    await insertAudit(sql, {
      accountId: user.accountId,
      actor: `user:${user.id}`,
      action: 'auth.login',
      targetId: user.id,
      clientIp: clientIp(c),
    });
    return c.json({ token: session.token, expiresAt: session.expiresAt.toISOString() }, 200);
  });

  router.use('/v1/auth/logout', authenticate(deps, ['user']));
  router.openapi(logout, async (c) => {
    const principal = c.get('principal');
    if (principal.kind === 'user') await revokeSession(sql, principal.sessionId);
    return c.body(null, 204);
  });

  return router;
}
