import { createRoute } from '@hono/zod-openapi';
import { findAccount } from '../../db/accounts';
import { insertAudit } from '../../db/audit';
import { ERROR_CODES } from '../../domain/error-codes';
import { reactivateAccount, requestAccountDeletion } from '../../temporal/account-client';
import type { AppDeps } from '../deps';
import { authenticate, staffActor, staffOf } from '../middleware/auth';
import type { AuthEnv, StaffPrincipal } from '../middleware/auth';
import { ProblemError } from '../problem';
import { AccountViewSchema, SupportDeletionSchema, SupportRequestSchema } from '../schemas/account-schemas';
import { bearerSecurity, problem, UuidParam } from '../schemas/common';
import { createRouter } from '../validation';
import type { AccountView } from '../../workflows/account-view';

const supportRequest = {
  params: UuidParam,
  body: { required: true, content: { 'application/json': { schema: SupportRequestSchema } } },
};
const supportErrors = {
  400: problem('Invalid input (CONFIRMATION_MISMATCH: `confirm` is not the account’s subdomain)'),
  401: problem('A staff token (SUPPORT_TOKENS or OPERATOR_TOKENS) required'),
  404: problem('No such account'),
  409: problem('INVALID_TRANSITION: the account’s state does not allow it; `reason`, `state` and `allowed` say why'),
  503: problem('Temporal unreachable; nothing was changed'),
};
const viewContent = { 'application/json': { schema: AccountViewSchema } };

const reactivate = createRoute({
  method: 'post',
  path: '/v1/support/accounts/{id}/reactivate',
  tags: ['support'],
  summary: 'Reactivate a suspended or removed account at the owner’s request (chat or email)',
  security: bearerSecurity,
  request: supportRequest,
  responses: { 200: { description: 'Reactivated', content: viewContent }, ...supportErrors },
});

const deletion = createRoute({
  method: 'post',
  path: '/v1/support/accounts/{id}/deletion',
  tags: ['support'],
  summary: 'Delete an account now at the owner’s request (chat or email), confirmed by its subdomain',
  security: bearerSecurity,
  request: {
    params: UuidParam,
    body: { required: true, content: { 'application/json': { schema: SupportDeletionSchema } } },
  },
  responses: { 202: { description: 'Deletion under way', content: viewContent }, ...supportErrors },
});

/** Staff acting on what owners asked for by chat or email; SUPPORT_TOKENS or OPERATOR_TOKENS, named in the audit. */
export function supportRoutes(deps: AppDeps) {
  const { sql, temporal } = deps;
  const router = createRouter<AuthEnv>();
  router.use('/v1/support/*', authenticate(deps, ['operator', 'support']));

  /** Runs one support action on an existing account and audits it with the request's channel and reference. */
  async function act(
    staff: StaffPrincipal,
    id: string,
    request: { channel: 'chat' | 'email'; reference: string },
    action: string,
    clientIp: string | null,
    update: () => Promise<AccountView>,
    confirm?: string,
  ) {
    const account = await findAccount(sql, id);
    if (!account) throw new ProblemError(404, ERROR_CODES.ACCOUNT_NOT_FOUND, 'No such account');
    // Like the owner's route: the account to delete is named twice, by id and by subdomain.
    if (confirm !== undefined && confirm !== account.subdomain) {
      throw new ProblemError(400, ERROR_CODES.CONFIRMATION_MISMATCH, '`confirm` must equal the account’s subdomain');
    }
    const view = await update();
    await insertAudit(sql, {
      accountId: id,
      actor: staffActor(staff),
      action: `${action}_${request.channel}`,
      targetId: id,
      clientIp,
      reference: request.reference,
    });
    return { ...view, subdomain: account.subdomain };
  }

  router.openapi(reactivate, async (c) => {
    const { id } = c.req.valid('param');
    const request = c.req.valid('json');
    const view = await act(staffOf(c.get('principal')), id, request, 'support.reactivated', c.get('clientIp'), () =>
      reactivateAccount(temporal.client, id, { channel: request.channel }),
    );
    return c.json(view, 200);
  });

  router.openapi(deletion, async (c) => {
    const { id } = c.req.valid('param');
    const request = c.req.valid('json');
    const view = await act(
      staffOf(c.get('principal')),
      id,
      request,
      'support.deletion_requested',
      c.get('clientIp'),
      () => requestAccountDeletion(temporal.client, id, { by: 'support' }),
      request.confirm,
    );
    return c.json(view, 202);
  });

  return router;
}
