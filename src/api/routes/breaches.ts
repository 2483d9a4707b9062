import { createRoute, z } from '@hono/zod-openapi';
import type { Sql } from '../../db/client';
import { ERROR_CODES } from '../../domain/error-codes';
import { breachWorkflowId, TASK_QUEUE } from '../../temporal/ids';
import { BREACH_NOTIFICATION_MS } from '../../workflows/breach-workflow';
import type { breachWorkflow } from '../../workflows/breach-workflow';
import type { AppDeps } from '../deps';
import { staffOf } from '../middleware/auth';
import type { AuthEnv, Principal } from '../middleware/auth';
import { ProblemError } from '../problem';
import { bearerSecurity, NonBlankText, problem, UuidParam } from '../schemas/common';
import { createRouter, validationFailed } from '../validation';

const NewBreachSchema = z
  .object({
    awareAt: z
      .string()
      .datetime({ offset: true })
      .openapi({ description: 'When Lethe became aware: the 72-hour clock starts here' }),
    nature: NonBlankText(2000).openapi({ description: 'What happened' }),
    categories: z
      .array(NonBlankText(100))
      .min(1)
      .max(50)
      .openapi({ example: ['contacts', 'ticket messages'] }),
    subjectsApprox: z.number().int().min(0).max(2_147_483_647),
    recordsApprox: z.number().int().min(0).max(2_147_483_647),
    consequences: NonBlankText(2000),
    measures: NonBlankText(2000),
    accountIds: z.array(z.string().uuid()).min(1).max(100_000),
  })
  .openapi('NewBreach');

const NotificationSchema = z
  .object({
    reference: NonBlankText(200).openapi({ description: 'The authority’s case number or the submission’s id' }),
    notifiedAt: z.string().datetime({ offset: true }).optional().openapi({ description: 'Default: now' }),
    delayReason: NonBlankText(2000)
      .optional()
      .openapi({ description: 'Required when notified later than 72 hours after awareness (Art. 33(1))' }),
  })
  .openapi('BreachAuthorityNotification');

const EventSchema = z.object({ at: z.string(), actor: z.string(), action: z.string(), detail: z.string().nullable() });

const BreachSchema = z
  .object({
    id: z.string().uuid(),
    state: z.enum(['open', 'overdue', 'notified']),
    awareAt: z.string(),
    dueAt: z.string().openapi({ description: 'awareAt + 72 hours' }),
    authorityNotifiedAt: z.string().nullable(),
    authorityReference: z.string().nullable(),
    delayReason: z.string().nullable(),
    affectedTenants: z.number().int(),
    timeline: z.array(EventSchema),
  })
  .openapi('Breach');

const ReportSchema = z.record(z.string(), z.unknown()).openapi('BreachReport');

const staffOnly = { 401: problem('Staff token required'), 403: problem('Operators only') };

const open = createRoute({
  method: 'post',
  path: '/v1/admin/breaches',
  tags: ['operators'],
  summary: 'Open a personal-data breach (operators): owners are notified, the 72-hour clock runs',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: NewBreachSchema } } } },
  responses: {
    202: { description: 'Opened', content: { 'application/json': { schema: BreachSchema } } },
    400: problem('Invalid input, awareAt in the future, or an unknown account id'),
    409: problem('DPO_EMAIL is not configured: notices and the report name the contact point'),
    ...staffOnly,
  },
});

const read = createRoute({
  method: 'get',
  path: '/v1/admin/breaches/{id}',
  tags: ['operators'],
  summary: 'A breach: its state on the 72-hour clock and its timeline (operators)',
  security: bearerSecurity,
  request: { params: UuidParam },
  responses: {
    200: { description: 'The breach', content: { 'application/json': { schema: BreachSchema } } },
    404: problem('No such breach'),
    ...staffOnly,
  },
});

