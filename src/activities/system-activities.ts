import type { Sql } from '../db/client';

export interface SystemActivityDeps {
  sql: Sql;
}

/** Activities that prove the worker reaches its database; used by the health-check workflow. */
export function createSystemActivities({ sql }: SystemActivityDeps) {
  return {
    /** The highest applied migration number (0 when none). */
    async readSchemaVersion(): Promise<number> {
      const [row] = await sql<
        { version: number }[]
      >`select coalesce(max(version), 0)::int as version from schema_migrations`;
      return row?.version ?? 0;
    },
  };
}

export type SystemActivities = ReturnType<typeof createSystemActivities>;
