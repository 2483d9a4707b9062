import type { Config } from '../config';
import type { Sql } from '../db/client';
import type { Logger } from '../logger';
import type { WorkerMetrics } from '../temporal/worker-metrics';
import { createAccountActivities } from './account-activities';
import { createErasureActivities } from './erasure-activities';
import { createAccessGrantActivities } from './access-grant-activities';
import { createBreachActivities } from './breach-activities';
import { createRequestClockActivities } from './request-clock-activities';
import { createSubProcessorActivities } from './sub-processor-activities';
import { createSystemActivities } from './system-activities';

export interface ActivityDeps {
  config: Config;
  sql: Sql;
  logger: Logger;
  /** Lethe's worker metrics; none when unset (activities tested on their own). */
  metrics?: WorkerMetrics;
}

/** Every activity the worker registers, built from its dependencies (no module-level state). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createSystemActivities(deps),
    ...createAccountActivities({
      sql: deps.sql,
      masterKey: deps.config.masterKey,
      logger: deps.logger,
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    }),
    ...createErasureActivities({
      sql: deps.sql,
      masterKey: deps.config.masterKey,
      policy: deps.config.lifecycle,
      batchTimeoutMs: deps.config.dbTimeouts.erasureBatchMs,
      logger: deps.logger,
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    }),
    ...createSubProcessorActivities({ sql: deps.sql, logger: deps.logger }),
    ...createRequestClockActivities({ sql: deps.sql, logger: deps.logger }),
    ...createBreachActivities({ sql: deps.sql, logger: deps.logger }),
    ...createAccessGrantActivities({ sql: deps.sql, logger: deps.logger }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
