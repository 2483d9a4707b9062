import { createRoute, z } from '@hono/zod-openapi';
import { insertAudit } from '../../db/audit';
import { insertMessage, insertTicket } from '../../db/tickets';
import type { Channel, NewAttachment } from '../../db/tickets';
import { spamFilterFor, teachFilter } from '../../spam/spam-filter';
import { ERROR_CODES } from '../../domain/error-codes';
import type { AppDeps } from '../deps';
import { authenticate } from '../middleware/auth';
import type { AuthEnv } from '../middleware/auth';
import { ProblemError } from '../problem';
import { bearerSecurity, problem, queryInt, UuidParam } from '../schemas/common';
import { IdSchema } from '../schemas/security-schemas';
import {
  NewMessageSchema,
  NewTicketSchema,
  SpamVerdictSchema,
  TicketSchema,
  TicketStatusSchema,
  TicketSummarySchema,
} from '../schemas/support-data-schemas';
import type { TicketStatus } from '../schemas/support-data-schemas';
import type { AttachmentInputSchema } from '../schemas/support-data-schemas';
import { createRouter } from '../validation';
import { tenantOf } from './tenant-of';

const create = createRoute({
  method: 'post',
  path: '/v1/tickets',
  tags: ['tickets'],
  summary: 'Open a ticket for a contact, with its first message',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: NewTicketSchema } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: IdSchema } } },
    400: problem('Invalid input'),
    404: problem('No such contact'),
  },
});

const reply = createRoute({
  method: 'post',
  path: '/v1/tickets/{id}/messages',
  tags: ['tickets'],
  summary: 'Add an agent’s message to a ticket',
  security: bearerSecurity,
  request: {
    params: UuidParam,
    body: { required: true, content: { 'application/json': { schema: NewMessageSchema } } },
  },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: IdSchema } } },
    404: problem('No such ticket'),
  },
});

const read = createRoute({
  method: 'get',
  path: '/v1/tickets/{id}',
  tags: ['tickets'],
  summary: 'A ticket with its messages and attachment metadata',
  security: bearerSecurity,
  request: { params: UuidParam },
  responses: {
    200: { description: 'The ticket', content: { 'application/json': { schema: TicketSchema } } },
    404: problem('No such ticket'),
  },
});

export function decodeAttachments(input: z.infer<typeof AttachmentInputSchema>[] | undefined): NewAttachment[] {
  return (input ?? []).map((a) => ({
    filename: a.filename,
    contentType: a.contentType,
    bytes: Buffer.from(a.contentBase64, 'base64'),
  }));
}

const TicketListQuery = z.object({
  status: TicketStatusSchema.optional().openapi({
    description: 'Only tickets in this status; without it, every ticket except spam (the agents’ queue)',
  }),
  limit: queryInt(1, 200).optional().openapi({ description: 'At most this many (default 50), newest first' }),
  offset: queryInt(0, 1_000_000).optional(),
});

const list = createRoute({
  method: 'get',
  path: '/v1/tickets',
  tags: ['tickets'],
  summary: 'The tenant’s tickets, newest first: the queue (no status), or one status (`spam` is the spam folder)',
  security: bearerSecurity,
  request: { query: TicketListQuery },
  responses: {
    200: {
      description: 'Tickets not in the trash',
      content: { 'application/json': { schema: z.object({ tickets: z.array(TicketSummarySchema) }) } },
    },
  },
});

const verdict = (path: string, summary: string) =>
  createRoute({
    method: 'post',
    path,
    tags: ['tickets'],
    summary,
    security: bearerSecurity,
    request: { params: UuidParam },
    responses: {
      200: { description: 'Learned', content: { 'application/json': { schema: SpamVerdictSchema } } },
      404: problem('No such ticket (or it is in the trash)'),
    },
  });

const markSpam = verdict(
  '/v1/tickets/{id}/spam',
  'Spam: files the ticket in the spam folder (deleted after 30 days) and teaches the tenant’s filter',
);
const markNotSpam = verdict(
  '/v1/tickets/{id}/not-spam',
  'Not spam: takes the ticket out of the spam folder (status open) and teaches the tenant’s filter',
);

const ticketNotFound = () => new ProblemError(404, ERROR_CODES.NOT_FOUND, 'No such ticket');

