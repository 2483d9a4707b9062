// `npm start`: the whole of Lethe on one machine (DESIGN §1). Starts what the environment does not configure —
// embedded PostgreSQL in .data/pg, the Temporal dev server with its SQLite file in .data/, Mailpit as the mail
// server (SMTP :1025, UI :8025; every port movable, embedded/startup-checks.ts) — then migrates, runs the worker and the API in this process, and on Ctrl-C stops
// everything it started. An embedded server that dies is started again (embedded/supervisor.ts).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startHttpServer } from './api/http-server';
import { loadConfigOrExit } from './config-or-exit';
import { createSql } from './db/client';
import { migrate } from './db/migrate';
import { loadDevSecrets } from './embedded/dev-secrets';
import { startMailpit } from './embedded/mailpit';
import type { EmbeddedMailpit } from './embedded/mailpit';
import { startEmbeddedPostgres } from './embedded/postgres';
import { projectRoot } from './embedded/project-root';
import { readProvisionManifest } from './embedded/provision-manifest';
import { isAlive } from './embedded/is-alive';
import { ensurePortsFree, lockDataDir, readEmbeddedPorts } from './embedded/startup-checks';
import type { EmbeddedPorts } from './embedded/startup-checks';
import { supervise } from './embedded/supervisor';
import { startDevServer, startTestServerAsTemporal } from './embedded/temporal-server';
import type { EmbeddedTemporal } from './embedded/temporal-server';
import type { LifecyclePolicy } from './domain/account-lifecycle';
import { formatDuration } from './domain/duration';
import { EMBEDDED_RESTART_POLICY } from './domain/restart-policy';
import { createLogger, logFormatFor } from './logger';
import { startOutboxDispatcher } from './notifications/outbox-dispatcher';
import { createConfiguredSender } from './notifications/smtp-sender';
import { onShutdownSignal } from './shutdown';
import { createTemporalClient } from './temporal/client';
import { ensureSchedules } from './temporal/schedules';
import { createLetheWorker, NativeConnection } from './temporal/worker-factory';
import { meterMetrics, prometheusTelemetry } from './temporal/worker-metrics';

