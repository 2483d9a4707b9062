import { createRoute, z } from '@hono/zod-openapi';
import { ERROR_CODES } from '../../domain/error-codes';
import type { AppDeps, AppEnv } from '../deps';
import { ProblemError } from '../problem';
import { TenantLookupSchema } from '../schemas/account-schemas';
import { problem } from '../schemas/common';
import { createRouter } from '../validation';

const lookup = createRoute({
  method: 'get',
  path: '/v1/tenants/{subdomain}',
  tags: ['public'],
  summary: 'Resolve a subdomain to its tenant (what the widget, portal and mail routing use)',
  request: {
    params: z.object({
      subdomain: z
        .string()
        .min(1)
        .max(63)
        .openapi({ param: { name: 'subdomain', in: 'path' } }),
    }),
  },
  responses: {
    200: { description: 'The tenant', content: { 'application/json': { schema: TenantLookupSchema } } },
    404: problem('No such tenant'),
    410: problem('The tenant was removed (TENANT_GONE)'),
  },
});

/** Public: a subdomain resolves only while its domain row exists; removal makes it 410 Gone. */
export function tenantRoutes(deps: AppDeps) {
  const router = createRouter<AppEnv>();
  router.openapi(lookup, async (c) => {
    const { subdomain } = c.req.valid('param');
    const [row] = await deps.sql<{ name: string; active: boolean }[]>`
      select a.name, (d.subdomain is not null) as active
      from accounts a left join account_domains d on d.account_id = a.id and d.subdomain = a.subdomain
      where a.subdomain = ${subdomain.toLowerCase()}`;
    if (!row) throw new ProblemError(404, ERROR_CODES.TENANT_NOT_FOUND, 'No such tenant');
    if (!row.active) throw new ProblemError(410, ERROR_CODES.TENANT_GONE, 'This tenant is no longer available');
    return c.json({ subdomain: subdomain.toLowerCase(), name: row.name }, 200);
  });
  return router;
}
