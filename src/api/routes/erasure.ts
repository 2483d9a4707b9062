import { createRoute, z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { insertAudit } from '../../db/audit';
import type { Queryable } from '../../db/client';
import { markUserDeletionRequested, revokeUserApiTokens, revokeUserSessions } from '../../db/credentials';
import type { ErasureKind } from '../../domain/erasure-plan';
import { ERROR_CODES } from '../../domain/error-codes';
import { receiptPublicKeyPem } from '../../security/receipts';
import { erasureWorkflowId, TASK_QUEUE } from '../../temporal/ids';
import type { erasureWorkflow } from '../../workflows/erasure-workflow';
import type { AppDeps } from '../deps';
import { authenticate, requireRole } from '../middleware/auth';
import type { AuthEnv, UserPrincipal } from '../middleware/auth';
import { ProblemError } from '../problem';
import { bearerSecurity, problem, UuidParam } from '../schemas/common';
import { createRouter } from '../validation';
import { tenantOf } from './tenant-of';

const Accepted = z.object({ requestId: z.string().uuid() }).openapi('ErasureAccepted');

const ErasureRequestSchema = z
  .object({
    id: z.string().uuid(),
    kind: z.enum(['agent', 'registration', 'erasure', 'ticket']),
    status: z.enum(['queued', 'running', 'completed', 'failed', 'refused']),
    progress: z.record(z.string(), z.number()),
    requestedAt: z.string().datetime(),
    dueAt: z.string().datetime().openapi({
      description: 'Art. 12(3): one month after receipt, three once extended',
    }),
    extendedAt: z.string().datetime().optional(),
    extensionReason: z.string().optional().openapi({ description: 'Kept until the erasure completes' }),
    refusalReason: z.string().optional().openapi({ description: 'Art. 12(5): why it was refused' }),
    completedAt: z.string().datetime().optional(),
    receipt: z
      .object({
        requestId: z.string(),
        kind: z.string(),
        subjectHash: z.string(),
        counts: z.record(z.string(), z.number()),
        requestedAt: z.string(),
        completedAt: z.string(),
        backupsExpireBy: z.string(),
      })
      .optional(),
    signature: z
      .string()
      .optional()
      .openapi({ description: 'Base64 Ed25519 signature of the receipt’s canonical JSON' }),
  })
  .openapi('ErasureRequest');

const accepted = {
  202: { description: 'Accepted: a deletion workflow runs', content: { 'application/json': { schema: Accepted } } },
};
const route = { tags: ['data subjects'], security: bearerSecurity };

const deleteAgent = createRoute({
  ...route,
  method: 'delete',
  path: '/v1/agents/{id}',
  summary:
    'Delete an agent or admin: profile, sessions, tokens, 2FA, saved searches; their messages stay as “deleted agent”',
  description:
    'Their sign-in, sessions and API tokens stop working when this answers; the rest goes in the erasure workflow.',
  request: { params: UuidParam },
  responses: {
    ...accepted,
    403: problem('Role not allowed'),
    404: problem('No such user'),
    409: problem('The owner cannot be deleted'),
  },
});
const deleteRegistration = createRoute({
  ...route,
  method: 'delete',
  path: '/v1/contacts/{id}/registration',
  summary:
    'Delete an end user’s registration: identity, OAuth tokens, sessions, saved searches; tickets stay, detached',
  request: { params: UuidParam },
  responses: { ...accepted, 404: problem('No such contact') },
});
const erase = createRoute({
  ...route,
  method: 'post',
  path: '/v1/contacts/{id}/erasure',
  summary: 'Right to erasure: everything of the person, including every ticket, message, attachment and consent',
  request: {
    params: UuidParam,
    body: {
      required: false,
      content: {
        'application/json': {
          schema: z.object({
            reference: z
              .string()
              .regex(/^[A-Za-z0-9#:._-]{1,100}$/)
              .optional(),
          }),
        },
      },
    },
  },
  responses: { ...accepted, 403: problem('Role not allowed'), 404: problem('No such contact') },
});
const trash = createRoute({
  ...route,
  method: 'delete',
  path: '/v1/tickets/{id}',
  summary:
    'Move a ticket to the trash (restorable; emptied after 30 days), or with forever=true (admin+) delete it now',
  request: { params: UuidParam, query: z.object({ forever: z.enum(['true', 'false']).optional() }) },
  responses: {
    204: { description: 'In the trash' },
    ...accepted,
    403: problem('Role not allowed'),
    404: problem('No such ticket'),
  },
});
const restore = createRoute({
  ...route,
  method: 'post',
  path: '/v1/tickets/{id}/restore',
  summary: 'Take a ticket out of the trash',
  request: { params: UuidParam },
  responses: { 204: { description: 'Restored' }, 404: problem('No such ticket in the trash') },
});
const readRequest = createRoute({
  ...route,
  method: 'get',
  path: '/v1/erasure-requests/{id}',
  summary: 'A deletion request: status, progress per step, and its signed receipt once completed',
  request: { params: UuidParam },
  responses: {
    200: { description: 'The request', content: { 'application/json': { schema: ErasureRequestSchema } } },
    404: problem('No such request'),
  },
});
const listRequests = createRoute({
  ...route,
  method: 'get',
  path: '/v1/erasure-requests',
  summary: 'The account’s deletion requests, newest first; `overdue=true`: those still open past their due date',
  request: { query: z.object({ overdue: z.enum(['true', 'false']).optional() }) },
  responses: {
    200: {
      description: 'Requests',
      content: { 'application/json': { schema: z.object({ requests: z.array(ErasureRequestSchema) }) } },
    },
  },
});
const publicKey = createRoute({
  method: 'get',
  path: '/v1/receipts/public-key',
  tags: ['data subjects'],
  summary: 'The Ed25519 public key that verifies erasure receipts offline',
  responses: {
    200: {
      description: 'The key',
      content: {
        'application/json': { schema: z.object({ algorithm: z.literal('Ed25519'), publicKeyPem: z.string() }) },
      },
    },
  },
});

interface RequestRow {
  id: string;
  kind: ErasureKind;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'refused';
  progress: Record<string, number>;
  requestedAt: Date;
  dueAt: Date;
  extendedAt: Date | null;
  extensionReason: string | null;
  refusalReason: string | null;
  completedAt: Date | null;
  receipt: z.infer<typeof ErasureRequestSchema>['receipt'] | null;
  signature: string | null;
}

const view = (r: RequestRow) => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  progress: r.progress,
  requestedAt: r.requestedAt.toISOString(),
  dueAt: r.dueAt.toISOString(),
  ...(r.extendedAt ? { extendedAt: r.extendedAt.toISOString() } : {}),
  ...(r.extensionReason !== null ? { extensionReason: r.extensionReason } : {}),
  ...(r.refusalReason !== null ? { refusalReason: r.refusalReason } : {}),
  ...(r.completedAt ? { completedAt: r.completedAt.toISOString() } : {}),
  ...(r.receipt ? { receipt: r.receipt } : {}),
  ...(r.signature ? { signature: r.signature } : {}),
});

/**
 * Records a deletion request and starts its workflow. A second request for the same subject while one is active
 * joins it (same request id). If the workflow cannot be started, the request is removed again and the caller hears
 * 503: nothing is reported accepted that will not run.
 */
export async function requestErasure(
  db: Queryable,
  client: Client,
  requester: { accountId: string; actor: string },
  kind: ErasureKind,
  subjectId: string,
  clientIp: string | null,
  reference?: string,
): Promise<string> {
  const [created] = await db<{ id: string }[]>`
    insert into erasure_requests (account_id, kind, subject_id, requested_by)
    values (${requester.accountId}, ${kind}, ${subjectId}, ${requester.actor})
    on conflict (account_id, kind, subject_id) where status in ('queued', 'running') do nothing
    returning id`;
  if (!created) {
    const [active] = await db<{ id: string }[]>`
      select id from erasure_requests where account_id = ${requester.accountId} and kind = ${kind} and subject_id = ${subjectId}
        and status in ('queued', 'running')`;
    return active?.id ?? '';
  }
  await insertAudit(db, {
    accountId: requester.accountId,
    actor: requester.actor,
    action: `erasure.requested_${kind}`,
    targetId: created.id,
    clientIp,
    reference: reference ?? null,
  });
  // The row is in this request's transaction: if the start fails, the error rolls it back.
  await client.workflow.start<typeof erasureWorkflow>('erasureWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId: erasureWorkflowId(requester.accountId, created.id),
    args: [{ accountId: requester.accountId, requestId: created.id, kind }],
  });
  return created.id;
}