const notified = createRoute({
  method: 'post',
  path: '/v1/admin/breaches/{id}/authority-notification',
  tags: ['operators'],
  summary: 'Record that the supervisory authority was notified (operators); after 72 hours with the reasons',
  security: bearerSecurity,
  request: {
    params: UuidParam,
    body: { required: true, content: { 'application/json': { schema: NotificationSchema } } },
  },
  responses: {
    200: { description: 'Recorded', content: { 'application/json': { schema: BreachSchema } } },
    400: problem('Invalid input, or a late notification without delayReason'),
    404: problem('No such breach'),
    409: problem('Recorded already'),
    ...staffOnly,
  },
});

const report = createRoute({
  method: 'get',
  path: '/v1/admin/breaches/{id}/report',
  tags: ['operators'],
  summary: 'The Art. 33(3) report: nature, contact point, likely consequences, measures (operators)',
  security: bearerSecurity,
  request: { params: UuidParam },
  responses: {
    200: { description: 'The report', content: { 'application/json': { schema: ReportSchema } } },
    404: problem('No such breach'),
    ...staffOnly,
  },
});

interface BreachRow {
  id: string;
  awareAt: Date;
  nature: string;
  categories: string[];
  subjectsApprox: number;
  recordsApprox: number;
  consequences: string;
  measures: string;
  contactPoint: string;
  openedBy: string;
  authorityNotifiedAt: Date | null;
  authorityReference: string | null;
  delayReason: string | null;
  affectedTenants: number;
}

const notFound = () => new ProblemError(404, ERROR_CODES.NOT_FOUND, 'No such breach');

function operator(principal: Principal) {
  const staff = staffOf(principal);
  if (staff.kind !== 'operator') throw new ProblemError(403, ERROR_CODES.FORBIDDEN, 'Operators only');
  return staff;
}

async function load(sql: Sql, id: string) {
  const [row] = await sql<BreachRow[]>`
    select b.*, (select count(*)::int from breach_accounts where breach_id = b.id) as affected_tenants
    from breaches b where b.id = ${id}`;
  if (!row) throw notFound();
  const events = await sql<{ at: Date; actor: string; action: string; detail: string | null }[]>`
    select at, actor, action, detail from breach_events where breach_id = ${id} order by at, id`;
  return { row, timeline: events.map((e) => ({ ...e, at: e.at.toISOString() })) };
}

function view({ row, timeline }: Awaited<ReturnType<typeof load>>) {
  const dueAt = row.awareAt.getTime() + BREACH_NOTIFICATION_MS;
  return {
    id: row.id,
    state: row.authorityNotifiedAt
      ? ('notified' as const)
      : Date.now() > dueAt
        ? ('overdue' as const)
        : ('open' as const),
    awareAt: row.awareAt.toISOString(),
    dueAt: new Date(dueAt).toISOString(),
    authorityNotifiedAt: row.authorityNotifiedAt?.toISOString() ?? null,
    authorityReference: row.authorityReference,
    delayReason: row.delayReason,
    affectedTenants: row.affectedTenants,
    timeline,
  };
}

/**
 * The breach register (issue 15 §1), for operators: opening a breach starts its workflow (owners notified, the
 * 72-hour clock); the authority's notification is recorded with its reference (and after 72 hours with the reasons);
 * the Art. 33(3) report is generated from the register. Every step is in the breach's timeline with time and actor.
 */
