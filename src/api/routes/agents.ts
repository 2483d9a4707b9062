import { createRoute, z } from '@hono/zod-openapi';
import { insertAudit } from '../../db/audit';
import { ERROR_CODES } from '../../domain/error-codes';
import { hashPassword } from '../../security/passwords';
import type { AppDeps } from '../deps';
import { authenticate, requireRole } from '../middleware/auth';
import type { AuthEnv } from '../middleware/auth';
import { ProblemError } from '../problem';
import { bearerSecurity, problem } from '../schemas/common';
import { AgentSchema, IdSchema, NewAgentSchema } from '../schemas/security-schemas';
import { createRouter } from '../validation';
import { tenantOf } from './tenant-of';

const create = createRoute({
  method: 'post',
  path: '/v1/agents',
  tags: ['agents'],
  summary: 'Add an admin or agent to the account (owner, admin)',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: NewAgentSchema } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: IdSchema } } },
    400: problem('Invalid input'),
    403: problem('Role not allowed'),
    409: problem('EMAIL_TAKEN'),
  },
});

const list = createRoute({
  method: 'get',
  path: '/v1/agents',
  tags: ['agents'],
  summary: 'The account’s users',
  security: bearerSecurity,
  responses: {
    200: {
      description: 'Users',
      content: { 'application/json': { schema: z.object({ agents: z.array(AgentSchema) }) } },
    },
  },
});

export function agentRoutes(deps: AppDeps) {
  const router = createRouter<AuthEnv>();
  router.use('/v1/agents', authenticate(deps, ['user']));

  router.post('/v1/agents', requireRole('owner', 'admin'));
  router.openapi(create, async (c) => {
    const { accountId, userId } = tenantOf(c.get('principal'));
    const db = c.get('db');
    const body = c.req.valid('json');
    const passwordHash = await hashPassword(body.password);
    const [row] = await db<{ id: string }[]>`
      insert into users (account_id, email, name, role, password_hash)
      values (${accountId}, ${body.email}, ${body.name}, ${body.role}, ${passwordHash})
      on conflict (account_id, lower(email)) do nothing
      returning id`;
    if (!row) throw new ProblemError(409, ERROR_CODES.EMAIL_TAKEN, 'A user with this email exists in the account');
    await insertAudit(db, {
      accountId,
      actor: `user:${userId}`,
      action: `agent.created_${body.role}`,
      targetId: row.id,
      clientIp: c.get('clientIp'),
    });
    return c.json({ id: row.id }, 201);
  });

  router.openapi(list, async (c) => {
    const { accountId } = tenantOf(c.get('principal'));
    const db = c.get('db');
    const rows = await db<
      {
        id: string;
        email: string;
        name: string;
        role: 'owner' | 'admin' | 'agent';
        twoFactor: boolean;
        createdAt: Date;
      }[]
    >`
      select id, email, name, role, (totp_secret_sealed is not null) as two_factor, created_at
      from users where account_id = ${accountId} order by created_at`;
    return c.json({ agents: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })) }, 200);
  });

  return router;
}
