import { Writable } from 'node:stream';
import { createApp } from '../../src/api/app';
import type { AppDeps } from '../../src/api/deps';
import { createLogger } from '../../src/logger';
import type { Logger } from '../../src/logger';
import { createTemporalClient } from '../../src/temporal/client';
import type { TemporalClient } from '../../src/temporal/client';
import { testConfig } from './config';
import { testSql } from './db';

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
