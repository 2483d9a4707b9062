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
