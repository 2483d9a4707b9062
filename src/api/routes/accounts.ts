import { createRoute } from '@hono/zod-openapi';

import { findAccount } from '../../db/accounts';
import { insertAudit } from '../../db/audit';
import { deleteUnstartedAccount, insertAccountWithOwner } from '../../db/signup';
import { ERROR_CODES } from '../../domain/error-codes';
import { hashPassword } from '../../security/passwords';
import { queryAccountView, requestAccountDeletion, startAccountWorkflow } from '../../temporal/account-client';
import type { AccountView } from '../../workflows/account-view';
import type { AppDeps } from '../deps';
import { authenticate } from '../middleware/auth';
import type { AuthEnv } from '../middleware/auth';
import { ProblemError } from '../problem';
import { requireReauth } from '../reauth';
import {
  AccountViewSchema,
  OwnerDeletionSchema,
  SignupBodySchema,
  SignupResponseSchema,
} from '../schemas/account-schemas';
import { bearerSecurity, problem, UuidParam } from '../schemas/common';
import { createRouter } from '../validation';

const signup = createRoute({
  method: 'post',
  path: '/v1/accounts',
  tags: ['accounts'],
  summary: 'Sign up: creates the account and its owner, and starts its lifecycle (a 14-day trial)',
  request: { body: { required: true, content: { 'application/json': { schema: SignupBodySchema } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: SignupResponseSchema } } },
    400: problem('Invalid input'),
    409: problem('Subdomain taken (SUBDOMAIN_TAKEN)'),
    503: problem('Temporal unreachable; nothing was created'),
  },
});

const getAccount = createRoute({
  method: 'get',
  path: '/v1/accounts/{id}',
  tags: ['accounts'],
  summary: 'The account’s lifecycle: state, deadlines, transitions',
  security: bearerSecurity,
  request: { params: UuidParam },
  responses: {
    200: { description: 'The account', content: { 'application/json': { schema: AccountViewSchema } } },
    401: problem('Missing or invalid credentials'),
    403: problem('Account not in good standing'),
    404: problem('No such account (or not yours)'),
  },
});

const ownerDeletion = createRoute({
  method: 'post',
  path: '/v1/accounts/{id}/deletion',
  tags: ['accounts'],
  summary:
    'The owner deletes the account now (password re-check, a fresh TOTP code when 2FA is on, confirm = subdomain)',
  security: bearerSecurity,
  request: {
    params: UuidParam,
    body: { required: true, content: { 'application/json': { schema: OwnerDeletionSchema } } },
  },
  responses: {
    202: { description: 'Deletion under way', content: { 'application/json': { schema: AccountViewSchema } } },
    400: problem('Invalid input or confirmation mismatch (CONFIRMATION_MISMATCH)'),
    401: problem('Missing credentials, wrong password (INVALID_CREDENTIALS), TOTP_REQUIRED, TOTP_INVALID'),
    403: problem('Only the owner may delete the account'),
    404: problem('No such account (or not yours)'),
    409: problem('The state does not allow it (DELETION_IN_PROGRESS, ACCOUNT_DELETED)'),
    429: problem('TOO_MANY_ATTEMPTS: too many failed re-checks of this user, with Retry-After'),
  },
});

const notFound = () => new ProblemError(404, ERROR_CODES.ACCOUNT_NOT_FOUND, 'No such account');

export function accountRoutes(deps: AppDeps) {
  const { sql, temporal, config } = deps;
  const withView = (view: AccountView, subdomain: string) => ({ ...view, subdomain });
  const router = createRouter<AuthEnv>();

  router.openapi(signup, async (c) => {
    const body = c.req.valid('json');
    const passwordHash = await hashPassword(body.owner.password);
    let created: Awaited<ReturnType<typeof insertAccountWithOwner>>;
    try {
      created = await insertAccountWithOwner(sql, config.masterKey, {
        subdomain: body.subdomain,
        name: body.name,
        owner: { email: body.owner.email, name: body.owner.name, passwordHash },
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new ProblemError(409, ERROR_CODES.SUBDOMAIN_TAKEN, 'This subdomain is taken');
      }
      throw error;
    }
    let view: AccountView;
    try {
      view = await startAccountWorkflow(
        temporal.client,
        created.accountId,
        config.lifecycle,
        created.createdAt.getTime(),
      );
    } catch (error) {
      // No account may exist without its lifecycle: undo, then answer 503 (or whatever the error maps to).
      await deleteUnstartedAccount(sql, created.accountId);
      throw error;
    }
    await insertAudit(sql, {
      accountId: created.accountId,
      actor: `user:${created.ownerId}`,
      action: 'account.signed_up',
      targetId: created.accountId,
      clientIp: c.get('clientIp'),
    });
    return c.json({ account: withView(view, body.subdomain), ownerId: created.ownerId }, 201);
  });

  router.use('/v1/accounts/:id', authenticate(deps, ['operator', 'support', 'user']));
  router.use('/v1/accounts/:id/deletion', authenticate(deps, ['user']));

  router.openapi(getAccount, async (c) => {
    const { id } = c.req.valid('param');
    const principal = c.get('principal');
    if (principal.kind === 'user' && principal.accountId !== id) throw notFound();
    const account = await findAccount(c.get('db'), id);
    if (!account) throw notFound();
    return c.json(withView(await queryAccountView(temporal.client, id), account.subdomain), 200);
  });

  router.openapi(ownerDeletion, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const principal = c.get('principal');
    if (principal.kind !== 'user' || principal.accountId !== id) throw notFound();
    if (principal.role !== 'owner')
      throw new ProblemError(403, ERROR_CODES.FORBIDDEN, 'Only the owner may delete the account');
    const db = c.get('db');
    const account = await findAccount(db, id);
    if (!account) throw notFound();
    if (body.confirm !== account.subdomain) {
      throw new ProblemError(400, ERROR_CODES.CONFIRMATION_MISMATCH, '`confirm` must equal the account’s subdomain');
    }
    await requireReauth(db, config.masterKey, principal, body, c.get('clientIp'));
    const view = await requestAccountDeletion(temporal.client, id, { by: 'owner' });
    await insertAudit(db, {
      accountId: id,
      actor: `user:${principal.userId}`,
      action: 'account.deletion_requested',
      targetId: id,
      clientIp: c.get('clientIp'),
    });
    return c.json(withView(view, account.subdomain), 202);
  });

  return router;
}
