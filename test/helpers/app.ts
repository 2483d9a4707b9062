import { Writable } from 'node:stream';
import { createApp } from '../../src/api/app';
import type { AppDeps } from '../../src/api/deps';
import { createLogger } from '../../src/logger';
import type { Logger } from '../../src/logger';
import { createTemporalClient } from '../../src/temporal/client';
import type { TemporalClient } from '../../src/temporal/client';
import { testConfig } from './config';
import { testSql, truncateAll } from './db';
import { FIXTURE_PASSWORD, seedTenant } from './tenants';
import type { SeededTenant } from './tenants';

/** A logger whose JSON lines are kept for assertions (e.g. that nothing personal was logged). */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  logLines: string[];
  close(): Promise<void>;
}

/** The real app on the run's PostgreSQL and dev server; pieces can be swapped to simulate outages. */
export function createTestApp(overrides: Partial<AppDeps> = {}): TestApp {
  const { logger, lines } = capturingLogger();
  const sql = overrides.sql ?? testSql();
  const temporal: TemporalClient =
    overrides.temporal ?? createTemporalClient(process.env.TEMPORAL_ADDRESS ?? 'missing:1', 'default');
  const deps: AppDeps = { config: testConfig(), logger, sql, temporal, ...overrides };
  return {
    app: createApp(deps),
    deps,
    logLines: lines,
    async close() {
      await sql.end({ timeout: 1 });
      await temporal.connection.close();
    },
  };
}

/**
 * The usual frame of an API test file: one app for the file, and before each test an empty database with one fresh
 * tenant (no agents, no sessions unless asked). The callbacks hand them to the file's own variables.
 */
export function useAppWithFreshTenant(
  onApp: (t: TestApp) => void,
  onTenant: (tenant: SeededTenant) => void | Promise<void>,
  options: { app?: Partial<AppDeps>; seed?: Parameters<typeof seedTenant>[1] } = {},
): void {
  let t: TestApp;
  beforeAll(() => {
    t = createTestApp(options.app);
    onApp(t);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await truncateAll(t.deps.sql);
    await onTenant(await seedTenant(t.deps.sql, options.seed ?? { agents: 0, sessionsPerUser: 0 }));
  });
}

/** A session token of the seeded tenant's owner, signed in through the real login route. */
export async function ownerToken(t: TestApp, tenant: SeededTenant): Promise<string> {
  const res = await t.app.request(
    '/v1/auth/login',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subdomain: tenant.subdomain, email: tenant.ownerEmail, password: FIXTURE_PASSWORD }),
    },
    { incoming: { socket: { remoteAddress: '198.51.100.10' } } },
  );
  const body = (await res.json()) as { token?: string };
  if (typeof body.token !== 'string') throw new Error(`the owner could not sign in (${res.status})`);
  return body.token;
}
