import { createRoute, z } from '@hono/zod-openapi';
import { findAccount, findAccountsFor } from '../../db/accounts';
import { insertAudit, listAudit } from '../../db/audit';
import { ACCOUNT_STATES } from '../../domain/account-lifecycle';
import { ERROR_CODES } from '../../domain/error-codes';
import { listAccounts } from '../../temporal/account-client';
import type { AppDeps } from '../deps';
import { authenticate, staffActor, staffOf } from '../middleware/auth';
import type { AuthEnv } from '../middleware/auth';
import { ProblemError } from '../problem';
import { AccountListingSchema, EmailSchema } from '../schemas/account-schemas';
import { bearerSecurity, problem, UuidParam } from '../schemas/common';
import { AuditEntrySchema } from '../schemas/security-schemas';
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
      limit: z.coerce.number().int().min(1).max(1000).default(100),
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
  const { sql } = deps;
  const router = createRouter<AuthEnv>();
  router.use('/v1/admin/*', authenticate(deps, ['operator', 'support']));

  router.openapi(list, async (c) => {
    const staff = staffOf(c.get('principal'));
    const { subdomain, ownerEmail, state, limit } = c.req.valid('query');
    if (subdomain === undefined && ownerEmail === undefined) {
      if (staff.kind !== 'operator') {
        throw new ProblemError(403, ERROR_CODES.FORBIDDEN, 'Support looks accounts up by subdomain or owner email');
      }
      return c.json({ accounts: await listAccounts(deps.temporal.client, state, limit) }, 200);
    }
    const found = await findAccountsFor(sql, { subdomain, ownerEmail }, limit);
    if (ownerEmail !== undefined) {
      // Who looked whom up is personal-data processing in itself: each account found records it, without the address.
      for (const account of found) {
        await insertAudit(sql, {
          accountId: account.id,
          actor: staffActor(staff),
          action: 'staff.looked_up_by_owner_email',
          targetId: account.id,
          clientIp: c.get('clientIp'),
        });
      }
    }
    if (found.length === 0) return c.json({ accounts: [] }, 200);
    const listed = await listAccounts(
      deps.temporal.client,
      state,
      limit,
      found.map((a) => a.id),
    );
    const subdomains = new Map(found.map((a) => [a.id, a.subdomain]));
    return c.json({ accounts: listed.map((a) => ({ ...a, subdomain: subdomains.get(a.accountId) })) }, 200);
  });

  router.openapi(auditLog, async (c) => {
    const staff = staffOf(c.get('principal'));
    const { id } = c.req.valid('param');
    if (!(await findAccount(sql, id))) throw new ProblemError(404, ERROR_CODES.ACCOUNT_NOT_FOUND, 'No such account');
    const entries = await listAudit(sql, id, c.req.valid('query'));
    await insertAudit(sql, {
      accountId: id,
      actor: staffActor(staff),
      action: 'staff.read_audit_log',
      targetId: id,
      clientIp: c.get('clientIp'),
    });
    return c.json({ entries }, 200);
  });

  return router;
}
