// Composition root of the API in production: `node dist/src/server.js` against configured services.
import { loadConfigOrExit } from './config-or-exit';
import { createSql } from './db/client';
import { startHttpServer } from './api/http-server';
import { createLogger, logFormatFor } from './logger';
import { onShutdownSignal } from './shutdown';
import { createTemporalClient } from './temporal/client';

async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  const logger = createLogger(config.logLevel, undefined, logFormatFor(config.logFormat, process.stdout.isTTY));
  if (config.databaseUrl === undefined) {
    logger.fatal('DATABASE_URL is required to run the API on its own (npm start runs an embedded database)');
    process.exit(2);
  }
  const sql = createSql(config.databaseUrl, {
    max: config.dbPool.api,
    purpose: 'api',
    statementTimeoutMs: config.dbTimeouts.statementMs,
    idleInTransactionTimeoutMs: config.dbTimeouts.idleInTransactionMs,
  });
  const temporal = createTemporalClient(config.temporalAddress ?? 'localhost:7233', config.temporalNamespace);
  const server = await startHttpServer({ config, logger, sql, temporal }, config.port);
  logger.info({ url: server.url }, 'API listening');
  onShutdownSignal(logger, async () => {
    await server.close();
    await Promise.all([sql.end({ timeout: 5 }), temporal.connection.close()]);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`lethe api: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
