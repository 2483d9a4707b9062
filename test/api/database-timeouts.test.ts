import { createSql } from '../../src/db/client';
import { createTestApp } from '../helpers/app';
import type { TestApp } from '../helpers/app';
import { testSql } from '../helpers/db';
import { call } from '../helpers/http';
import { FIXTURE_PASSWORD, seedTenant } from '../helpers/tenants';

/** PostgreSQL's own time limits (DB_STATEMENT_TIMEOUT, DB_IDLE_IN_TRANSACTION_TIMEOUT) as the API's pool sets them. */
describe('database time limits', () => {
  let t: TestApp;
  const other = testSql();

  beforeAll(() => {
    t = createTestApp({
      sql: createSql(process.env.DATABASE_URL ?? '', {
        max: 4,
        statementTimeoutMs: 1_000,
        idleInTransactionTimeoutMs: 500,
      }),
    });
  });
  afterAll(async () => {
    await t.close();
    await other.end();
  });

  it('answers 503 DATABASE_UNAVAILABLE within the statement limit while a lock elsewhere blocks the request', async () => {
    const tenant = await seedTenant(t.deps.sql);
    const token = (
      await call(t, '/v1/auth/login', {
        body: { subdomain: tenant.subdomain, email: tenant.ownerEmail, password: FIXTURE_PASSWORD },
      })
    ).body.token as string;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    // Another session holds the users table, as a long migration or a stuck transaction would.
    const holder = other.begin(async (tx) => {
      await tx`lock table users in access exclusive mode`;
      locked();
      await released;
    });
    await isLocked;
    try {
      const started = Date.now();
      const blocked = await call(t, '/v1/agents', { token });
      const took = Date.now() - started;
      expect(blocked.status).toBe(503);
      expect(blocked.body.code).toBe('DATABASE_UNAVAILABLE');
      expect(blocked.headers.get('retry-after')).toBe('5');
      expect(took).toBeGreaterThanOrEqual(900);
      expect(took).toBeLessThan(10_000);
    } finally {
      release();
      await holder;
    }
    expect((await call(t, '/v1/agents', { token })).status).toBe(200);
  });

  it('ends a session that idles inside a transaction, so it cannot hold locks and a connection for ever', async () => {
    const outcome = await t.deps.sql
      .begin(async (tx) => {
        await tx`select 1`;
        await new Promise((r) => setTimeout(r, 1_500));
        await tx`select 1`;
      })
      .then(
        () => 'committed',
        (error: { code?: string }) => error.code ?? 'failed',
      );
    expect(outcome).not.toBe('committed');
    // The pool replaces the ended connection.
    expect(await t.deps.sql`select 1 as ok`).toEqual([{ ok: 1 }]);
  });
});