async function main(): Promise<void> {
  const root = projectRoot();
  // Where the embedded servers keep their data; elsewhere than the checkout's .data/ when LETHE_DATA_DIR says so.
  const dataDir = resolve(root, process.env.LETHE_DATA_DIR || '.data');
  const secrets = loadDevSecrets(join(dataDir, 'dev-secrets.json'));
  const env = { ...secrets, ...withoutEmpty(process.env) };
  const config = loadConfigOrExit(env);
  const logger = createLogger(config.logLevel, undefined, logFormatFor(config.logFormat, process.stdout.isTTY));
  let ports: EmbeddedPorts;
  try {
    ports = readEmbeddedPorts(env);
  } catch (error) {
    cannotStart(logger, error);
  }
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch((error: unknown) => logger.error({ err: error }, 'stop failed'));
    }
  };
  // Ctrl-C during start-up must also clean up, hence registered before anything starts.
  Runtime.install({
    shutdownSignals: [],
    logger: new DefaultLogger(config.logLevel === 'debug' ? 'DEBUG' : 'WARN'),
    ...prometheusTelemetry(config.workerMetrics),
  });
  onShutdownSignal(logger, stopAll);
  // An embedded server that keeps dying: stop everything and exit non-zero rather than run half-alive.
  const supervision = {
    logger,
    policy: EMBEDDED_RESTART_POLICY,
    onGiveUp: (reason: string) => {
      logger.fatal({ reason }, 'an embedded server cannot be kept running: stopping');
      void stopAll().finally(() => process.exit(1));
    },
  };

  try {
    // Before anything starts: a folder another npm start holds, or a taken port, is named with the fix.
    mkdirSync(dataDir, { recursive: true });
    const release = lockDataDir(dataDir, isAlive);
    stops.push(() => Promise.resolve(release()));
    await ensurePortsFree([
      { variable: 'PORT', port: config.port },
      ...(config.workerMetrics ? [{ variable: 'WORKER_METRICS_PORT', port: config.workerMetrics.port }] : []),
      ...(config.databaseUrl === undefined ? [{ variable: 'EMBEDDED_PG_PORT', port: ports.EMBEDDED_PG_PORT }] : []),
      ...(config.temporalAddress === undefined
        ? [
            { variable: 'TEMPORAL_PORT', port: ports.TEMPORAL_PORT },
            { variable: 'TEMPORAL_UI_PORT', port: ports.TEMPORAL_UI_PORT },
          ]
        : []),
      ...(config.smtpUrl === undefined
        ? [
            { variable: 'MAILPIT_SMTP_PORT', port: ports.MAILPIT_SMTP_PORT },
            { variable: 'MAILPIT_UI_PORT', port: ports.MAILPIT_UI_PORT },
          ]
        : []),
    ]);

    let databaseUrl = config.databaseUrl;
    if (databaseUrl === undefined) {
      const startPg = () =>
        startEmbeddedPostgres({ dataDir: join(dataDir, 'pg'), port: ports.EMBEDDED_PG_PORT, persistent: true });
      const pg = await startPg();
      const supervised = supervise('PostgreSQL', pg, startPg, supervision);
      stops.push(() => supervised.stop());
      databaseUrl = await pg.createDatabase('lethe');
      logger.info({ port: pg.port, dataDir: join(dataDir, 'pg') }, 'embedded PostgreSQL started');
    }

    let temporalAddress = config.temporalAddress;
    let uiUrl: string | undefined;
    if (temporalAddress === undefined) {
      const startTemporal = () => startEmbeddedTemporal(root, dataDir, ports, logger);
      const temporal = await startTemporal();
      const supervised = supervise('Temporal server', temporal, startTemporal, supervision);
      stops.push(() => supervised.stop());
      temporalAddress = temporal.address;
      uiUrl = temporal.uiUrl;
    }

    let smtpUrl = config.smtpUrl;
    let mailUiUrl: string | undefined;
    if (smtpUrl === undefined) {
      const startMail = () => startEmbeddedMailpit(root, dataDir, ports);
      const mailpit = await startMail();
      const supervised = supervise('Mailpit', mailpit, startMail, supervision);
      stops.push(() => supervised.stop());
      smtpUrl = mailpit.smtpUrl;
      mailUiUrl = mailpit.uiUrl;
      logger.info({ smtp: smtpUrl, ui: mailUiUrl, dataDir }, 'Mailpit started');
    }

    const sql = createSql(databaseUrl, {
      max: config.dbPool.api,
      purpose: 'api',
      statementTimeoutMs: config.dbTimeouts.statementMs,
      idleInTransactionTimeoutMs: config.dbTimeouts.idleInTransactionMs,
    });
    stops.push(() => sql.end({ timeout: 5 }));
    const applied = await migrate(sql);
    // The worker's own pool, as if it ran in its own process (see Config.dbPool).
    const workerSql = createSql(databaseUrl, {
      max: config.dbPool.worker,
      purpose: 'worker',
      idleInTransactionTimeoutMs: config.dbTimeouts.idleInTransactionMs,
    });
    stops.push(() => workerSql.end({ timeout: 5 }));
    logger.info({ applied }, 'database migrated');

    const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
    stops.push(() => nativeConnection.close());
    const worker = await createLetheWorker({
      connection: nativeConnection,
      namespace: config.temporalNamespace,
      config,
      sql: workerSql,
      logger,
    });
    const workerDone = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await workerDone;
    });
    const outbox = startOutboxDispatcher(workerSql, createConfiguredSender({ ...config, smtpUrl }, logger), logger, {
      masterKey: config.masterKey,
      metrics: meterMetrics(Runtime.instance().metricMeter),
    });
    stops.push(() => outbox.stop());

    const temporal = createTemporalClient(temporalAddress, config.temporalNamespace);
    stops.push(() => temporal.connection.close());
    await ensureSchedules(temporal.client);
    // The console links accounts to the embedded server's Web UI unless TEMPORAL_UI_URL names another.
    const apiConfig = { ...config, temporalUiUrl: config.temporalUiUrl ?? uiUrl };
    const server = await startHttpServer({ config: apiConfig, logger, sql, temporal }, config.port);
    stops.push(() => server.close());

    const lines = [
      '',
      'Lethe is running.',
      `  API           ${server.url}`,
      `  API docs      ${server.url}/docs   (OpenAPI: ${server.url}/openapi.json)`,
      `  Metrics       ${server.url}/metrics (operator token)${config.workerMetrics ? `; worker http://${config.workerMetrics.host}:${config.workerMetrics.port}/metrics` : '; worker: set WORKER_METRICS_PORT'}`,
      `  Console       ${server.url}/console   (support staff sign in with their SUPPORT_TOKENS/OPERATOR_TOKENS token)`,
      `  Temporal UI   ${uiUrl ?? 'none (Temporal is external or the in-memory fallback)'}`,
      `  Temporal      ${temporalAddress} namespace ${config.temporalNamespace}`,
      `  Mail          ${mailUiUrl !== undefined ? `${mailUiUrl}   (Mailpit: every mail Lethe sends lands here)` : 'sent through SMTP_URL'}`,
      `  Dev secrets   ${config.databaseUrl === undefined ? join(dataDir, 'dev-secrets.json') : 'from the environment'}`,
      `  Lifecycle     ${lifecycleLine(config.lifecycle)}`,
      '  Embedded servers that die are restarted (logged at error level).',
      'Press Ctrl-C to stop.',
      '',
    ];
    process.stdout.write(lines.join('\n'));
  } catch (error) {
    await stopAll();
    cannotStart(logger, error);
  }
}

