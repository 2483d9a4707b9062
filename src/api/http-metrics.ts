import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { poolName } from '../db/client';
import type { Sql } from '../db/client';
import type { AppEnv } from './deps';

/**
 * The API's Prometheus metrics, one registry per app (tests build many). Labels are route patterns, methods and
 * statuses: never a raw path, whose ids and query may be personal data.
 */
export function createHttpMetrics(sql?: Sql, poolMax?: number) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lethe_api_' });
  const requests = new Counter({
    name: 'lethe_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'lethe_http_request_duration_seconds',
    help: 'Time to answer, by route pattern and method',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'lethe_http_requests_in_flight',
    help: 'Requests being answered now',
    registers: [registry],
  });

  if (sql !== undefined) {
    // Read at each scrape: counts only. A database that does not answer leaves the last values (the scrape succeeds).
    new Gauge({
      name: 'lethe_accounts',
      help: 'Accounts by lifecycle state',
      labelNames: ['state'] as const,
      registers: [registry],
      async collect() {
        const rows = await sql<{ state: string; n: number }[]>`
          select state, count(*)::int as n from accounts group by state`.catch(() => undefined);
        if (rows === undefined) return;
        this.reset();
        for (const row of rows) this.set({ state: row.state }, row.n);
      },
    });
    const pool = poolName(sql);
    if (pool !== undefined) {
      new Gauge({
        name: 'lethe_db_pool_connections',
        help: 'Connections of this process’s API pool open in PostgreSQL, by state (active, idle, idle in transaction)',
        labelNames: ['state'] as const,
        registers: [registry],
        async collect() {
          const rows = await sql<{ state: string; n: number }[]>`
            select coalesce(state, 'unknown') as state, count(*)::int as n from pg_stat_activity
            where application_name = ${pool} group by 1`.catch(() => undefined);
          if (rows === undefined) return;
          this.reset();
          for (const row of rows) this.set({ state: row.state }, row.n);
        },
      });
    }
    if (poolMax !== undefined) {
      new Gauge({
        name: 'lethe_db_pool_max_connections',
        help: 'Size of this process’s API pool (API_DB_POOL_SIZE)',
        registers: [registry],
      }).set(poolMax);
    }
    new Gauge({
      name: 'lethe_outbox_pending',
      help: 'Mails waiting to be sent (the outbox backlog)',
      registers: [registry],
      async collect() {
        const [row] = await sql<{ n: number }[]>`
          select count(*)::int as n from notification_outbox where status = 'pending'`.catch(() => []);
        if (row !== undefined) this.set(row.n);
      },
    });
  }

  const middleware = createMiddleware<AppEnv>(async (c, next) => {
    const stop = duration.startTimer();
    inFlight.inc();
    try {
      await next();
    } finally {
      inFlight.dec();
      // A path no route matched is one label, whatever was asked: unknown URLs must not grow the series.
      const route = routePath(c, -1);
      const labels = { route: route === '*' || route === '/*' ? 'unmatched' : route, method: c.req.method };
      stop(labels);
      requests.inc({ ...labels, status: String(c.res.status) });
    }
  });

  return { registry, middleware };
}

export type HttpMetrics = ReturnType<typeof createHttpMetrics>;
