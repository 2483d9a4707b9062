import { createRoute, z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import type { AppDeps } from '../deps';
import type { HttpMetrics } from '../http-metrics';
import { authenticate } from '../middleware/auth';
import type { AuthEnv } from '../middleware/auth';
import { bearerSecurity, problem } from '../schemas/common';
import { safeEqual } from '../../security/tokens';
import { createRouter } from '../validation';

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['operators'],
  summary: 'Prometheus metrics of this API process (METRICS_TOKEN, which opens nothing else, or an operator’s token)',
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
  const operators = authenticate(deps, ['operator']);
  const { metricsToken } = deps.config;
  const metricsTokenOrOperator = createMiddleware<AuthEnv>(async (c, next) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (metricsToken !== undefined && bearer !== undefined && safeEqual(bearer, metricsToken)) return next();
    return operators(c, next);
  });
  router.use('/metrics', metricsTokenOrOperator);
  router.openapi(metricsRoute, async (c) => {
    // Prometheus's text format 0.0.4 (prom-client's content type), which c.text's plain text/plain also means.
    return c.text(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType });
  });
  return router;
}
