import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { hasLiveGrant } from '../../db/access-grants';
import { insertAudit } from '../../db/audit';
import { withTenant } from '../../db/client';
import type { Queryable } from '../../db/client';
import { exportContact } from '../../db/subject-export';
import { ERROR_CODES } from '../../domain/error-codes';
import { accessGrantWorkflowId, TASK_QUEUE } from '../../temporal/ids';
import type { accessGrantWorkflow } from '../../workflows/access-grant-workflow';
import type { AppDeps } from '../deps';
import { authenticate, requireRole, staffActor, staffOf } from '../middleware/auth';
import type { AuthEnv, StaffPrincipal } from '../middleware/auth';
import { ProblemError } from '../problem';
import { bearerSecurity, NonBlankText, problem, UuidParam } from '../schemas/common';
import { createRouter } from '../validation';
import { tenantOf } from './tenant-of';

const MAX_GRANT_MS = 7 * 86_400_000;

const GrantSchema = z
  .object({
    id: z.string().uuid(),
    accountId: z.string().uuid(),
    staffName: z.string(),
    reason: z.string(),
    durationMs: z.number().int(),
    status: z.enum(['requested', 'approved', 'refused', 'revoked', 'expired']),
    requestedAt: z.string(),
    decidedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
  })
  .openapi('AccessGrant');

const NewRequestSchema = z
  .object({
    accountId: z.string().uuid(),
    reason: NonBlankText(1000),
    durationSeconds: z
      .number()
      .int()
      .min(1)
      .max(MAX_GRANT_MS / 1000)
      .openapi({ example: 7200, description: 'How long the grant runs once approved: 1 second to 7 days' }),
  })
  .openapi('NewAccessRequest');

const GrantPath = z.object({
  id: z
    .string()
    .uuid()
    .openapi({ param: { name: 'id', in: 'path' } }),
  itemId: z
    .string()
    .uuid()
    .openapi({ param: { name: 'itemId', in: 'path' } }),
});

const staff = { tags: ['operators'], security: bearerSecurity };
const owner = { tags: ['accounts'], security: bearerSecurity };

const requestAccess = createRoute({
  ...staff,
  method: 'post',
  path: '/v1/admin/access-requests',
  summary: 'Ask a tenant’s owner for access to its data, with a reason and a duration (support, operators)',
  request: { body: { required: true, content: { 'application/json': { schema: NewRequestSchema } } } },
  responses: {
    201: { description: 'Asked', content: { 'application/json': { schema: GrantSchema } } },
    404: problem('No such account'),
  },
});

const readFor = (path: string, summary: string) =>
  createRoute({
    ...staff,
    method: 'get',
    path,
    summary,
    request: { params: GrantPath },
    responses: {
      200: {
        description: 'Read, and audited under the staff member’s name',
        content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
      },
      403: problem('NO_ACCESS_GRANT: no live grant from the owner for this staff member'),
      404: problem('Not found'),
    },
  });

const staffContact = readFor(
  '/v1/admin/accounts/{id}/contacts/{itemId}',
  'A tenant’s contact, with a live grant (support, operators)',
);
const staffExport = readFor(
  '/v1/admin/accounts/{id}/contacts/{itemId}/export',
  'Everything about a tenant’s contact, with a live grant (support, operators)',
);
const staffTicket = readFor(
  '/v1/admin/accounts/{id}/tickets/{itemId}',
  'A tenant’s ticket and its messages, with a live grant (support, operators)',
);

const listGrants = createRoute({
  ...owner,
  method: 'get',
  path: '/v1/access-requests',
  summary: 'Staff’s requests for access to this tenant’s data, newest first (owner, admin)',
  responses: {
    200: {
      description: 'Requests and grants',
      content: { 'application/json': { schema: z.object({ requests: z.array(GrantSchema) }) } },
    },
  },
});

const decide = (path: string, summary: string) =>
  createRoute({
    ...owner,
    method: 'post',
    path,
    summary,
    request: { params: UuidParam },
    responses: {
      200: { description: 'Done', content: { 'application/json': { schema: GrantSchema } } },
      404: problem('No such request'),
      409: problem('Not in a state that allows it'),
    },
  });

