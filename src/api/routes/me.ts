import { createRoute, z } from '@hono/zod-openapi';
import { insertAudit } from '../../db/audit';
import type { Queryable } from '../../db/client';
import {
  insertApiToken,
  listApiTokens,
  revokeApiToken,
  revokeUserApiTokens,
  revokeUserSessions,
  updatePasswordHash,
} from '../../db/credentials';
import { ERROR_CODES } from '../../domain/error-codes';
import { hashPassword } from '../../security/passwords';
import { generateRecoveryCodes } from '../../security/recovery-codes';
import {
  generateTotpSecret,
  openTotpSecret,
  sealTotpSecret,
  totpQrSvg,
  totpUri,
  verifyTotp,
} from '../../security/totp';
import type { AppDeps } from '../deps';
import { authenticate } from '../middleware/auth';
import type { AuthEnv, UserPrincipal } from '../middleware/auth';
import { ProblemError } from '../problem';
import { requireReauth } from '../reauth';
import { bearerSecurity, problem } from '../schemas/common';
import {
  ApiTokenCreatedSchema,
  ApiTokenSchema,
  NewApiTokenSchema,
  PasswordChangedSchema,
  PasswordChangeSchema,
  ReauthSchema,
  RecoveryCodesSchema,
  TotpConfirmationSchema,
  TotpEnrolmentSchema,
} from '../schemas/security-schemas';
import { createRouter } from '../validation';
import { tenantOf } from './tenant-of';

const json = <T extends z.ZodTypeAny>(schema: T) => ({ content: { 'application/json': { schema } } });
const body = <T extends z.ZodTypeAny>(schema: T) => ({ body: { required: true, ...json(schema) } });
const route = { tags: ['me'], security: bearerSecurity };
const reauthRefusals = {
  400: problem('Invalid input (`password` missing)'),
  401: problem('INVALID_CREDENTIALS (password re-check), TOTP_REQUIRED, TOTP_INVALID'),
  429: problem('TOO_MANY_ATTEMPTS: too many failed re-checks of this user, with Retry-After'),
};
const REAUTH = 'Re-authenticated: `password`, and `totp` when 2FA is on.';

const changePassword = createRoute({
  ...route,
  method: 'post',
  path: '/v1/me/password',
  summary: 'Change my password; my other sessions and all my API tokens are revoked',
  description: 'Re-authenticated: `currentPassword`, and `totp` when 2FA is on.',
  request: body(PasswordChangeSchema),
  responses: { 200: { description: 'Changed', ...json(PasswordChangedSchema) }, ...reauthRefusals },
});
const enrol = createRoute({
  ...route,
  method: 'post',
  path: '/v1/me/2fa',
  summary: 'Start TOTP enrolment (pending until confirmed)',
  description: REAUTH,
  request: body(ReauthSchema),
  responses: {
    200: { description: 'Scan it', ...json(TotpEnrolmentSchema) },
    ...reauthRefusals,
    409: problem('TOTP_ALREADY_ENABLED'),
  },
});
const confirm = createRoute({
  ...route,
  method: 'post',
  path: '/v1/me/2fa/confirm',
  summary: 'Confirm enrolment with a first code; returns 10 single-use recovery codes, shown once',
  description: `${REAUTH} \`code\` is a code of the secret being enrolled.`,
  request: body(TotpConfirmationSchema),
  responses: {
    200: { description: 'Enabled', ...json(RecoveryCodesSchema) },
    ...reauthRefusals,
    401: problem('INVALID_CREDENTIALS (password re-check), TOTP_INVALID (`code` or `totp`)'),
    409: problem('TOTP_NOT_PENDING'),
  },
});
const disable = createRoute({
  ...route,
  method: 'delete',
  path: '/v1/me/2fa',
  summary: 'Turn 2FA off',
  description: `${REAUTH} The code must be fresh (never used before).`,
  request: body(ReauthSchema),
  responses: { 204: { description: 'Disabled' }, ...reauthRefusals, 409: problem('TOTP_NOT_ENABLED') },
});
const createToken = createRoute({
  ...route,
  method: 'post',
  path: '/v1/me/api-tokens',
  summary: 'Create an API token (shown once)',
  description: REAUTH,
  request: body(NewApiTokenSchema),
  responses: { 201: { description: 'Created', ...json(ApiTokenCreatedSchema) }, ...reauthRefusals },
});
const listTokens = createRoute({
  ...route,
  method: 'get',
  path: '/v1/me/api-tokens',
  summary: 'My API tokens (no secrets)',
  responses: { 200: { description: 'Tokens', ...json(z.object({ tokens: z.array(ApiTokenSchema) })) } },
});
const revokeToken = createRoute({
  ...route,
  method: 'delete',
  path: '/v1/me/api-tokens/{id}',
  summary: 'Revoke one of my API tokens; it stops working at once',
  request: { params: z.object({ id: z.string().uuid() }) },
  responses: { 204: { description: 'Revoked' }, 404: problem('No such token of mine') },
});

const TOTP_ISSUER = 'Lethe';

