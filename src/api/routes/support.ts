import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../deps';
import { authenticate, staffOf } from '../middleware/auth';
import type { AuthEnv } from '../middleware/auth';
import { AccountViewSchema, SupportDeletionSchema, SupportRequestSchema } from '../schemas/account-schemas';
import { bearerSecurity, problem, UuidParam } from '../schemas/common';
import { deleteForOwner, reactivateForOwner } from '../staff-desk';
import { createRouter } from '../validation';

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
  const router = createRouter<AuthEnv>();
  router.use('/v1/support/*', authenticate(deps, ['operator', 'support']));

  router.openapi(reactivate, async (c) => {
    const { id } = c.req.valid('param');
    const request = c.req.valid('json');
    const view = await reactivateForOwner(deps, staffOf(c.get('principal')), id, request, c.get('clientIp'));
    return c.json(view, 200);
  });

  router.openapi(deletion, async (c) => {
    const { id } = c.req.valid('param');
    const request = c.req.valid('json');
    const view = await deleteForOwner(deps, staffOf(c.get('principal')), id, request, c.get('clientIp'));
    return c.json(view, 202);
  });

  return router;
}