export function breachRoutes(deps: AppDeps) {
  const router = createRouter<AuthEnv>();

  router.openapi(open, async (c) => {
    const staff = operator(c.get('principal'));
    const input = c.req.valid('json');
    if (!deps.config.dpoEmail) {
      throw new ProblemError(409, ERROR_CODES.CONFLICT, 'Set DPO_EMAIL: notices and the report name the contact point');
    }
    const awareAt = new Date(input.awareAt);
    if (awareAt.getTime() > Date.now() + 60_000) {
      throw validationFailed([{ path: 'awareAt', message: 'lies in the future' }]);
    }
    const accountIds = [...new Set(input.accountIds)];
    const id = await deps.sql.begin(async (tx) => {
      const known = await tx<{ id: string }[]>`select id from accounts where id = any (${accountIds}::uuid[])`;
      if (known.length !== accountIds.length) {
        throw validationFailed([{ path: 'accountIds', message: 'names an account that does not exist' }]);
      }
      const [created] = await tx<{ id: string }[]>`
        insert into breaches (aware_at, nature, categories, subjects_approx, records_approx, consequences, measures,
                              contact_point, opened_by)
        values (${awareAt}, ${input.nature}, ${input.categories}, ${input.subjectsApprox}, ${input.recordsApprox},
                ${input.consequences}, ${input.measures}, ${deps.config.dpoEmail ?? ''}, ${`staff:${staff.name}`})
        returning id`;
      const breachId = created?.id ?? '';
      await tx`insert into breach_accounts (breach_id, account_id)
               select ${breachId}, unnest(${accountIds}::uuid[])`;
      await tx`insert into breach_events (breach_id, actor, action) values (${breachId}, ${`staff:${staff.name}`}, 'opened')`;
      // In the transaction: if the clock cannot start, the breach is not recorded as handled (503).
      await deps.temporal.client.workflow.start<typeof breachWorkflow>('breachWorkflow', {
        taskQueue: TASK_QUEUE,
        workflowId: breachWorkflowId(breachId),
        args: [{ breachId, awareAt: awareAt.getTime() }],
      });
      return breachId;
    });
    deps.logger.warn({ staff: staff.name, breachId: id, tenants: accountIds.length }, 'breach opened');
    return c.json(view(await load(deps.sql, id)), 202);
  });

  router.openapi(read, async (c) => {
    operator(c.get('principal'));
    return c.json(view(await load(deps.sql, c.req.valid('param').id)), 200);
  });

  router.openapi(notified, async (c) => {
    const staff = operator(c.get('principal'));
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const { row } = await load(deps.sql, id);
    if (row.authorityNotifiedAt) throw new ProblemError(409, ERROR_CODES.CONFLICT, 'The notification is recorded');
    const notifiedAt = input.notifiedAt ? new Date(input.notifiedAt) : new Date();
    if (notifiedAt.getTime() > Date.now() + 60_000 || notifiedAt < row.awareAt) {
      throw validationFailed([{ path: 'notifiedAt', message: 'must lie between awareness and now' }]);
    }
    if (notifiedAt.getTime() > row.awareAt.getTime() + BREACH_NOTIFICATION_MS && !input.delayReason) {
      throw validationFailed([
        { path: 'delayReason', message: 'a notification later than 72 hours must give the reasons (Art. 33(1))' },
      ]);
    }
    await deps.sql.begin(async (tx) => {
      const updated = await tx`
        update breaches set authority_notified_at = ${notifiedAt}, authority_reference = ${input.reference},
          delay_reason = ${input.delayReason ?? null}
        where id = ${id} and authority_notified_at is null`;
      if (updated.count === 0) throw new ProblemError(409, ERROR_CODES.CONFLICT, 'The notification is recorded');
      await tx`insert into breach_events (breach_id, actor, action, detail)
               values (${id}, ${`staff:${staff.name}`}, 'authority_notified', ${input.reference})`;
    });
    return c.json(view(await load(deps.sql, id)), 200);
  });

  router.openapi(report, async (c) => {
    operator(c.get('principal'));
    const loaded = await load(deps.sql, c.req.valid('param').id);
    const { row } = loaded;
    return c.json(
      {
        article: 'GDPR Art. 33(3)',
        breachId: row.id,
        awareAt: row.awareAt.toISOString(),
        nature: {
          description: row.nature,
          categoriesOfData: row.categories,
          approximateDataSubjects: row.subjectsApprox,
          approximateRecords: row.recordsApprox,
          affectedTenants: row.affectedTenants,
        },
        contactPoint: { dataProtectionOfficer: row.contactPoint },
        likelyConsequences: row.consequences,
        measures: row.measures,
        authorityNotification: {
          notifiedAt: row.authorityNotifiedAt?.toISOString() ?? null,
          reference: row.authorityReference,
          reasonsForDelay: row.delayReason,
        },
        timeline: loaded.timeline,
      },
      200,
    );
  });

  return router;
}
