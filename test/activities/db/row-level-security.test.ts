import { APP_ROLE, withTenant } from '../../../src/db/client';
import { testSql, truncateAll } from '../../helpers/db';
import { seedTenant } from '../../helpers/tenants';
import type { SeededTenant } from '../../helpers/tenants';

describe('row-level security', () => {
  const sql = testSql();
  let a: SeededTenant;
  let b: SeededTenant;

  beforeAll(async () => {
    await truncateAll(sql);
    a = await seedTenant(sql);
    b = await seedTenant(sql);
    await sql`insert into ip_allowlists (account_id, cidrs) values (${a.accountId}, ${['203.0.113.0/24']})`;
  });
  afterAll(() => sql.end());

  const tenantTables = async () =>
    (
      await sql<{ tableName: string }[]>`
        select table_name from information_schema.columns
        where table_schema = 'public' and column_name = 'account_id' and table_name <> 'purged_accounts'
        order by table_name`
    ).map((r) => r.tableName);

  it('is enabled and forced on every table holding tenant rows, and the application role owns none of them', async () => {
    const tables = [...(await tenantTables()), 'accounts'];
    const rows = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean; owner: string }[]>`
      select relname, relrowsecurity, relforcerowsecurity, pg_get_userbyid(relowner) as owner
      from pg_class where relname in ${sql(tables)} and relkind = 'r'`;
    expect(rows).toHaveLength(tables.length);
    for (const row of rows) {
      expect({ table: row.relname, rls: row.relrowsecurity, forced: row.relforcerowsecurity }).toEqual({
        table: row.relname,
        rls: true,
        forced: true,
      });
      expect(row.owner).not.toBe(APP_ROLE);
    }
  });

  it('shows the application role only its tenant’s rows, even for queries that name another tenant or none', async () => {
    for (const table of await tenantTables()) {
      const foreign = await withTenant(sql, b.accountId, (tx) =>
        tx.unsafe<{ n: number }[]>(`select count(*)::int as n from ${table} where account_id <> $1`, [b.accountId]),
      );
      expect({ table, foreignRows: foreign[0]?.n }).toEqual({ table, foreignRows: 0 });
    }
    const users = await withTenant(sql, b.accountId, (tx) => tx<{ accountId: string }[]>`select account_id from users`);
    expect(new Set(users.map((u) => u.accountId))).toEqual(new Set([b.accountId]));
    const accounts = await withTenant(sql, b.accountId, (tx) => tx`select id from accounts`);
    expect(accounts).toEqual([{ id: b.accountId }]);
  });

  it('lets the application role change nothing of another tenant', async () => {
    const updated = await withTenant(
      sql,
      b.accountId,
      (tx) => tx`update users set name = 'pwned' where account_id = ${a.accountId}`,
    );
    expect(updated.count).toBe(0);
    const deleted = await withTenant(
      sql,
      b.accountId,
      (tx) => tx`delete from ip_allowlists where account_id = ${a.accountId}`,
    );
    expect(deleted.count).toBe(0);
    await expect(
      withTenant(
        sql,
        b.accountId,
        (tx) =>
          tx`insert into users (account_id, email, name, role, password_hash) values (${a.accountId}, 'x@example.test', 'X', 'agent', 'h')`,
      ),
    ).rejects.toThrow(/row-level security/);
    expect(await sql`select cidrs from ip_allowlists where account_id = ${a.accountId}`).toEqual([
      { cidrs: ['203.0.113.0/24'] },
    ]);
  });

  it('shows nothing without a tenant, and keeps the audit trail append-only for the application role', async () => {
    const none = await sql.begin(async (tx) => {
      await tx.unsafe(`set local role ${APP_ROLE}`);
      return tx`select count(*)::int as n from users`;
    });
    expect(none[0]?.n).toBe(0);
    await expect(
      withTenant(sql, a.accountId, (tx) => tx`update audit_log set action = 'x' where account_id = ${a.accountId}`),
    ).rejects.toThrow(/permission denied|append-only/);
  });
});