const asRequester = (me: UserPrincipal) => ({ accountId: me.accountId, actor: `user:${me.userId}` });

export function erasureRoutes(deps: AppDeps) {
  const { temporal } = deps;
  const router = createRouter<AuthEnv>();
  router.use('/v1/agents/:id', authenticate(deps, ['user']));
  router.use('/v1/contacts/:id/registration', authenticate(deps, ['user']));
  router.use('/v1/contacts/:id/erasure', authenticate(deps, ['user']), requireRole('owner', 'admin'));
  router.use('/v1/tickets/:id/restore', authenticate(deps, ['user']));
  router.use('/v1/erasure-requests', authenticate(deps, ['user']));
  router.use('/v1/erasure-requests/*', authenticate(deps, ['user']));
  router.delete('/v1/agents/:id', requireRole('owner', 'admin'));

  const exists = async (db: Queryable, table: 'users' | 'contacts' | 'tickets', id: string) =>
    (await db.unsafe(`select 1 from ${table} where id = $1`, [id])).length > 0;

  router.openapi(deleteAgent, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    const { id } = c.req.valid('param');
    const [user] = await db<{ role: string }[]>`select role from users where id = ${id}`;
    if (!user) throw new ProblemError(404, ERROR_CODES.NOT_FOUND, 'No such user');
    if (user.role === 'owner')
      throw new ProblemError(409, ERROR_CODES.CANNOT_DELETE_OWNER, 'The account owner cannot be deleted');
    // Locked out now, in this transaction, not when a worker reaches the erasure: if the request cannot be
    // accepted, this rolls back with it.
    await markUserDeletionRequested(db, id);
    await revokeUserSessions(db, id);
    await revokeUserApiTokens(db, id);
    return c.json(
      { requestId: await requestErasure(db, temporal.client, asRequester(me), 'agent', id, c.get('clientIp')) },
      202,
    );
  });

  router.openapi(deleteRegistration, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    const { id } = c.req.valid('param');
    if (!(await exists(db, 'contacts', id))) throw new ProblemError(404, ERROR_CODES.NOT_FOUND, 'No such contact');
    return c.json(
      { requestId: await requestErasure(db, temporal.client, asRequester(me), 'registration', id, c.get('clientIp')) },
      202,
    );
  });

  router.openapi(erase, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    const { id } = c.req.valid('param');
    if (!(await exists(db, 'contacts', id))) throw new ProblemError(404, ERROR_CODES.NOT_FOUND, 'No such contact');
    const reference = c.req.valid('json')?.reference;
    return c.json(
      {
        requestId: await requestErasure(
          db,
          temporal.client,
          asRequester(me),
          'erasure',
          id,
          c.get('clientIp'),
          reference,
        ),
      },
      202,
    );
  });

  router.openapi(trash, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    const { id } = c.req.valid('param');
    if (!(await exists(db, 'tickets', id))) throw new ProblemError(404, ERROR_CODES.NOT_FOUND, 'No such ticket');
    if (c.req.valid('query').forever === 'true') {
      if (me.role === 'agent')
        throw new ProblemError(403, ERROR_CODES.FORBIDDEN, 'Only owners and admins delete tickets forever');
      return c.json(
        { requestId: await requestErasure(db, temporal.client, asRequester(me), 'ticket', id, c.get('clientIp')) },
        202,
      );
    }
    await db`update tickets set trashed_at = coalesce(trashed_at, now()) where id = ${id}`;
    await insertAudit(db, {
      accountId: me.accountId,
      actor: `user:${me.userId}`,
      action: 'ticket.trashed',
      targetId: id,
      clientIp: c.get('clientIp'),
    });
    return c.body(null, 204);
  });

  router.openapi(restore, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    const { id } = c.req.valid('param');
    const result = await db`update tickets set trashed_at = null where id = ${id} and trashed_at is not null`;
    if (result.count === 0) throw new ProblemError(404, ERROR_CODES.NOT_FOUND, 'No such ticket in the trash');
    await insertAudit(db, {
      accountId: me.accountId,
      actor: `user:${me.userId}`,
      action: 'ticket.restored',
      targetId: id,
      clientIp: c.get('clientIp'),
    });
    return c.body(null, 204);
  });

  router.openapi(readRequest, async (c) => {
    const { id } = c.req.valid('param');
    const [row] = await c.get('db')<RequestRow[]>`
      select id, kind, status, progress, requested_at, due_at, extended_at, extension_reason, refusal_reason,
             completed_at, receipt, signature from erasure_requests where id = ${id}`;
    if (!row) throw new ProblemError(404, ERROR_CODES.NOT_FOUND, 'No such request');
    return c.json(view(row), 200);
  });

  router.openapi(listRequests, async (c) => {
    const overdue = c.req.valid('query').overdue === 'true';
    const rows = await c.get('db')<RequestRow[]>`
      select id, kind, status, progress, requested_at, due_at, extended_at, extension_reason, refusal_reason,
             completed_at, receipt, signature from erasure_requests
      where ${overdue ? c.get('db')`status in ('queued', 'running') and due_at < now()` : c.get('db')`true`}
      order by requested_at desc limit 500`;
    return c.json({ requests: rows.map(view) }, 200);
  });

  const pem = receiptPublicKeyPem(deps.config.masterKey);
  router.openapi(publicKey, (c) => c.json({ algorithm: 'Ed25519' as const, publicKeyPem: pem }, 200));

  return router;
}
