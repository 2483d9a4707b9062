import { answeredWithin, createSql, StatementDeadlineError } from '../../src/db/client';
import type { Sql } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';
import { createTestApp } from '../helpers/app';
import type { TestApp } from '../helpers/app';
import { testConfig } from '../helpers/config';
import { call } from '../helpers/http';
import { startOwnPostgres } from '../helpers/own-postgres';
import type { OwnPostgres } from '../helpers/own-postgres';
import { FIXTURE_PASSWORD, seedTenant } from '../helpers/tenants';
import type { SeededTenant } from '../helpers/tenants';

const POOL = 4;
const REQUEST_TIMEOUT_MS = 1_500;

// A PostgreSQL of its own, stopped with SIGSTOP: it accepts connections (the kernel does) and answers nothing, as a
// server stuck on a dead disk or behind a dead network path does. Its own statement_timeout cannot fire.
describe('a frozen database', () => {
  let pg: OwnPostgres;
  let url: string;
  let t: TestApp;
  let admin: Sql;
  let tenant: SeededTenant;
  let token: string;
  const freeze = () => pg.freeze();
  const thaw = () => pg.thaw();

  beforeAll(async () => {
    pg = await startOwnPostgres(async (u) => {
      const sql = createSql(u, { max: 1 });
      await migrate(sql);
      await sql.end();
    });
    url = pg.url;
    admin = createSql(url, { max: 2 });
    const config = testConfig({ DATABASE_URL: url, REQUEST_TIMEOUT: `${REQUEST_TIMEOUT_MS}ms` });
    t = createTestApp({ config, sql: createSql(url, { max: POOL, statementTimeoutMs: 30_000 }) });
    tenant = await seedTenant(admin);
    token = (
      await call(t, '/v1/auth/login', {
        body: { subdomain: tenant.subdomain, email: tenant.ownerEmail, password: FIXTURE_PASSWORD },
      })
    ).body.token as string;
  }, 120_000);

  afterEach(() => thaw());

  afterAll(async () => {
    await t?.close();
    await admin?.end({ timeout: 1 });
    await pg?.stop();
  });

  it('answers every request 503 SERVICE_TIMEOUT within REQUEST_TIMEOUT, three times the pool at once', async () => {
    freeze();
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: POOL * 3 }, () => call(t, '/v1/agents', { token }).then((r) => ({ ...r, at: Date.now() }))),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(answer.body.code).toBe('SERVICE_TIMEOUT');
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(answer.at - started).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
      expect(answer.at - started).toBeLessThan(REQUEST_TIMEOUT_MS + 3_000);
    }
    thaw();
    // The abandoned requests finish or fail once the server answers; the pool serves again, no restart.
    const deadline = Date.now() + 15_000;
    let after = await call(t, '/v1/agents', { token });
    while (after.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      after = await call(t, '/v1/agents', { token });
    }
    expect(after.status).toBe(200);
  }, 60_000);

  it('commits nothing of a request it answered 503, even when the database comes back and runs it', async () => {
    const before = await admin`select count(*)::int as n from contacts where account_id = ${tenant.accountId}`;
    freeze();
    const answer = await call(t, '/v1/contacts', { token, body: { email: 'late@example.com', name: 'Late' } });
    expect(answer.status).toBe(503);
    thaw();
    // Let the abandoned request run to its end against the live server.
    await new Promise((r) => setTimeout(r, 2_000));
    const after = await admin`select count(*)::int as n from contacts where account_id = ${tenant.accountId}`;
    expect(after).toEqual(before);
    // The same request, now in time, is applied.
    expect((await call(t, '/v1/contacts', { token, body: { email: 'late@example.com', name: 'Late' } })).status).toBe(
      201,
    );
  }, 60_000);

  it('gives up on an erasure batch after its own limit, at once, while the server answers nothing', async () => {
    const sql = createSql(url, { max: 1 });
    try {
      freeze();
      const started = Date.now();
      await expect(answeredWithin(sql`select 1 as one`, 500)).rejects.toBeInstanceOf(StatementDeadlineError);
      expect(Date.now() - started).toBeLessThan(2_000);
      thaw();
    } finally {
      thaw();
      await sql.end({ timeout: 1 });
    }
  }, 30_000);
});
