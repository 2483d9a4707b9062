import { createRoute, z } from '@hono/zod-openapi';
import type { Sql } from '../../db/client';
import { ERROR_CODES } from '../../domain/error-codes';
import { subProcessorWorkflowId, TASK_QUEUE } from '../../temporal/ids';
import type { subProcessorWorkflow } from '../../workflows/sub-processor-workflow';
import type { AppDeps } from '../deps';
import { authenticate, requireRole, staffOf } from '../middleware/auth';
import type { AuthEnv } from '../middleware/auth';
import { ProblemError } from '../problem';
import { bearerSecurity, NonBlankText, problem, UuidParam } from '../schemas/common';
import { IdSchema } from '../schemas/security-schemas';
import { createRouter } from '../validation';
import { tenantOf } from './tenant-of';

const SubProcessorSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    purpose: z.string(),
    location: z.string(),
    transferMechanism: z.string(),
    status: z.enum(['planned', 'active']).openapi({ description: 'planned: in its objection window' }),
    announcedAt: z.string().datetime(),
    effectiveAt: z.string().datetime().openapi({ description: 'When it took, or takes, effect' }),
  })
  .openapi('SubProcessor');

const NewSubProcessorSchema = z
  .object({
    name: NonBlankText(200),
    purpose: NonBlankText(500),
    location: NonBlankText(200),
    transferMechanism: NonBlankText(200).openapi({ example: 'EU Standard Contractual Clauses (2021/914)' }),
  })
  .openapi('NewSubProcessor');

const ObjectionSchema = z.object({ reason: NonBlankText(2000) }).openapi('SubProcessorObjection');

const ObjectionListSchema = z
  .object({
    objections: z.array(
      z.object({ accountId: z.string().uuid(), subdomain: z.string(), reason: z.string(), createdAt: z.string() }),
    ),
  })
  .openapi('SubProcessorObjections');

const list = createRoute({
  method: 'get',
  path: '/v1/sub-processors',
  tags: ['public'],
  summary: 'Lethe’s sub-processors: those in effect and those planned (in their objection window)',
  responses: {
    200: {
      description: 'The registry',
      content: { 'application/json': { schema: z.object({ subProcessors: z.array(SubProcessorSchema) }) } },
    },
  },
});

const feed = createRoute({
  method: 'get',
  path: '/v1/sub-processors/feed.atom',
  tags: ['public'],
  summary: 'The registry as an Atom feed: one entry per sub-processor, updated when it takes effect',
  responses: {
    200: { description: 'Atom 1.0', content: { 'application/atom+xml': { schema: z.string() } } },
  },
});

const announce = createRoute({
  method: 'post',
  path: '/v1/admin/sub-processors',
  tags: ['operators'],
  summary:
    'Plan a new sub-processor (operators): every owner is mailed and may object until the window (SUB_PROCESSOR_OBJECTION_WINDOW) closes; then it takes effect',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: NewSubProcessorSchema } } } },
  responses: {
    202: {
      description: 'Planned; the window is open',
      content: { 'application/json': { schema: SubProcessorSchema } },
    },
    403: problem('Operators only'),
  },
});

const objections = createRoute({
  method: 'get',
  path: '/v1/admin/sub-processors/{id}/objections',
  tags: ['operators'],
  summary: 'The objections owners made to a sub-processor (operators)',
  security: bearerSecurity,
  request: { params: UuidParam },
  responses: {
    200: { description: 'Objections', content: { 'application/json': { schema: ObjectionListSchema } } },
    403: problem('Operators only'),
    404: problem('No such sub-processor'),
  },
});

const object = createRoute({
  method: 'post',
  path: '/v1/sub-processors/{id}/objections',
  tags: ['accounts'],
  summary: 'Object to a planned sub-processor (owner, admin), while its window is open; recorded and answered',
  security: bearerSecurity,
  request: {
    params: UuidParam,
    body: { required: true, content: { 'application/json': { schema: ObjectionSchema } } },
  },
  responses: {
    201: { description: 'Recorded', content: { 'application/json': { schema: IdSchema } } },
    404: problem('No such sub-processor'),
    409: problem('The window is closed (it is in effect), or this tenant objected already'),
  },
});

interface SubProcessorRow {
  id: string;
  name: string;
  purpose: string;
  location: string;
  transferMechanism: string;
  status: 'planned' | 'active';
  announcedAt: Date;
  effectiveAt: Date;
}

const asJson = (row: SubProcessorRow) => ({
  ...row,
  announcedAt: row.announcedAt.toISOString(),
  effectiveAt: row.effectiveAt.toISOString(),
});

async function registry(sql: Sql): Promise<SubProcessorRow[]> {
  return sql<SubProcessorRow[]>`
    select id, name, purpose, location, transfer_mechanism, status, announced_at, effective_at
    from sub_processors order by announced_at, id`;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const xml = (text: string) => text.replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch] ?? ch);

