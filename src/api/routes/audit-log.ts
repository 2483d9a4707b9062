import { createRoute, z } from '@hono/zod-openapi';
import { listAudit } from '../../db/audit';
import type { AppDeps } from '../deps';
import { authenticate, requireRole } from '../middleware/auth';
import type { AuthEnv } from '../middleware/auth';
import { bearerSecurity, problem, queryInt } from '../schemas/common';
import { AuditEntrySchema } from '../schemas/security-schemas';
import { createRouter } from '../validation';
import { tenantOf } from './tenant-of';

/** The paging of an audit trail (also the staff's view of one, in admin.ts). */
export const AuditPageQuery = z.object({
  limit: queryInt(1, 1000).default(100),
  before: queryInt(1, Number.MAX_SAFE_INTEGER)
    .optional()
    .openapi({ description: 'Entries with a smaller id (paging)' }),
});

const list = createRoute({
  method: 'get',
  path: '/v1/audit-log',
  tags: ['security'],
  summary: 'The account’s audit trail, newest first (owner, admin)',
  security: bearerSecurity,
  request: {
    query: AuditPageQuery,
  },
  responses: {
    200: {
      description: 'Entries',
      content: { 'application/json': { schema: z.object({ entries: z.array(AuditEntrySchema) }) } },
    },
    403: problem('Role not allowed'),
  },
});

export function auditLogRoutes(deps: AppDeps) {
  const router = createRouter<AuthEnv>();
  router.use('/v1/audit-log', authenticate(deps, ['user']), requireRole('owner', 'admin'));
  router.openapi(list, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    const { limit, before } = c.req.valid('query');
    return c.json({ entries: await listAudit(db, me.accountId, { limit, before }) }, 200);
  });
  return router;
}