const approve = decide(
  '/v1/access-requests/{id}/approve',
  'Approve a staff request: access until its duration ends (owner)',
);
const refuse = decide('/v1/access-requests/{id}/refuse', 'Refuse a staff request (owner)');
const revoke = decide('/v1/access-requests/{id}/revoke', 'End an approved grant at once (owner, admin)');

interface GrantRow {
  id: string;
  accountId: string;
  staffName: string;
  reason: string;
  durationMs: string;
  status: 'requested' | 'approved' | 'refused' | 'revoked' | 'expired';
  requestedAt: Date;
  decidedAt: Date | null;
  expiresAt: Date | null;
}

const GRANT_COLUMNS = 'id, account_id, staff_name, reason, duration_ms, status, requested_at, decided_at, expires_at';

const asJson = (r: GrantRow) => ({
  ...r,
  durationMs: Number(r.durationMs),
  requestedAt: r.requestedAt.toISOString(),
  decidedAt: r.decidedAt?.toISOString() ?? null,
  expiresAt: r.expiresAt?.toISOString() ?? null,
});

/**
 * Runs a staff member's read of one tenant's data: only with a live grant for that staff member, inside the tenant's
 * row-level security, and audited in the tenant's trail under the staff member's name.
 */
async function readWithGrant<T>(
  deps: AppDeps,
  c: Context<AuthEnv>,
  member: StaffPrincipal,
  accountId: string,
  action: string,
  targetId: string,
  read: (db: Queryable) => Promise<T | undefined>,
): Promise<T> {
  return withTenant(deps.sql, accountId, async (db) => {
    if (!(await hasLiveGrant(db, accountId, member.name))) {
      throw new ProblemError(403, ERROR_CODES.NO_ACCESS_GRANT, 'No live access grant from the tenant’s owner');
    }
    const found = await read(db);
    if (found === undefined) throw new ProblemError(404, ERROR_CODES.NOT_FOUND, 'Not found');
    await insertAudit(db, { accountId, actor: staffActor(member), action, targetId, clientIp: c.get('clientIp') });
    return found;
  });
}

/**
 * Staff access to a tenant's data only with the owner's approval (issue 15 §2). Lifecycle actions (reactivation,
 * deletion on request) do not need a grant and stay as they are; reading contacts, tickets and exports does.
 */