/** Atom 1.0 (RFC 4287): ids are URNs of the registry's own ids, so they never change with the host name. */
export function atomFeed(rows: readonly SubProcessorRow[], selfUrl: string): string {
  const updated = rows.reduce(
    (latest, r) => Math.max(latest, r.status === 'active' ? r.effectiveAt.getTime() : r.announcedAt.getTime()),
    0,
  );
  const entries = rows.map((r) => {
    const changed = r.status === 'active' ? r.effectiveAt : r.announcedAt;
    const title =
      r.status === 'active'
        ? `${r.name} is a sub-processor`
        : `Planned: ${r.name}, in effect on ${r.effectiveAt.toISOString()}`;
    const summary = `Purpose: ${r.purpose}. Location: ${r.location}. Transfer mechanism: ${r.transferMechanism}.`;
    return [
      '  <entry>',
      `    <id>urn:uuid:${r.id}</id>`,
      `    <title>${xml(title)}</title>`,
      `    <published>${r.announcedAt.toISOString()}</published>`,
      `    <updated>${changed.toISOString()}</updated>`,
      `    <summary>${xml(summary)}</summary>`,
      '  </entry>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    '  <id>urn:lethe:sub-processors</id>',
    '  <title>Lethe sub-processors</title>',
    `  <updated>${new Date(updated).toISOString()}</updated>`,
    '  <author><name>Lethe</name></author>',
    `  <link rel="self" href="${xml(selfUrl)}"/>`,
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}

/**
 * The sub-processor registry (issue 15 §4): public list and feed, operators plan additions (a workflow per
 * addition mails owners, waits out the objection window and puts it in effect), owners and admins object.
 */
export function subProcessorRoutes(deps: AppDeps) {
  const router = createRouter<AuthEnv>();
  router.use('/v1/sub-processors/:id/objections', authenticate(deps, ['user']), requireRole('owner', 'admin'));

  router.openapi(list, async (c) => c.json({ subProcessors: (await registry(deps.sql)).map(asJson) }, 200));

  router.openapi(feed, async (c) => {
    const body = atomFeed(await registry(deps.sql), new URL(c.req.url).toString());
    return c.body(body, 200, { 'content-type': 'application/atom+xml; charset=utf-8' });
  });

  router.openapi(announce, async (c) => {
    const staff = staffOf(c.get('principal'));
    if (staff.kind !== 'operator') throw new ProblemError(403, ERROR_CODES.FORBIDDEN, 'Operators only');
    const input = c.req.valid('json');
    const created = await deps.sql.begin(async (tx) => {
      const [row] = await tx<SubProcessorRow[]>`
        insert into sub_processors (name, purpose, location, transfer_mechanism, effective_at, announced_by)
        values (${input.name}, ${input.purpose}, ${input.location}, ${input.transferMechanism},
                now() + make_interval(secs => ${deps.config.subProcessorObjectionWindowMs / 1000}),
                ${`staff:${staff.name}`})
        returning id, name, purpose, location, transfer_mechanism, status, announced_at, effective_at`;
      if (!row) throw new Error('insert returned no row');
      // In the transaction: if the workflow cannot start, the entry is not recorded (503, nothing planned).
      await deps.temporal.client.workflow.start<typeof subProcessorWorkflow>('subProcessorWorkflow', {
        taskQueue: TASK_QUEUE,
        workflowId: subProcessorWorkflowId(row.id),
        args: [{ subProcessorId: row.id, effectiveAt: row.effectiveAt.getTime() }],
      });
      return row;
    });
    deps.logger.info({ staff: staff.name, subProcessorId: created.id }, 'sub-processor planned');
    return c.json(asJson(created), 202);
  });

  router.openapi(objections, async (c) => {
    const staff = staffOf(c.get('principal'));
    if (staff.kind !== 'operator') throw new ProblemError(403, ERROR_CODES.FORBIDDEN, 'Operators only');
    const { id } = c.req.valid('param');
    const [known] = await deps.sql`select 1 from sub_processors where id = ${id}`;
    if (!known) throw new ProblemError(404, ERROR_CODES.NOT_FOUND, 'No such sub-processor');
    const rows = await deps.sql<{ accountId: string; subdomain: string; reason: string; createdAt: Date }[]>`
      select o.account_id, a.subdomain, o.reason, o.created_at from sub_processor_objections o
      join accounts a on a.id = o.account_id where o.sub_processor_id = ${id} order by o.created_at, o.id`;
    return c.json({ objections: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })) }, 200);
  });

  router.openapi(object, async (c) => {
    const me = tenantOf(c.get('principal'));
    const db = c.get('db');
    const { id } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    // The window is `effective_at`, checked by the database's clock in the statement that records the objection.
    const [row] = await db<{ id: string }[]>`
      insert into sub_processor_objections (account_id, sub_processor_id, user_id, reason)
      select ${me.accountId}, s.id, ${me.userId}, ${reason} from sub_processors s
      where s.id = ${id} and s.status = 'planned' and s.effective_at > now()
      on conflict (account_id, sub_processor_id) do nothing returning id`;
    if (!row) {
      const [entry] = await db<{ open: boolean }[]>`
        select status = 'planned' and effective_at > now() as open from sub_processors where id = ${id}`;
      if (!entry) throw new ProblemError(404, ERROR_CODES.NOT_FOUND, 'No such sub-processor');
      throw new ProblemError(
        409,
        ERROR_CODES.CONFLICT,
        entry.open ? 'This account objected already' : 'The objection window is closed',
      );
    }
    return c.json({ id: row.id }, 201);
  });

  return router;
}
