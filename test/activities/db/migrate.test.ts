import { createSql } from '../../../src/db/client';
import type { Sql } from '../../../src/db/client';
import { migrate, readMigrations } from '../../../src/db/migrate';
import type { Migration } from '../../../src/db/migrate';
import { freshDatabase } from '../../helpers/db';

function migration(version: number, name: string, sql: string): Migration {
  return { version, name, file: `${String(version).padStart(4, '0')}_${name}.sql`, sql, checksum: `${version}:${sql}` };
}

describe('migrate', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let sql: Sql;

  beforeEach(async () => {
    db = await freshDatabase();
    sql = createSql(db.url, { max: 2 });
  });

  afterEach(async () => {
    await sql.end();
    await db.drop();
  });

  it('applies the project migrations once and records them', async () => {
    const all = readMigrations();
    expect(await migrate(sql)).toEqual(all.map((m) => m.version));
    expect(await migrate(sql)).toEqual([]);
    const rows = await sql<{ version: number }[]>`select version from schema_migrations order by version`;
    expect(rows.map((r) => r.version)).toEqual(all.map((m) => m.version));
    const [accounts] = await sql`select to_regclass('public.accounts') as t`;
    expect(accounts?.t).toBe('accounts');
  });

  it('applies only what is new', async () => {
    await migrate(sql, [migration(1, 'create_a', 'create table a (id int)')]);
    const applied = await migrate(sql, [
      migration(1, 'create_a', 'create table a (id int)'),
      migration(2, 'create_b', 'create table b (id int)'),
    ]);
    expect(applied).toEqual([2]);
  });

  it('rolls back the whole run and names the file when one migration fails', async () => {
    await expect(
      migrate(sql, [
        migration(1, 'create_a', 'create table a (id int)'),
        migration(2, 'break_it', 'select * from nope'),
      ]),
    ).rejects.toThrow(/0002_break_it\.sql failed/);
    const [row] = await sql`select to_regclass('public.a') as t`;
    expect(row?.t).toBeNull();
    const [record] = await sql`select to_regclass('public.schema_migrations') as t`;
    expect(record?.t).toBeNull();
  });

  it('refuses a migration edited after it was applied', async () => {
    await migrate(sql, [migration(1, 'create_a', 'create table a (id int)')]);
    await expect(migrate(sql, [migration(1, 'create_a', 'create table a (id bigint)')])).rejects.toThrow(
      /changed after it was applied/,
    );
  });

  it('lets concurrent runs apply each migration exactly once', async () => {
    const other = createSql(db.url, { max: 1 });
    try {
      const list = [migration(1, 'create_a', 'create table a (id int)')];
      const results = await Promise.all([migrate(sql, list), migrate(other, list)]);
      expect(results.flat()).toEqual([1]);
    } finally {
      await other.end();
    }
  });
});