export function meRoutes(deps: AppDeps) {
  const { config } = deps;
  const router = createRouter<AuthEnv>();
  router.use('/v1/me/*', authenticate(deps, ['user']));

  const audit = (db: Queryable, me: UserPrincipal, action: string, ip: string | null, targetId = me.userId) =>
    insertAudit(db, { accountId: me.accountId, actor: `user:${me.userId}`, action, targetId, clientIp: ip });

  router.openapi(changePassword, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    const { currentPassword, newPassword, totp } = c.req.valid('json');
    await requireReauth(db, config.masterKey, me, { password: currentPassword, totp }, c.get('clientIp'));
    // Already inside the request's tenant transaction: these commit or roll back together.
    await updatePasswordHash(db, me.userId, await hashPassword(newPassword));
    const revokedSessions = await revokeUserSessions(db, me.userId, me.sessionId);
    const revokedApiTokens = await revokeUserApiTokens(db, me.userId);
    await audit(db, me, 'user.password_changed', c.get('clientIp'));
    return c.json({ revokedSessions, revokedApiTokens }, 200);
  });

  router.openapi(enrol, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    await requireReauth(db, config.masterKey, me, c.req.valid('json'), c.get('clientIp'));
    const [user] = await db<{ email: string; enabled: boolean }[]>`
      select email, (totp_secret_sealed is not null) as enabled from users where id = ${me.userId}`;
    if (!user) throw new ProblemError(401, ERROR_CODES.UNAUTHENTICATED, 'Unknown user');
    if (user.enabled)
      throw new ProblemError(409, ERROR_CODES.TOTP_ALREADY_ENABLED, '2FA is already on; turn it off first');
    const secret = generateTotpSecret();
    await db`update users set totp_pending_sealed = ${sealTotpSecret(config.masterKey, secret, me.userId)} where id = ${me.userId}`;
    const otpauthUrl = totpUri(secret, user.email, TOTP_ISSUER);
    await audit(db, me, 'user.2fa_enrolment_started', c.get('clientIp'));
    return c.json({ secret, otpauthUrl, qrSvg: await totpQrSvg(otpauthUrl) }, 200);
  });

  router.openapi(confirm, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    const { code, ...proof } = c.req.valid('json');
    await requireReauth(db, config.masterKey, me, proof, c.get('clientIp'));
    const [user] = await db<
      { pending: Buffer | null }[]
    >`select totp_pending_sealed as pending from users where id = ${me.userId}`;
    if (!user?.pending)
      throw new ProblemError(409, ERROR_CODES.TOTP_NOT_PENDING, 'Start enrolment first (POST /v1/me/2fa)');
    const check = verifyTotp(
      openTotpSecret(config.masterKey, user.pending, me.userId),
      code,
      Math.floor(Date.now() / 1000),
      null,
    );
    if (!check.ok) throw new ProblemError(401, ERROR_CODES.TOTP_INVALID, 'Invalid code');
    const { codes, hashes } = generateRecoveryCodes();
    // Already inside the request's tenant transaction: these commit or roll back together.
    await db`update users set totp_secret_sealed = totp_pending_sealed, totp_pending_sealed = null, totp_last_step = ${check.step}
             where id = ${me.userId}`;
    await db`delete from recovery_codes where user_id = ${me.userId}`;
    for (const hash of hashes) {
      await db`insert into recovery_codes (account_id, user_id, code_hash) values (${me.accountId}, ${me.userId}, ${hash})`;
    }
    await audit(db, me, 'user.2fa_enabled', c.get('clientIp'));
    return c.json({ recoveryCodes: codes }, 200);
  });

  router.openapi(disable, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    await requireReauth(db, config.masterKey, me, c.req.valid('json'), c.get('clientIp'));
    const [user] = await db<{ enabled: boolean }[]>`
      select (totp_secret_sealed is not null) as enabled from users where id = ${me.userId}`;
    if (!user?.enabled) throw new ProblemError(409, ERROR_CODES.TOTP_NOT_ENABLED, '2FA is not on');
    // Already inside the request's tenant transaction: these commit or roll back together.
    await db`update users set totp_secret_sealed = null, totp_pending_sealed = null, totp_last_step = null where id = ${me.userId}`;
    await db`delete from recovery_codes where user_id = ${me.userId}`;
    await audit(db, me, 'user.2fa_disabled', c.get('clientIp'));
    return c.body(null, 204);
  });

  router.openapi(createToken, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    const { name, ...proof } = c.req.valid('json');
    await requireReauth(db, config.masterKey, me, proof, c.get('clientIp'));
    const created = await insertApiToken(db, me.accountId, me.userId, name);
    await audit(db, me, 'user.api_token_created', c.get('clientIp'), created.id);
    return c.json(created, 201);
  });

  router.openapi(listTokens, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    const tokens = await listApiTokens(db, me.userId);
    return c.json(
      {
        tokens: tokens.map((t) => ({
          id: t.id,
          name: t.name,
          prefix: t.displayPrefix,
          createdAt: t.createdAt.toISOString(),
          lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
        })),
      },
      200,
    );
  });

  router.openapi(revokeToken, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    const { id } = c.req.valid('param');
    if (!(await revokeApiToken(db, me.userId, id))) throw new ProblemError(404, ERROR_CODES.NOT_FOUND, 'No such token');
    await audit(db, me, 'user.api_token_revoked', c.get('clientIp'), id);
    return c.body(null, 204);
  });

  return router;
}
