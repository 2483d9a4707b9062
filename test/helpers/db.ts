import { randomBytes } from 'node:crypto';
import { createSql } from '../../src/db/client';
import type { Sql } from '../../src/db/client';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: this test needs the servers of test/helpers/global-setup.ts`);
  return value;
}

/** A pool on the run's migrated test database. */
export function testSql(): Sql {
  return createSql(required('DATABASE_URL'), { max: 4 });
}

/**
 * Empties every table but the migration record and the append-only audit trail (which refuses TRUNCATE; tests
 * read it per account id, and every test makes fresh accounts).
 */
export async function truncateAll(sql: Sql): Promise<void> {
  const tables = await sql<{ tablename: string }[]>`
    select tablename from pg_tables
    where schemaname = 'public' and tablename not in ('schema_migrations', 'audit_log')`;
  if (tables.length === 0) return;
  await sql.unsafe(`truncate ${tables.map((t) => `"${t.tablename}"`).join(', ')} cascade`);
}

/** A brand-new empty database on the test cluster (for tests of migrations themselves). */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = createSql(required('TEST_PG_ADMIN_URL'), { max: 1 });
  const name = `lethe_scratch_${randomBytes(4).toString('hex')}`;
  await admin.unsafe(`create database ${name}`);
  const url = required('TEST_PG_ADMIN_URL').replace(/\/postgres$/, `/${name}`);
  return {
    url,
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
