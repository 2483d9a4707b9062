// The real stack for the benchmarks, started the way test/helpers/global-setup.ts and src/start.ts do it:
// throw-away embedded PostgreSQL (migrated), headless in-memory Temporal dev server, an in-process worker and a
// listening HTTP API. Everything started is registered with a Cleanup so it is stopped on exit, also on failure.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import pino from 'pino';
import { startHttpServer } from '../src/api/http-server';
import type { RunningServer } from '../src/api/http-server';
import { loadConfig } from '../src/config';
import type { Config } from '../src/config';
import { createSql } from '../src/db/client';
import type { Sql } from '../src/db/client';
import { migrate } from '../src/db/migrate';
import { startEmbeddedPostgres } from '../src/embedded/postgres';
import type { EmbeddedPostgres } from '../src/embedded/postgres';
import { projectRoot } from '../src/embedded/project-root';
import { readProvisionManifest } from '../src/embedded/provision-manifest';
import type { ProvisionManifest } from '../src/embedded/provision-manifest';
import { startDevServer } from '../src/embedded/temporal-server';
import type { EmbeddedTemporal } from '../src/embedded/temporal-server';
import { createLogger } from '../src/logger';
import type { Logger } from '../src/logger';
import { startOutboxDispatcher } from '../src/notifications/outbox-dispatcher';
import { createConfiguredSender } from '../src/notifications/smtp-sender';
import { createTemporalClient } from '../src/temporal/client';
import type { TemporalClient } from '../src/temporal/client';
import { createLetheWorker, NativeConnection, WORKFLOWS_PATH } from '../src/temporal/worker-factory';
import { now } from './stats';

/** Stops registered resources in reverse order of registration; each stop runs at most once. */
export class Cleanup {
  private readonly stops: { name: string; stop: () => Promise<void> }[] = [];
  private readonly children = new Set<ChildProcess>();
  private running: Promise<void> | undefined;

  add(name: string, stop: () => Promise<void>): () => Promise<void> {
    let once: Promise<void> | undefined;
    const entry = { name, stop: () => (once ??= stop()) };
    this.stops.push(entry);
    return entry.stop;
  }

  /** Child processes are also SIGKILLed synchronously when the bench process exits without cleaning up. */
  trackChild(child: ChildProcess): void {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
  }

  killChildrenNow(): void {
    for (const child of this.children) child.kill('SIGKILL');
  }

  /**
   * Stops everything registered, newest first. Concurrent callers (Ctrl-C during a failing run) share one pass; a
   * resource registered while a pass was running (a server that finished starting) is stopped by the next caller.
   */
  async runAll(): Promise<void> {
    for (;;) {
      if (this.running) await this.running;
      if (this.stops.length === 0) break;
      this.running ??= this.stopEverything().finally(() => {
        this.running = undefined;
      });
    }
    this.killChildrenNow();
  }