export function accessGrantRoutes(deps: AppDeps) {
  const router = createRouter<AuthEnv>();
  router.use('/v1/access-requests', authenticate(deps, ['user']), requireRole('owner', 'admin'));
  router.use('/v1/access-requests/*', authenticate(deps, ['user']), requireRole('owner', 'admin'));

  router.openapi(requestAccess, async (c) => {
    const member = staffOf(c.get('principal'));
    const input = c.req.valid('json');
    const durationMs = input.durationSeconds * 1000;
    const [account] = await deps.sql`select 1 from accounts where id = ${input.accountId}`;
    if (!account) throw new ProblemError(404, ERROR_CODES.ACCOUNT_NOT_FOUND, 'No such account');
    const row = await withTenant(deps.sql, input.accountId, async (db) => {
      const [created] = await db<GrantRow[]>`
        insert into access_grants (account_id, staff_name, reason, duration_ms)
        values (${input.accountId}, ${member.name}, ${input.reason}, ${durationMs})
        returning ${db.unsafe(GRANT_COLUMNS)}`;
      await insertAudit(db, {
        accountId: input.accountId,
        actor: staffActor(member),
        action: 'access_grant.requested',
        targetId: created?.id ?? null,
        clientIp: c.get('clientIp'),
      });
      return created;
    });
    if (!row) throw new Error('insert returned no row');
    return c.json(asJson(row), 201);
  });

  router.openapi(staffContact, async (c) => {
    const { id, itemId } = c.req.valid('param');
    const contact = await readWithGrant(
      deps,
      c,
      staffOf(c.get('principal')),
      id,
      'staff.read_contact',
      itemId,
      async (db) => {
        const [row] = await db<Record<string, unknown>[]>`
        select id, email, name, phone, address, custom, created_at from contacts where id = ${itemId}`;
        return row;
      },
    );
    return c.json(contact, 200);
  });

  router.openapi(staffExport, async (c) => {
    const { id, itemId } = c.req.valid('param');
    const document = await readWithGrant(
      deps,
      c,
      staffOf(c.get('principal')),
      id,
      'staff.exported_contact',
      itemId,
      async (db) => (await exportContact(db, itemId)) ?? undefined,
    );
    return c.json(document, 200);
  });

  router.openapi(staffTicket, async (c) => {
    const { id, itemId } = c.req.valid('param');
    const ticket = await readWithGrant(
      deps,
      c,
      staffOf(c.get('principal')),
      id,
      'staff.read_ticket',
      itemId,
      async (db) => {
        const [row] = await db<Record<string, unknown>[]>`
        select id, contact_id, channel, subject, status, created_at from tickets where id = ${itemId}`;
        if (!row) return undefined;
        const messages = await db`
        select id, author_kind, body, created_at from messages where ticket_id = ${itemId} order by created_at, id`;
        return { ...row, messages };
      },
    );
    return c.json(ticket, 200);
  });

  router.openapi(listGrants, async (c) => {
    const rows = await c.get('db')<GrantRow[]>`
      select ${c.get('db').unsafe(GRANT_COLUMNS)} from access_grants order by requested_at desc limit 500`;
    return c.json({ requests: rows.map(asJson) }, 200);
  });

  const transition = async (
    c: Context<AuthEnv>,
    id: string,
    from: GrantRow['status'],
    to: GrantRow['status'],
  ): Promise<GrantRow> => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    const [row] = await db<GrantRow[]>`
      update access_grants set status = ${to}, decided_at = case when ${from} = 'requested' then now() else decided_at end,
        decided_by = case when ${from} = 'requested' then ${me.userId}::uuid else decided_by end,
        expires_at = case when ${to} = 'approved' then now() + make_interval(secs => duration_ms / 1000.0)
                          when ${to} = 'revoked' then least(expires_at, now()) else expires_at end
      where id = ${id} and status = ${from}
      returning ${db.unsafe(GRANT_COLUMNS)}`;
    if (!row) {
      const [exists] = await db`select 1 from access_grants where id = ${id}`;
      if (!exists) throw new ProblemError(404, ERROR_CODES.NOT_FOUND, 'No such request');
      throw new ProblemError(409, ERROR_CODES.CONFLICT, `Only a request that is ${from} can be ${to}`);
    }
    await insertAudit(db, {
      accountId: me.accountId,
      actor: `user:${me.userId}`,
      action: `access_grant.${to}`,
      targetId: id,
      clientIp: c.get('clientIp'),
    });
    return row;
  };

  router.openapi(approve, async (c) => {
    if (tenantOf(c.get('principal')).role !== 'owner') {
      throw new ProblemError(403, ERROR_CODES.FORBIDDEN, 'Only the owner approves access to the data');
    }
    const row = await transition(c, c.req.valid('param').id, 'requested', 'approved');
    // In the request's transaction: without its timer the grant is not given (503).
    await deps.temporal.client.workflow.start<typeof accessGrantWorkflow>('accessGrantWorkflow', {
      taskQueue: TASK_QUEUE,
      workflowId: accessGrantWorkflowId(row.id),
      args: [{ grantId: row.id, expiresAt: row.expiresAt?.getTime() ?? Date.now() }],
    });
    return c.json(asJson(row), 200);
  });

  router.openapi(refuse, async (c) => {
    if (tenantOf(c.get('principal')).role !== 'owner') {
      throw new ProblemError(403, ERROR_CODES.FORBIDDEN, 'Only the owner decides on access to the data');
    }
    return c.json(asJson(await transition(c, c.req.valid('param').id, 'requested', 'refused')), 200);
  });

  router.openapi(revoke, async (c) =>
    c.json(asJson(await transition(c, c.req.valid('param').id, 'approved', 'revoked')), 200),
  );

  return router;
}
