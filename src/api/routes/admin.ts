import { createRoute, z } from '@hono/zod-openapi';
import { ACCOUNT_STATES } from '../../domain/account-lifecycle';
import { listAccounts } from '../../temporal/account-client';
import type { AppDeps } from '../deps';
import { authenticate } from '../middleware/auth';
import type { AuthEnv } from '../middleware/auth';
import { AccountListingSchema } from '../schemas/account-schemas';
import { bearerSecurity, problem } from '../schemas/common';
import { createRouter } from '../validation';

const list = createRoute({
  method: 'get',
  path: '/v1/admin/accounts',
  tags: ['operators'],
  summary: 'Accounts from Temporal visibility, optionally by state (what the Web UI shows)',
  security: bearerSecurity,
  request: {
    query: z.object({
      state: z.enum(ACCOUNT_STATES).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
  },
  responses: {
    200: { description: 'Accounts', content: { 'application/json': { schema: AccountListingSchema } } },
    400: problem('Unknown state'),
    401: problem('Operator token required'),
    503: problem('Temporal unreachable'),
  },
});

export function adminRoutes(deps: AppDeps) {
  const router = createRouter<AuthEnv>();
  router.use('/v1/admin/*', authenticate(deps, ['operator']));
  router.openapi(list, async (c) => {
    const { state, limit } = c.req.valid('query');
    return c.json({ accounts: await listAccounts(deps.temporal.client, state, limit) }, 200);
  });
  return router;
}
