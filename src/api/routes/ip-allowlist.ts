import { createRoute, z } from '@hono/zod-openapi';
import { insertAudit } from '../../db/audit';
import { findIpAllowlist } from '../../db/credentials';
import { ERROR_CODES } from '../../domain/error-codes';
import { inRanges, normaliseRanges } from '../../security/client-address';
import type { AppDeps } from '../deps';
import { authenticate, requireRole } from '../middleware/auth';
import type { AuthEnv } from '../middleware/auth';
import { ProblemError } from '../problem';
import { bearerSecurity, problem, UuidParam } from '../schemas/common';
import { IpAllowlistSchema } from '../schemas/security-schemas';
import { createRouter } from '../validation';
import { tenantOf } from './tenant-of';

const Listing = z.object({ cidrs: z.array(z.string()) }).openapi('IpAllowlistView');

const read = createRoute({
  method: 'get',
  path: '/v1/accounts/{id}/ip-allowlist',
  tags: ['security'],
  summary: 'The account’s IP allow-list (empty = no restriction)',
  security: bearerSecurity,
  request: { params: UuidParam },
  responses: {
    200: { description: 'The list', content: { 'application/json': { schema: Listing } } },
    404: problem('Not yours'),
  },
});

const write = createRoute({
  method: 'put',
  path: '/v1/accounts/{id}/ip-allowlist',
  tags: ['security'],
  summary: 'Replace the IP allow-list (IPv4/IPv6 CIDR); enforced on login and every authenticated request',
  security: bearerSecurity,
  request: {
    params: UuidParam,
    body: { required: true, content: { 'application/json': { schema: IpAllowlistSchema } } },
  },
  responses: {
    200: { description: 'Saved', content: { 'application/json': { schema: Listing } } },
    400: problem('An entry is not a CIDR range or address'),
    404: problem('Not yours'),
    409: problem('WOULD_LOCK_OUT: the list excludes your own address (send force: true to save anyway)'),
  },
});

export function ipAllowlistRoutes(deps: AppDeps) {
  const router = createRouter<AuthEnv>();
  router.use('/v1/accounts/:id/ip-allowlist', authenticate(deps, ['user']), requireRole('owner', 'admin'));

  const mine = (principalAccount: string, id: string) => {
    if (principalAccount !== id) throw new ProblemError(404, ERROR_CODES.ACCOUNT_NOT_FOUND, 'No such account');
  };

  router.openapi(read, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    mine(me.accountId, c.req.valid('param').id);
    return c.json({ cidrs: await findIpAllowlist(db, me.accountId) }, 200);
  });

  router.openapi(write, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    mine(me.accountId, c.req.valid('param').id);
    const { cidrs, force } = c.req.valid('json');
    const parsed = normaliseRanges(cidrs);
    if (!parsed.ok) {
      throw new ProblemError(
        400,
        ERROR_CODES.VALIDATION_FAILED,
        'Not CIDR ranges or addresses',
        undefined,
        parsed.invalid.map((_, i) => ({
          path: `cidrs.${cidrs.indexOf(parsed.invalid[i] ?? '')}`,
          message: 'not a CIDR range or IP address',
        })),
      );
    }
    const ip = c.get('clientIp');
    if (parsed.ranges.length > 0 && force !== true && (ip === null || !inRanges(ip, parsed.ranges))) {
      throw new ProblemError(
        409,
        ERROR_CODES.WOULD_LOCK_OUT,
        'This list would exclude your own address; send force: true to save it anyway',
      );
    }
    await db`
      insert into ip_allowlists (account_id, cidrs) values (${me.accountId}, ${parsed.ranges})
      on conflict (account_id) do update set cidrs = excluded.cidrs, updated_at = now()`;
    await insertAudit(db, {
      accountId: me.accountId,
      actor: `user:${me.userId}`,
      action: 'account.ip_allowlist_changed',
      targetId: me.accountId,
      clientIp: ip,
    });
    return c.json({ cidrs: parsed.ranges }, 200);
  });

  return router;
}
