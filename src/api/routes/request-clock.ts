import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { insertAudit } from '../../db/audit';
import type { Queryable } from '../../db/client';
import { insertMail } from '../../db/outbox';
import { loadTenantKey } from '../../db/tenant-keys';
import { ERROR_CODES } from '../../domain/error-codes';
import type { MailKind } from '../../notifications/mail-templates';
import { outboxPayloadContext } from '../../notifications/outbox-dispatcher';
import { seal } from '../../security/secret-box';
import type { AppDeps } from '../deps';
import { authenticate, requireRole } from '../middleware/auth';
import type { AuthEnv } from '../middleware/auth';
import { ProblemError } from '../problem';
import { bearerSecurity, NonBlankText, problem, UuidParam } from '../schemas/common';
import { createRouter } from '../validation';
import { tenantOf } from './tenant-of';

const Reason = z.object({ reason: NonBlankText(2000) }).openapi('RequestReason');

const extend = createRoute({
  method: 'post',
  path: '/v1/erasure-requests/{id}/extension',
  tags: ['data subjects'],
  summary:
    'Extend an open request by two months (Art. 12(3)), once, with a reason the requester is mailed (owner, admin)',
  security: bearerSecurity,
  request: { params: UuidParam, body: { required: true, content: { 'application/json': { schema: Reason } } } },
  responses: {
    200: {
      description: 'Extended',
      content: { 'application/json': { schema: z.object({ id: z.string().uuid(), dueAt: z.string().datetime() }) } },
    },
    404: problem('No such request'),
    409: problem('The request is no longer open, or was extended already'),
  },
});

const refuse = createRoute({
  method: 'post',
  path: '/v1/contacts/{id}/erasure-refusal',
  tags: ['data subjects'],
  summary:
    'Record an erasure request refused as manifestly unfounded or excessive (Art. 12(5)), with its reason; the person is mailed (owner, admin)',
  security: bearerSecurity,
  request: { params: UuidParam, body: { required: true, content: { 'application/json': { schema: Reason } } } },
  responses: {
    201: {
      description: 'Recorded',
      content: { 'application/json': { schema: z.object({ requestId: z.string().uuid() }) } },
    },
    404: problem('No such contact'),
  },
});

/**
 * Queues a mail to the person a request is about, with staff's reason sealed under the tenant key until it is sent
 * (the outbox clears it then), so the reason is never readable at rest in the outbox.
 */
async function mailRequester(
  deps: AppDeps,
  db: Queryable,
  mail: { accountId: string; kind: MailKind; recipient: string; dedupeKey: string; deadlineAt?: Date; reason: string },
): Promise<void> {
  const key = await loadTenantKey(deps.sql, deps.config.masterKey, mail.accountId);
  if (!key) return;
  const id = randomUUID();
  await insertMail(db, {
    id,
    accountId: mail.accountId,
    kind: mail.kind,
    recipient: mail.recipient,
    dedupeKey: mail.dedupeKey,
    ...(mail.deadlineAt ? { deadlineAt: mail.deadlineAt } : {}),
    sealedPayload: seal(key, Buffer.from(JSON.stringify({ reason: mail.reason })), outboxPayloadContext(id)),
  });
}

/** The address of the person a request is about: a contact's, or an agent's; a ticket has no requester to tell. */
async function requesterAddress(db: Queryable, kind: string, subjectId: string): Promise<string | undefined> {
  if (kind === 'ticket') return undefined;
  const [row] =
    kind === 'agent'
      ? await db<{ email: string }[]>`select email from users where id = ${subjectId}`
      : await db<{ email: string }[]>`select email from contacts where id = ${subjectId}`;
  return row?.email;
}

/** The legal clock's decisions on data-subject requests (issue 15 §3); the due dates themselves are the table's. */
export function requestClockRoutes(deps: AppDeps) {
  const router = createRouter<AuthEnv>();
  router.use('/v1/erasure-requests/:id/extension', authenticate(deps, ['user']), requireRole('owner', 'admin'));
  router.use('/v1/contacts/:id/erasure-refusal', authenticate(deps, ['user']), requireRole('owner', 'admin'));

  router.openapi(extend, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    const { id } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const [request] = await db<{ kind: string; subjectId: string; open: boolean; extended: boolean }[]>`
      select kind, subject_id, status in ('queued', 'running') as open, extended_at is not null as extended
      from erasure_requests where id = ${id} for update`;
    if (!request) throw new ProblemError(404, ERROR_CODES.NOT_FOUND, 'No such request');
    if (!request.open) throw new ProblemError(409, ERROR_CODES.CONFLICT, 'The request is no longer open');
    if (request.extended) throw new ProblemError(409, ERROR_CODES.CONFLICT, 'The request was extended already');
    const [row] = await db<{ dueAt: Date }[]>`
      update erasure_requests set due_at = requested_at + interval '3 months', extended_at = now(),
        extension_reason = ${reason}
      where id = ${id} returning due_at`;
    const dueAt = row?.dueAt ?? new Date();
    const recipient = await requesterAddress(db, request.kind, request.subjectId);
    if (recipient) {
      await mailRequester(deps, db, {
        accountId: me.accountId,
        kind: 'request_extended',
        recipient,
        dedupeKey: `request-extended:${id}`,
        deadlineAt: dueAt,
        reason,
      });
    }
    await insertAudit(db, {
      accountId: me.accountId,
      actor: `user:${me.userId}`,
      action: 'erasure.extended',
      targetId: id,
      clientIp: c.get('clientIp'),
    });
    return c.json({ id, dueAt: dueAt.toISOString() }, 200);
  });

  router.openapi(refuse, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    const { id } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const [contact] = await db<{ email: string }[]>`select email from contacts where id = ${id}`;
    if (!contact) throw new ProblemError(404, ERROR_CODES.NOT_FOUND, 'No such contact');
    const [row] = await db<{ id: string }[]>`
      insert into erasure_requests (account_id, kind, subject_id, requested_by, status, refusal_reason, completed_at)
      values (${me.accountId}, 'erasure', ${id}, ${`user:${me.userId}`}, 'refused', ${reason}, now())
      returning id`;
    const requestId = row?.id ?? '';
    await mailRequester(deps, db, {
      accountId: me.accountId,
      kind: 'request_refused',
      recipient: contact.email,
      dedupeKey: `request-refused:${requestId}`,
      reason,
    });
    await insertAudit(db, {
      accountId: me.accountId,
      actor: `user:${me.userId}`,
      action: 'erasure.refused',
      targetId: requestId,
      clientIp: c.get('clientIp'),
    });
    return c.json({ requestId }, 201);
  });

  return router;
}
