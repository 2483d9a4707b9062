import type { Config } from '../config';
import type { Sql } from '../db/client';
import type { Logger } from '../logger';
import { createAccountActivities } from './account-activities';
import { createErasureActivities } from './erasure-activities';
import { createSystemActivities } from './system-activities';

export interface ActivityDeps {
  config: Config;
  sql: Sql;
  logger: Logger;
}

/** Every activity the worker registers, built from its dependencies (no module-level state). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createSystemActivities(deps),
    ...createAccountActivities({ sql: deps.sql, masterKey: deps.config.masterKey, logger: deps.logger }),
    ...createErasureActivities({
      sql: deps.sql,
      masterKey: deps.config.masterKey,
      policy: deps.config.lifecycle,
      batchTimeoutMs: deps.config.dbTimeouts.erasureBatchMs,
      logger: deps.logger,
    }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
