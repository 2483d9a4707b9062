import { createRoute, z } from '@hono/zod-openapi';
import { insertAudit } from '../../db/audit';
import { exportContact } from '../../db/subject-export';
import { isSuppressed } from '../../db/suppression';
import { insertContact } from '../../db/tickets';
import { ERROR_CODES } from '../../domain/error-codes';
import type { AppDeps } from '../deps';
import { authenticate, requireRole } from '../middleware/auth';
import type { AuthEnv } from '../middleware/auth';
import { ProblemError } from '../problem';
import { bearerSecurity, problem, UuidParam } from '../schemas/common';
import { IdSchema } from '../schemas/security-schemas';
import { ConsentSchema, ContactSchema, NewConsentSchema, NewContactSchema } from '../schemas/support-data-schemas';
import { createRouter } from '../validation';
import { tenantOf } from './tenant-of';

const create = createRoute({
  method: 'post',
  path: '/v1/contacts',
  tags: ['contacts'],
  summary: 'Add a contact (an end user of the tenant)',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: NewContactSchema } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: IdSchema } } },
    400: problem('Invalid input'),
    409: problem('ADDRESS_SUPPRESSED: the address belongs to a person erased at their request; it is not imported'),
  },
});

const grant = createRoute({
  method: 'post',
  path: '/v1/contacts/{id}/consents',
  tags: ['contacts'],
  summary: 'Record a consent the contact gave (e.g. on the phone): purpose and the notice version they accepted',
  security: bearerSecurity,
  request: {
    params: UuidParam,
    body: { required: true, content: { 'application/json': { schema: NewConsentSchema } } },
  },
  responses: {
    201: { description: 'Recorded', content: { 'application/json': { schema: IdSchema } } },
    404: problem('No such contact'),
    409: problem('ADDRESS_SUPPRESSED: no marketing consent for the address of a person erased at their request'),
  },
});

/** Consents that put a person back on a mailing list: refused for an address on the suppression list. */
const MARKETING = /^marketing/;

const suppressed = (what: string) =>
  new ProblemError(
    409,
    ERROR_CODES.ADDRESS_SUPPRESSED,
    'The address is on the suppression list',
    `A person with this address was erased at their request: ${what}. Someone who writes again becomes a contact through their own message.`,
  );

const read = createRoute({
  method: 'get',
  path: '/v1/contacts/{id}',
  tags: ['contacts'],
  summary: 'A contact',
  security: bearerSecurity,
  request: { params: UuidParam },
  responses: {
    200: { description: 'The contact', content: { 'application/json': { schema: ContactSchema } } },
    404: problem('No such contact'),
  },
});

const consents = createRoute({
  method: 'get',
  path: '/v1/contacts/{id}/consents',
  tags: ['contacts'],
  summary: 'The contact’s consent records, oldest first (a withdrawal is a record of its own)',
  security: bearerSecurity,
  request: { params: UuidParam },
  responses: {
    200: {
      description: 'Records',
      content: { 'application/json': { schema: z.object({ consents: z.array(ConsentSchema) }) } },
    },
    404: problem('No such contact'),
  },
});

const exportRoute = createRoute({
  method: 'get',
  path: '/v1/contacts/{id}/export',
  tags: ['data subjects'],
  summary: 'Everything held about the contact, as one JSON document (attachments base64) — owner, admin',
  security: bearerSecurity,
  request: { params: UuidParam },
  responses: {
    200: { description: 'The export', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } },
    403: problem('Role not allowed'),
    404: problem('No such contact'),
  },
});

const notFound = () => new ProblemError(404, ERROR_CODES.NOT_FOUND, 'No such contact');

export function contactRoutes(deps: AppDeps) {
  const router = createRouter<AuthEnv>();
  router.use('/v1/contacts', authenticate(deps, ['user']));
  router.use('/v1/contacts/*', authenticate(deps, ['user']));

  router.openapi(create, async (c) => {
    const me = tenantOf(c.get('principal'));
    const input = c.req.valid('json');
    if (await isSuppressed(c.get('db'), deps.config.masterKey, me.accountId, input.email)) {
      throw suppressed('the address is not imported again');
    }
    const id = await insertContact(c.get('db'), me.accountId, input);
    return c.json({ id }, 201);
  });

  router.openapi(grant, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const [contact] = await db<{ email: string }[]>`select email from contacts where id = ${id}`;
    if (!contact) throw notFound();
    if (MARKETING.test(input.purpose) && (await isSuppressed(db, deps.config.masterKey, me.accountId, contact.email))) {
      throw suppressed('no marketing consent is recorded for it');
    }
    const [row] = await db<{ id: string }[]>`
      insert into consents (account_id, contact_id, purpose, notice_version, granted, ip)
      values (${me.accountId}, ${id}, ${input.purpose}, ${input.noticeVersion}, true, ${c.get('clientIp')})
      returning id`;
    await insertAudit(db, {
      accountId: me.accountId,
      actor: `user:${me.userId}`,
      action: 'consent.recorded',
      targetId: id,
      clientIp: c.get('clientIp'),
    });
    return c.json({ id: row?.id ?? '' }, 201);
  });

  router.openapi(read, async (c) => {
    const { id } = c.req.valid('param');
    const [row] = await c.get('db')<
      {
        id: string;
        email: string;
        name: string;
        phone: string | null;
        address: string | null;
        custom: Record<string, unknown>;
        createdAt: Date;
      }[]
    >`select id, email, name, phone, address, custom, created_at from contacts where id = ${id}`;
    if (!row) throw notFound();
    return c.json({ ...row, createdAt: row.createdAt.toISOString() }, 200);
  });

  router.get('/v1/contacts/:id/export', requireRole('owner', 'admin'));
  router.openapi(exportRoute, async (c) => {
    const me = tenantOf(c.get('principal'));
    const { id } = c.req.valid('param');
    const document = await exportContact(c.get('db'), id);
    if (!document) throw notFound();
    await insertAudit(c.get('db'), {
      accountId: me.accountId,
      actor: `user:${me.userId}`,
      action: 'contact.exported',
      targetId: id,
      clientIp: c.get('clientIp'),
    });
    c.header('Content-Disposition', `attachment; filename="contact-${id}.json"`);
    return c.json(document, 200);
  });

  router.openapi(consents, async (c) => {
    const { id } = c.req.valid('param');
    const db = c.get('db');
    const [contact] = await db`select 1 from contacts where id = ${id}`;
    if (!contact) throw notFound();
    const rows = await db<{ id: string; purpose: string; noticeVersion: string; granted: boolean; recordedAt: Date }[]>`
      select id, purpose, notice_version, granted, recorded_at from consents where contact_id = ${id} order by recorded_at, id`;
    return c.json({ consents: rows.map((r) => ({ ...r, recordedAt: r.recordedAt.toISOString() })) }, 200);
  });

  return router;
}
