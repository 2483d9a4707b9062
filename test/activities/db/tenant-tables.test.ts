import { TABLES_KEPT_THROUGH_DELETION, TENANT_DATA_TABLES } from '../../../src/db/tenant-tables';
import { testSql } from '../../helpers/db';

describe('tenant table registry', () => {
  const sql = testSql();
  afterAll(() => sql.end());

  it('names every table with an account_id column as deleted with the tenant or deliberately kept', async () => {
    const rows = await sql<{ tableName: string }[]>`
      select table_name from information_schema.columns
      where table_schema = 'public' and column_name = 'account_id' order by table_name`;
    const known = new Set<string>([...TENANT_DATA_TABLES, ...TABLES_KEPT_THROUGH_DELETION]);
    expect(rows.map((r) => r.tableName).filter((t) => !known.has(t))).toEqual([]);
  });
});

describe('indexes the deletions rely on', () => {
  const sql = testSql();
  afterAll(() => sql.end());

  // Tenant deletion deletes `where account_id = $1 limit n` batch by batch from every tenant table: without an index
  // led by account_id, every batch scans the whole shared table, every other tenant's rows included.
  it('gives every table deleted with the tenant an index led by account_id', async () => {
    const rows = await sql<{ tableName: string }[]>`
      select c.relname as table_name from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and c.relname = any(${[...TENANT_DATA_TABLES]})
        and not exists (
          select 1 from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
          where i.indrelid = c.oid and a.attname = 'account_id')
      order by 1`;
    expect(rows.map((r) => r.tableName)).toEqual([]);
  });
});
