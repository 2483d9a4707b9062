import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps';
import type { HttpMetrics } from '../http-metrics';
import { authenticate } from '../middleware/auth';
import type { AuthEnv } from '../middleware/auth';
import { bearerSecurity, problem } from '../schemas/common';
import { createRouter } from '../validation';

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['operators'],
  summary: 'Prometheus metrics of this API process (operators’ tokens: Prometheus scrapes with one)',
  security: bearerSecurity,
  responses: {
    200: {
      description: 'Prometheus text exposition format',
      content: { 'text/plain': { schema: z.string() } },
    },
    401: problem('An operator token required'),
    403: problem('Support staff may not scrape'),
  },
});

/**
 * `/metrics` on the API's own port, behind an operator's token: the API is exposed, and request rates by route are
 * nobody else's business. Prometheus sends the token (`authorization.credentials_file`).
 */
export function metricsRoutes(deps: AppDeps, metrics: HttpMetrics) {
  const router = createRouter<AuthEnv>();
  router.use('/metrics', authenticate(deps, ['operator']));
  router.openapi(metricsRoute, async (c) => {
    // Prometheus's text format 0.0.4 (prom-client's content type), which c.text's plain text/plain also means.
    return c.text(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType });
  });
  return router;
}
