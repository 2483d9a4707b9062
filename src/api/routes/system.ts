import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps, AppEnv } from '../deps';
import { createRouter } from '../validation';

const CHECK_TIMEOUT_MS = 2_000;

const ReadinessSchema = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    checks: z.object({
      database: z.enum(['ok', 'unavailable']),
      temporal: z.enum(['ok', 'unavailable']),
    }),
  })
  .openapi('Readiness');

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['system'],
  summary: 'Liveness: the process answers',
  responses: {
    200: { description: 'Alive', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } },
  },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['system'],
  summary: 'Readiness: the database and Temporal are reachable',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: ReadinessSchema } } },
    503: { description: 'A dependency is unreachable', content: { 'application/json': { schema: ReadinessSchema } } },
  },
});

/** Resolves true when `check` succeeds within the timeout; never throws. */
async function probe(check: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().then(() => true as const), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function systemRoutes(deps: AppDeps) {
  const { sql, temporal } = deps;
  return createRouter<AppEnv>()
    .openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200))
    .openapi(readyz, async (c) => {
      const [database, temporalOk] = await Promise.all([
        probe(() => sql`select 1`),
        probe(() =>
          temporal.connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
            temporal.connection.workflowService.getSystemInfo({}),
          ),
        ),
      ]);
      const checks = {
        database: database ? ('ok' as const) : ('unavailable' as const),
        temporal: temporalOk ? ('ok' as const) : ('unavailable' as const),
      };
      if (database && temporalOk) return c.json({ status: 'ready' as const, checks }, 200);
      return c.json({ status: 'unavailable' as const, checks }, 503);
    });
}