  private async stopEverything(): Promise<void> {
    while (this.stops.length > 0) {
      const { name, stop } = this.stops.pop()!;
      try {
        await withTimeout(stop(), 20_000, `stopping ${name}`);
      } catch (error) {
        console.error(`bench: stopping ${name} failed: ${(error as Error).message}`);
      }
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface BenchSecrets {
  MASTER_KEY: string;
  BILLING_WEBHOOK_SECRET: string;
  OPERATOR_TOKENS: string;
}

/** Servers, database and secrets every benchmark shares. */
export interface BenchBase {
  root: string;
  manifest: ProvisionManifest;
  resultsDir: string;
  postgres: EmbeddedPostgres;
  databaseUrl: string;
  devServer: EmbeddedTemporal;
  secrets: BenchSecrets;
  config: Config;
  /** The API's pool; the in-process worker gets its own, as in `npm start` (see Config.dbPool). */
  sql: Sql;
  /** The benchmark's own pool for seeding and counting, so measuring never queues behind the application. */
  benchSql: Sql;
  logger: Logger;
  logPath: string;
  bundle: WorkflowBundleWithSourceMap;
  startupMs: Record<string, number>;
}

/** The in-process application: worker, Temporal client and listening API on the dev server. */
export interface AppStack {
  temporal: TemporalClient;
  worker: Worker;
  server: RunningServer;
  operatorHeaders: Record<string, string>;
  /** Stops the API and the outbox, drains the worker (also registered with the Cleanup); the client stays. */
  stopServing(): Promise<void>;
}

export async function startBase(cleanup: Cleanup): Promise<BenchBase> {
  const root = projectRoot();
  const manifest = readProvisionManifest(root);
  const cli = manifest.temporalCli.path;
  if (cli === undefined) throw new Error(`Temporal CLI unavailable: ${manifest.temporalCli.detail}`);
  if (manifest.testServer.path === undefined) {
    throw new Error(`Java test server unavailable: ${manifest.testServer.detail}`);
  }
  const resultsDir = join(root, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const startupMs: Record<string, number> = {};

  // The SDK's runtime must not take over SIGINT/SIGTERM: run.ts stops everything itself.
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });

  const pgDir = mkdtempSync(join(tmpdir(), 'lethe-bench-pg-'));
  const removePgDir = () => rmSync(pgDir, { recursive: true, force: true, maxRetries: 3 });
  const t0 = now();
  const timed = async <T>(name: string, p: Promise<T>): Promise<T> => {
    const value = await p;
    startupMs[name] = Math.round(now() - t0);
    return value;
  };
  const [pg, dev] = await Promise.allSettled([
    timed('postgres', startEmbeddedPostgres({ dataDir: pgDir, persistent: false })),
    timed('devServer', startDevServer({ executable: cli, headless: true })),
  ]);
  if (pg.status === 'fulfilled') {
    cleanup.add('embedded PostgreSQL', async () => {
      await pg.value.stop();
      removePgDir();
    });
  } else {
    removePgDir();
  }
  if (dev.status === 'fulfilled') cleanup.add('Temporal dev server', () => dev.value.stop());
  if (pg.status === 'rejected') throw pg.reason;
  if (dev.status === 'rejected') throw dev.reason;
  const postgres = pg.value;
  const devServer = dev.value;

  const databaseUrl = await postgres.createDatabase('lethe_bench');
  const secrets: BenchSecrets = {
    MASTER_KEY: randomBytes(32).toString('base64'),
    BILLING_WEBHOOK_SECRET: randomBytes(32).toString('hex'),
    OPERATOR_TOKENS: `op_${randomBytes(24).toString('hex')}`,
  };
  const config = loadConfig({
    ...secrets,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: devServer.address,
    PORT: '0',
    LOG_LEVEL: 'info',
  });

  // Same pool size as npm start; the bench's own pool is separate.
  const sql = createSql(databaseUrl, { max: config.dbPool.api });
  cleanup.add('application pool', () => sql.end({ timeout: 5 }));
  const benchSql = createSql(databaseUrl, { max: 4 });
  cleanup.add('bench pool', () => benchSql.end({ timeout: 5 }));
  const m0 = now();
  await migrate(sql);
  startupMs.migrate = Math.round(now() - m0);

  // Production logs every request at info; here they go to a file instead of the bench's output.
  const logPath = join(resultsDir, 'bench.log');
  const destination = pino.destination({ dest: logPath, sync: true });
  const logger = createLogger('info', destination);

  const b0 = now();
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  startupMs.workflowBundle = Math.round(now() - b0);

  return {
    root,
    manifest,
    resultsDir,
    postgres,
    databaseUrl,
    devServer,
    secrets,
    config,
    sql,
    benchSql,
    logger,
    logPath,
    bundle,
    startupMs,
  };
}

/** Starts the in-process worker (on the dev server), the Temporal client and the listening API, like npm start. */
export async function startApp(base: BenchBase, cleanup: Cleanup): Promise<AppStack> {
  const { config, sql, logger, devServer } = base;
  const connection = await NativeConnection.connect({ address: devServer.address });
  const closeConnection = cleanup.add('worker connection', () => connection.close());
  const workerSql = createSql(base.databaseUrl, { max: config.dbPool.worker });
  const closeWorkerPool = cleanup.add('worker pool', () => workerSql.end({ timeout: 5 }));
  const worker = await createLetheWorker({
    connection,
    namespace: config.temporalNamespace,
    workflowBundle: base.bundle,
    config,
    sql: workerSql,
    logger,
  });
  const running = worker.run();
  const stopWorker = cleanup.add('in-process worker', async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  });
  const outbox = startOutboxDispatcher(workerSql, createConfiguredSender(config, logger), logger, {
    masterKey: config.masterKey,
  });
  const stopOutbox = cleanup.add('outbox dispatcher', () => outbox.stop());
  const temporal = createTemporalClient(devServer.address, config.temporalNamespace);
  cleanup.add('Temporal client', () => temporal.connection.close());
  const server = await startHttpServer({ config, logger, sql, temporal }, 0, '127.0.0.1');
  const closeServer = cleanup.add('HTTP server', () => server.close(2_000));
  return {
    temporal,
    worker,
    server,
    operatorHeaders: { authorization: `Bearer ${base.secrets.OPERATOR_TOKENS}` },
    async stopServing() {
      await closeServer();
      await stopOutbox();
      await stopWorker();
      await closeConnection();
      await closeWorkerPool();
    },
  };
}
