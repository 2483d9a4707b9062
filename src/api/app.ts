import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { ERROR_CODES } from '../domain/error-codes';
import type { AppDeps, AppEnv } from './deps';
import { createErrorHandler } from './error-handler';
import { createHttpMetrics } from './http-metrics';
import { requestDeadline } from './middleware/request-deadline';
import { accessLog } from './middleware/access-log';
import { clientAddress } from './middleware/client-address';
import { methodGuard } from './middleware/method-guard';
import { requestId } from './middleware/request-id';
import { completeDocument } from './openapi-completion';
import { ProblemError } from './problem';
import { CONSOLE_CSP, consoleRoutes } from './routes/console';
import { DOCS_CSP, docsRoutes } from './routes/docs';
import { accountRoutes } from './routes/accounts';
import { adminRoutes } from './routes/admin';
import { agentRoutes } from './routes/agents';
import { auditLogRoutes } from './routes/audit-log';
import { chatRoutes } from './routes/chats';
import { inboundEmailRoutes } from './routes/inbound-email';
import { accessGrantRoutes } from './routes/access-grants';
import { breachRoutes } from './routes/breaches';
import { requestClockRoutes } from './routes/request-clock';
import { subProcessorRoutes } from './routes/sub-processors';
import { contactRoutes } from './routes/contacts';
import { erasureRoutes } from './routes/erasure';
import { portalRoutes, staffConsentRoutes } from './routes/portal';
import { portalSignUpRoutes } from './routes/portal-sign-up';
import { ipAllowlistRoutes } from './routes/ip-allowlist';
import { meRoutes } from './routes/me';
import { metricsRoutes } from './routes/metrics';
import { authRoutes } from './routes/auth';
import { billingRoutes } from './routes/billing';
import { stripeBillingRoutes } from './routes/stripe-billing';
import { supportRoutes } from './routes/support';
import { systemRoutes } from './routes/system';
import { tenantRoutes } from './routes/tenants';
import { ticketRoutes } from './routes/tickets';
import { createRouter } from './validation';

/** Largest accepted request body; tickets with base64 attachments are the biggest legitimate ones. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export const OPENAPI_INFO = {
  title: 'Lethe API',
  version: '1.0.0',
  description:
    'Data lifecycle of a multi-tenant customer-service SaaS. Errors are application/problem+json with a stable `code`.',
};

/**
 * Builds the HTTP application. It never listens: server.ts does, and tests call `app.request()`.
 */
export function createApp(deps: AppDeps) {
  const logger = deps.logger.child({ module: 'api' });
  const app = createRouter<AppEnv>();

  app.use('*', requestId);
  app.use('*', clientAddress(deps.config.trustedProxies));
  app.use('*', accessLog(logger));
  const metrics = createHttpMetrics(deps.sql, deps.config.dbPool.api);
  app.use('*', metrics.middleware);
  app.use('*', requestDeadline(deps.config.requestTimeoutMs));
  const headers = (contentSecurityPolicy: Record<string, string[]>) =>
    secureHeaders({
      strictTransportSecurity: deps.https ? 'max-age=31536000; includeSubDomains' : false,
      contentSecurityPolicy,
      crossOriginResourcePolicy: 'same-origin',
      referrerPolicy: 'no-referrer',
    });
  const apiHeaders = headers({ defaultSrc: ["'none'"], frameAncestors: ["'none'"] });
  const docsHeaders = headers(DOCS_CSP);
  const consoleHeaders = headers(CONSOLE_CSP);
  // The outer middleware writes its headers last: the docs' and console's policies, registered first, win there.
  app.use('/docs', docsHeaders);
  app.use('/docs/*', docsHeaders);
  app.use('/console/*', consoleHeaders);
  app.use('*', apiHeaders);
  app.use(
    '*',
    methodGuard(() => app.routes),
  );
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ProblemError(413, ERROR_CODES.PAYLOAD_TOO_LARGE, 'Request body too large');
      },
    }),
  );

  app.route('/', systemRoutes(deps));
  app.route('/', metricsRoutes(deps, metrics));
  app.route('/', docsRoutes());
  app.route('/', consoleRoutes(deps));
  app.route('/', accountRoutes(deps));
  app.route('/', billingRoutes(deps));
  app.route('/', stripeBillingRoutes(deps));
  app.route('/', supportRoutes(deps));
  app.route('/', authRoutes(deps));
  app.route('/', adminRoutes(deps));
  app.route('/', subProcessorRoutes(deps));
  app.route('/', breachRoutes(deps));
  app.route('/', accessGrantRoutes(deps));
  app.route('/', tenantRoutes(deps));
  app.route('/', agentRoutes(deps));
  app.route('/', meRoutes(deps));
  app.route('/', ipAllowlistRoutes(deps));
  app.route('/', auditLogRoutes(deps));
  app.route('/', contactRoutes(deps));
  app.route('/', ticketRoutes(deps));
  app.route('/', chatRoutes(deps));
  app.route('/', inboundEmailRoutes(deps));
  app.route('/', erasureRoutes(deps));
  app.route('/', requestClockRoutes(deps));
  app.route('/', portalSignUpRoutes(deps));
  app.route('/', portalRoutes(deps));
  app.route('/', staffConsentRoutes(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A session token from /v1/auth/login, or an operator token (OPERATOR_TOKENS) for support routes',
  });

  // Built once, on first request: every route is registered by then.
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.get('/openapi.json', (c) => {
    document ??= completeDocument(app.getOpenAPI31Document({ openapi: '3.1.0', info: OPENAPI_INFO }));
    return c.json(document);
  });

  app.notFound((c) => {
    throw new ProblemError(404, ERROR_CODES.ROUTE_NOT_FOUND, 'No such route', `No route for ${c.req.method} here`);
  });
  app.onError(createErrorHandler(logger));
  return app;
}

export type App = ReturnType<typeof createApp>;
