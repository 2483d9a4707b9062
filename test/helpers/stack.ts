import { randomBytes } from 'node:crypto';
import { NativeConnection } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import { startHttpServer } from '../../src/api/http-server';
import type { RunningServer } from '../../src/api/http-server';
import type { Config } from '../../src/config';
import { createSql } from '../../src/db/client';
import type { Sql } from '../../src/db/client';
import { createLogger } from '../../src/logger';
import { startOutboxDispatcher } from '../../src/notifications/outbox-dispatcher';
import { createSmtpSender } from '../../src/notifications/smtp-sender';
import { createTemporalClient } from '../../src/temporal/client';
import type { TemporalClient } from '../../src/temporal/client';
import { createLetheWorker } from '../../src/temporal/worker-factory';
import { signWebhook } from '../../src/security/webhook-signature';
import { testConfig, TEST_ENV } from './config';
import { testSql } from './db';
import { testSmtpUrl } from './mailbox';
import { FIXTURE_PASSWORD } from './tenants';
import { inboundHeaders } from './inbound-mail';
import { quietRuntime, workflowBundle } from './temporal';

/** The real stack for end-to-end tests: HTTP server, worker and client on the dev server, PostgreSQL. */
export interface Stack {
  config: Config;
  sql: Sql;
  temporal: TemporalClient;
  server: RunningServer;
  worker: Worker;
  http(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
  operator: Record<string, string>;
  billing(event: unknown, options?: { secret?: string; at?: number }): Promise<{ status: number; body: any }>;
  /** Delivers a raw mail to the tenant's inbound webhook, signed with the test INBOUND_EMAIL_SECRET. */
  inbound(subdomain: string, raw: Buffer): Promise<{ status: number; body: any }>;
  /** Stops the in-process worker, for tests that run workers as separate processes. */
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  quietRuntime();
  const config = testConfig(env);
  // A database of the test's own, or pools of chosen sizes: then the API and the worker each get their own pool, as
  // they do in production (one waits on the other: a deletion's answer waits for the worker to record the state).
  const ownPool = env.DATABASE_URL !== undefined || env.API_DB_POOL_SIZE !== undefined;
  const sql = ownPool ? createSql(config.databaseUrl ?? '', { max: config.dbPool.api }) : testSql();
  const workerSql = ownPool ? createSql(config.databaseUrl ?? '', { max: config.dbPool.worker }) : sql;
  // A test may bring its own Temporal server (one it can kill): TEMPORAL_ADDRESS in env.
  const address = env.TEMPORAL_ADDRESS ?? process.env.TEMPORAL_ADDRESS ?? '';
  const temporal = createTemporalClient(address, 'default');
  const connection = await NativeConnection.connect({ address });
  const logger = createLogger('silent');
  const worker = await createLetheWorker({
    connection,
    namespace: 'default',
    workflowBundle: await workflowBundle(),
    config,
    sql: workerSql,
    logger,
  });
  const running = worker.run();
  // The worker's mail dispatcher, delivering to the run's Mailpit: tests read what people would receive.
  const outbox = startOutboxDispatcher(
    workerSql,
    createSmtpSender({ smtpUrl: testSmtpUrl(), mailFrom: config.mailFrom }),
    logger,
    { masterKey: config.masterKey, intervalMs: 300 },
  );
  const server = await startHttpServer({ config, logger, sql, temporal }, 0, '127.0.0.1');
  const operator = { authorization: `Bearer ${TEST_ENV.OPERATOR_TOKENS.split(',')[0]}` };

  async function http(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  return {
    config,
    sql,
    temporal,
    server,
    worker,
    http,
    operator,
    billing(event, options = {}) {
      const raw = JSON.stringify(event);
      const t = options.at ?? Math.floor(Date.now() / 1000);
      return http('POST', '/v1/billing/events', raw, {
        'lethe-signature': signWebhook(options.secret ?? config.billingWebhookSecret, raw, t),
      });
    },
    async inbound(subdomain, raw) {
      const res = await fetch(`${server.url}/v1/inbound/email?subdomain=${subdomain}`, {
        method: 'POST',
        headers: inboundHeaders(raw),
        body: raw,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async stopWorker() {
      await outbox.stop();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
    async stop() {
      await server.close(1_000);
      await outbox.stop();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
      await temporal.connection.close();
      // Bounded: after its PostgreSQL was killed and restarted, the pool has been seen to wait for ever on end().
      await sql.end({ timeout: 5 });
      if (workerSql !== sql) await workerSql.end({ timeout: 5 });
    },
  };
}

/**
 * Polls `read` until `check` holds (real timers on the dev server have about a second of granularity); throws with
 * the last value seen when it never does, so a caller never asserts on a stale value by accident.
 */
export async function until<T>(read: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `until: condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)?.slice(0, 2000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A new account signed up through the API, and its owner signed in: ids, names and the owner's auth header. */
export async function signUpAndSignIn(stack: Stack, prefix: string, ownerEmail?: (tag: string) => string) {
  const tag = randomBytes(4).toString('hex');
  const subdomain = `${prefix}-${tag}`;
  const email = ownerEmail?.(tag) ?? `owner-${tag}@example.test`;
  const signup = await stack.http('POST', '/v1/accounts', {
    subdomain,
    name: `${prefix} Co`,
    owner: { email, name: 'O', password: FIXTURE_PASSWORD },
  });
  if (signup.status !== 201) throw new Error(`signup answered ${signup.status}`);
  const login = await stack.http('POST', '/v1/auth/login', { subdomain, email, password: FIXTURE_PASSWORD });
  return {
    id: signup.body.account.id as string,
    subdomain,
    email,
    tag,
    auth: { authorization: `Bearer ${login.body.token as string}` },
  };
}
