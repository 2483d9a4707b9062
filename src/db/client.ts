import postgres from 'postgres';

/** One postgres.js pool per process; query functions take it (or a transaction) as their first argument. */
export type Sql = postgres.Sql;

/** What query functions take: the pool or a transaction, so they compose inside `sql.begin`. */
export type Queryable = postgres.Sql | postgres.TransactionSql;

export interface SqlOptions {
  max?: number;
  /** Seconds to wait for a connection before failing; short in health checks. */
  connectTimeout?: number;
  /** PostgreSQL cancels a statement running longer (ms); none when undefined. */
  statementTimeoutMs?: number;
  /** PostgreSQL ends a session idle inside a transaction this long (ms); none when undefined. */
  idleInTransactionTimeoutMs?: number;
  /** What the pool is for (`api`, `worker`…): part of its application_name, which the API's metrics read. */
  purpose?: string;
}

let pools = 0;

/** The pool's own application_name: unique per pool and process, so pg_stat_activity tells its connections apart. */
export function poolName(sql: Sql): string | undefined {
  const connection = (sql.options as { connection?: Record<string, unknown> }).connection;
  return typeof connection?.application_name === 'string' ? connection.application_name : undefined;
}

export function createSql(url: string, options: SqlOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeout ?? 10,
    // snake_case columns ↔ camelCase fields. Column names only: `postgres.camel` would also rewrite the keys
    // inside JSON values (settings, backups), silently changing stored documents.
    transform: { column: { from: postgres.toCamel, to: postgres.fromCamel } },
    // Notices (e.g. "relation already exists, skipping") are expected during migrations.
    onnotice: () => undefined,
    // Session settings sent at connect: the server itself enforces them, whatever the client does.
    connection: {
      application_name: `lethe-${options.purpose ?? 'pool'}/${process.pid}/${++pools}`,
      ...(options.statementTimeoutMs !== undefined ? { statement_timeout: options.statementTimeoutMs } : {}),
      ...(options.idleInTransactionTimeoutMs !== undefined
        ? { idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs }
        : {}),
    },
  });
}

/** A statement abandoned by `answeredWithin`: retry it (its work, if any, was rolled back or will be). */
export class StatementDeadlineError extends Error {
  constructor(ms: number) {
    super(`the statement did not answer within ${ms} ms and was cancelled`);
    this.name = 'StatementDeadlineError';
  }
}

/**
 * The statement's result, or StatementDeadlineError after `ms` — at once, even when the server has stopped answering
 * (a server-side statement_timeout needs a server that runs). The statement is cancelled; a cancel that cannot reach
 * the server now takes effect when it answers again.
 */
export async function answeredWithin<T>(
  query: postgres.PendingQuery<T extends readonly postgres.MaybeRow[] ? T : never>,
  ms: number,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      query.cancel();
      reject(new StatementDeadlineError(ms));
    }, ms);
  });
  // The cancelled statement rejects later, once the server answers; the caller has its error already.
  (query as Promise<unknown>).catch(() => undefined);
  try {
    return (await Promise.race([query, late])) as T;
  } finally {
    clearTimeout(timer);
  }
}

/** The role tenant-scoped requests run as: it owns no table, so forced row-level security applies to it. */
export const APP_ROLE = 'lethe_app';

/**
 * Runs `work` in a transaction as the application role with `lethe.account_id` set, so every query inside sees and
 * changes only that tenant's rows, whatever its WHERE clause says. Errors roll everything back.
 */
export async function withTenant<T>(
  sql: Sql,
  accountId: string,
  work: (tx: postgres.TransactionSql) => Promise<T>,
): Promise<T> {
  return sql.begin(async (tx) => {
    await tx.unsafe(`set local role ${APP_ROLE}`);
    await tx`select set_config('lethe.account_id', ${accountId}, true)`;
    return work(tx);
  }) as Promise<T>;
}
