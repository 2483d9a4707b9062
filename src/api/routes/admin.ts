import { createRoute, z } from '@hono/zod-openapi';
import { ACCOUNT_STATES } from '../../domain/account-lifecycle';
import type { AppDeps } from '../deps';
import { authenticate, staffOf } from '../middleware/auth';
import type { AuthEnv } from '../middleware/auth';
import { AccountListingSchema, EmailSchema } from '../schemas/account-schemas';
import { bearerSecurity, problem, queryInt, UuidParam } from '../schemas/common';
import { AuditEntrySchema } from '../schemas/security-schemas';
import { lookUpAccounts, readAuditTrail } from '../staff-desk';
import { createRouter } from '../validation';
import { AuditPageQuery } from './audit-log';

const list = createRoute({
  method: 'get',
  path: '/v1/admin/accounts',
  tags: ['operators'],
  summary:
    'Find accounts: by subdomain or owner email (support and operators; an email look-up is audited), or list them by state (operators)',
  security: bearerSecurity,
  request: {
    query: z.object({
      subdomain: z.string().min(1).max(63).optional(),
      ownerEmail: EmailSchema.optional(),
      state: z.enum(ACCOUNT_STATES).optional(),
      limit: queryInt(1, 1000).default(100),
    }),
  },
  responses: {
    200: { description: 'Accounts', content: { 'application/json': { schema: AccountListingSchema } } },
    400: problem('Unknown state, malformed email'),
    401: problem('Staff token required'),
    403: problem('Listing without subdomain or ownerEmail is for operators'),
    503: problem('Temporal unreachable'),
  },
});

const auditLog = createRoute({
  method: 'get',
  path: '/v1/admin/accounts/{id}/audit-log',
  tags: ['operators'],
  summary: 'An account’s audit trail, newest first (support and operators; the reading is audited)',
  security: bearerSecurity,
  request: { params: UuidParam, query: AuditPageQuery },
  responses: {
    200: {
      description: 'Entries',
      content: { 'application/json': { schema: z.object({ entries: z.array(AuditEntrySchema) }) } },
    },
    400: problem('Invalid input'),
    401: problem('Staff token required'),
    404: problem('No such account'),
  },
});

export function adminRoutes(deps: AppDeps) {
  const router = createRouter<AuthEnv>();
  router.use('/v1/admin/*', authenticate(deps, ['operator', 'support']));

  router.openapi(list, async (c) => {
    const { limit, ...lookup } = c.req.valid('query');
    const accounts = await lookUpAccounts(deps, staffOf(c.get('principal')), lookup, limit, c.get('clientIp'));
    return c.json({ accounts }, 200);
  });

  router.openapi(auditLog, async (c) => {
    const { id } = c.req.valid('param');
    const page = c.req.valid('query');
    const entries = await readAuditTrail(deps, staffOf(c.get('principal')), id, page, c.get('clientIp'));
    return c.json({ entries }, 200);
  });

  return router;
}
