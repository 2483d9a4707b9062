import postgres from 'postgres';

/** One postgres.js pool per process; query functions take it (or a transaction) as their first argument. */
export type Sql = postgres.Sql;

export interface SqlOptions {
  max?: number;
  /** Seconds to wait for a connection before failing; short in health checks. */
  connectTimeout?: number;
}

export function createSql(url: string, options: SqlOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeout ?? 10,
    // snake_case columns ↔ camelCase fields
    transform: postgres.camel,
    // Notices (e.g. "relation already exists, skipping") are expected during migrations.
    onnotice: () => undefined,
  });
}
