import type { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';
import type { Sql } from '../db/client';
import type { Logger } from '../logger';

/** Everything a route may use; built by the composition root (server.ts, start.ts) or a test. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  sql: Sql;
  temporal: { connection: Connection; client: Client };
  /** Serving over TLS: turns on HSTS. */
  https?: boolean;
}

/** Hono context variables set by middleware. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** Resolved once per request (socket peer or trusted proxy's X-Forwarded-For); null without a socket. */
    clientIp: string | null;
    /** Aborted once the request outran REQUEST_TIMEOUT (middleware/request-deadline.ts). */
    deadline: AbortSignal;
  };
}