export function ticketRoutes(deps: AppDeps) {
  const router = createRouter<AuthEnv>();
  router.use('/v1/tickets', authenticate(deps, ['user']));
  router.use('/v1/tickets/*', authenticate(deps, ['user']));

  router.openapi(create, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    const body = c.req.valid('json');
    const [contact] = await db`select 1 from contacts where id = ${body.contactId}`;
    if (!contact) throw new ProblemError(404, ERROR_CODES.NOT_FOUND, 'No such contact');
    const ticketId = await insertTicket(db, me.accountId, {
      contactId: body.contactId,
      channel: body.channel,
      subject: body.subject,
    });
    await insertMessage(
      db,
      me.accountId,
      ticketId,
      { kind: 'contact', contactId: body.contactId },
      body.body,
      decodeAttachments(body.attachments),
    );
    return c.json({ id: ticketId }, 201);
  });

  router.openapi(reply, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const [ticket] = await db`select 1 from tickets where id = ${id} and trashed_at is null`;
    if (!ticket) throw ticketNotFound();
    const messageId = await insertMessage(
      db,
      me.accountId,
      id,
      { kind: 'agent', userId: me.userId },
      body.body,
      decodeAttachments(body.attachments),
    );
    return c.json({ id: messageId }, 201);
  });

  router.openapi(list, async (c) => {
    const db = c.get('db');
    const { status, limit, offset } = c.req.valid('query');
    const rows = await db<
      {
        id: string;
        contactId: string | null;
        channel: Channel;
        subject: string;
        status: TicketStatus;
        spamProbability: number | null;
        createdAt: Date;
        updatedAt: Date;
      }[]
    >`
      select id, contact_id, channel, subject, status, spam_probability, created_at, updated_at from tickets
      where trashed_at is null and ${status === undefined ? db`status <> 'spam'` : db`status = ${status}`}
      order by created_at desc, id desc limit ${limit ?? 50} offset ${offset ?? 0}`;
    return c.json(
      {
        tickets: rows.map((t) => ({
          ...t,
          createdAt: t.createdAt.toISOString(),
          updatedAt: t.updatedAt.toISOString(),
        })),
      },
      200,
    );
  });

  for (const [route, label, action] of [
    [markSpam, 'spam', 'ticket.marked_spam'],
    [markNotSpam, 'ham', 'ticket.marked_not_spam'],
  ] as const) {
    router.openapi(route, async (c) => {
      const me = tenantOf(c.get('principal'));
      const db = c.get('db');
      const { id } = c.req.valid('param');
      const status = await teachFilter(spamFilterFor(deps), db, me.accountId, id, label);
      if (!status) throw ticketNotFound();
      await insertAudit(db, {
        accountId: me.accountId,
        actor: `user:${me.userId}`,
        action,
        targetId: id,
        clientIp: c.get('clientIp'),
      });
      return c.json({ id, status }, 200);
    });
  }

  router.openapi(read, async (c) => {
    const db = c.get('db');
    const { id } = c.req.valid('param');
    const [ticket] = await db<
      {
        id: string;
        contactId: string | null;
        channel: 'email' | 'chat' | 'phone' | 'portal';
        subject: string;
        status: TicketStatus;
        spamProbability: number | null;
        trashedAt: Date | null;
        createdAt: Date;
      }[]
    >`select id, contact_id, channel, subject, status, spam_probability, trashed_at, created_at
      from tickets where id = ${id}`;
    if (!ticket) throw ticketNotFound();
    const messages = await db<
      {
        id: string;
        authorKind: string;
        authorUserId: string | null;
        authorContactId: string | null;
        body: string;
        createdAt: Date;
      }[]
    >`select id, author_kind, author_user_id, author_contact_id, body, created_at from messages where ticket_id = ${id} order by created_at, id`;
    const attachments = await db<
      { id: string; messageId: string; filename: string; contentType: string; size: number }[]
    >`
      select a.id, a.message_id, a.filename, a.content_type, a.size from attachments a
      join messages m on m.id = a.message_id where m.ticket_id = ${id} order by a.created_at, a.id`;
    return c.json(
      {
        ...ticket,
        trashedAt: ticket.trashedAt?.toISOString() ?? null,
        createdAt: ticket.createdAt.toISOString(),
        messages: messages.map((m) => ({
          ...m,
          createdAt: m.createdAt.toISOString(),
          attachments: attachments.filter((a) => a.messageId === m.id).map(({ messageId: _, ...a }) => a),
        })),
      },
      200,
    );
  });

  return router;
}
