// Composition root of the worker in production: `node dist/src/worker.js` against configured services.
import { Runtime } from '@temporalio/worker';
import { loadConfigOrExit } from './config-or-exit';
import { createSql } from './db/client';
import { createLogger, logFormatFor } from './logger';
import { startOutboxDispatcher } from './notifications/outbox-dispatcher';
import { createConfiguredSender } from './notifications/smtp-sender';
import { createTemporalClient } from './temporal/client';
import { ensureSchedules } from './temporal/schedules';
import { createLetheWorker, NativeConnection } from './temporal/worker-factory';
import { meterMetrics, prometheusTelemetry } from './temporal/worker-metrics';

async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  const logger = createLogger(config.logLevel, undefined, logFormatFor(config.logFormat, process.stdout.isTTY));
  if (config.databaseUrl === undefined) {
    logger.fatal('DATABASE_URL is required to run the worker on its own (npm start runs an embedded database)');
    process.exit(2);
  }
  // The SDK's own SIGINT/SIGTERM handling drains the worker: running activities finish or heartbeat-cancel,
  // workflow tasks complete, then `run()` resolves.
  Runtime.install({ shutdownSignals: ['SIGINT', 'SIGTERM'], ...prometheusTelemetry(config.workerMetrics) });
  const sql = createSql(config.databaseUrl, {
    max: config.dbPool.worker,
    purpose: 'worker',
    idleInTransactionTimeoutMs: config.dbTimeouts.idleInTransactionMs,
  });
  const connection = await NativeConnection.connect({ address: config.temporalAddress ?? 'localhost:7233' });
  const temporal = createTemporalClient(config.temporalAddress ?? 'localhost:7233', config.temporalNamespace);
  try {
    await ensureSchedules(temporal.client);
    const worker = await createLetheWorker({ connection, namespace: config.temporalNamespace, config, sql, logger });
    const outbox = startOutboxDispatcher(sql, createConfiguredSender(config, logger), logger, {
      masterKey: config.masterKey,
      metrics: meterMetrics(Runtime.instance().metricMeter),
    });
    logger.info({ taskQueue: worker.options.taskQueue, metrics: config.workerMetrics }, 'worker running');
    await worker.run();
    await outbox.stop();
    logger.info('worker stopped');
  } finally {
    await temporal.connection.close();
    await connection.close();
    await sql.end({ timeout: 5 });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`lethe worker: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