/** The periods in force, as the environment spells them (TRIAL_PERIOD…), for the banner. */
function lifecycleLine(policy: LifecyclePolicy): string {
  return [
    `trial ${formatDuration(policy.trialPeriodMs)}`,
    `payment grace ${formatDuration(policy.paymentGracePeriodMs)}`,
    `suspension ${formatDuration(policy.suspensionPeriodMs)}`,
    `removal ${formatDuration(policy.removalPeriodMs)}`,
    `backup kept ${formatDuration(policy.backupRetentionPeriodMs)}`,
    `reactivated trial ${formatDuration(policy.reactivationWindowMs)}`,
  ].join(' · ');
}

/** Says why start-up failed, plainly on stderr (for the person at the terminal) and in the log, and exits 1. */
function cannotStart(logger: ReturnType<typeof createLogger>, error: unknown): never {
  const reason = error instanceof Error ? error.message : String(error);
  logger.fatal({ err: error }, `start-up failed: ${reason}`);
  process.stderr.write(`\nLethe could not start: ${reason}\n`);
  process.exit(1);
}

async function startEmbeddedMailpit(root: string, dataDir: string, ports: EmbeddedPorts): Promise<EmbeddedMailpit> {
  const mailpit = readProvisionManifest(root).mailpit;
  if (mailpit?.path === undefined) {
    throw new Error(`No mail server: ${mailpit?.detail ?? 'run npm run provision'}; or set SMTP_URL to a relay`);
  }
  return startMailpit({
    executable: mailpit.path,
    dbFile: join(dataDir, 'mailpit.db'),
    smtpPort: ports.MAILPIT_SMTP_PORT,
    httpPort: ports.MAILPIT_UI_PORT,
  });
}

async function startEmbeddedTemporal(
  root: string,
  dataDir: string,
  ports: EmbeddedPorts,
  logger: ReturnType<typeof createLogger>,
): Promise<EmbeddedTemporal> {
  const manifest = readProvisionManifest(root);
  const cli = manifest.temporalCli;
  if (cli.path !== undefined && (cli.route === 'path' || cli.route === 'go')) {
    const server = await startDevServer({
      executable: cli.path,
      dbFile: join(dataDir, 'temporal.sqlite'),
      port: ports.TEMPORAL_PORT,
      uiPort: ports.TEMPORAL_UI_PORT,
    });
    logger.info({ address: server.address, ui: server.uiUrl, dataDir }, 'Temporal dev server started');
    return server;
  }
  if (manifest.testServer.path !== undefined) {
    logger.warn(
      { reason: cli.detail },
      'NO TEMPORAL CLI: running the Java test server as an in-memory Temporal. Accounts and timers do NOT survive a restart and there is no Web UI.',
    );
    return startTestServerAsTemporal(manifest.testServer.path, ports.TEMPORAL_PORT);
  }
  throw new Error(`No Temporal server available: ${cli.detail}; ${manifest.testServer.detail}`);
}

function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );
}

void main();
