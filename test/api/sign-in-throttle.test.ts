import { LOCK_SCHEDULE } from '../../src/domain/login-throttle';
import { useAppWithFreshTenant } from '../helpers/app';
import type { TestApp } from '../helpers/app';
import { call } from '../helpers/http';
import { FIXTURE_PASSWORD, suspendTenant } from '../helpers/tenants';
import type { SeededTenant } from '../helpers/tenants';

/** Guesses the sequential rule evaluates before the first lock: the free failures, the last of which locks. */
const ALLOWANCE = LOCK_SCHEDULE.findIndex((seconds) => seconds > 0) + 1;
const WRONG = 'not the password at all';

describe('password sign-in: login and HTTP Basic share one throttle, audit and answer', () => {
  let t: TestApp;
  let tenant: SeededTenant;

  useAppWithFreshTenant(
    (app) => (t = app),
    (seeded) => {
      tenant = seeded;
    },
  );

  const login = (ip: string, body: Record<string, unknown> = {}) =>
    call(t, '/v1/auth/login', {
      body: { subdomain: tenant.subdomain, email: tenant.ownerEmail, password: FIXTURE_PASSWORD, ...body },
      ip,
    });
  const basic = (ip: string, { email = tenant.ownerEmail, password = FIXTURE_PASSWORD } = {}) =>
    call(t, '/v1/agents', {
      headers: {
        authorization: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`,
        'lethe-account': tenant.subdomain,
      },
      ip,
    });
  const auditCounts = async () => {
    const rows = await t.deps.sql<{ action: string; n: number }[]>`
      select action, count(*)::int as n from audit_log where account_id = ${tenant.accountId} group by action`;
    return Object.fromEntries(rows.map((r) => [r.action, r.n]));
  };
  /** What a client can tell two answers apart by. */
  const shape = (res: { status: number; body: any; headers: Headers }) => ({
    status: res.status,
    code: res.body?.code,
    title: res.body?.title,
    retryAfter: res.headers.has('retry-after'),
  });

  it('doubles the lock with each further failure up to 15 minutes, as Retry-After tells, through HTTP', async () => {
    const ip = '203.0.113.90';
    /** Lets the running lock pass, as the clock would. */
    const waitOutTheLock = () =>
      t.deps.sql`update login_throttles set locked_until = now() - interval '1 second'
                 where account_id = ${tenant.accountId} and locked_until is not null`;
    const retryAfters: number[] = [];
    const statuses: number[] = [];
    while (retryAfters.length < 7) {
      const res = await login(ip, { password: WRONG });
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfters.push(Number(res.headers.get('retry-after')));
        await waitOutTheLock();
      }
    }
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 429]);
    // Five free failures (the fifth locks), then 30 s doubling to the 15-minute cap, where it stays.
    expect(retryAfters).toEqual([30, 60, 120, 240, 480, 900, 900]);
    // The right password after the last lock signs in and clears the count.
    await waitOutTheLock();
    expect((await login(ip)).status).toBe(200);
    expect(await t.deps.sql`select 1 from login_throttles where account_id = ${tenant.accountId}`).toEqual([]);
  });

  it('counts Basic password failures against the login’s lock and audits them the same way', async () => {
    const ip = '203.0.113.21';
    for (let i = 0; i < 3; i++) expect((await basic(ip, { password: WRONG })).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await login(ip, { password: WRONG })).status).toBe(401);
    const byBasic = await basic(ip);
    expect(byBasic.status).toBe(429);
    expect(byBasic.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(byBasic.headers.get('retry-after'))).toBeGreaterThan(20);
    expect(shape(await login(ip))).toEqual(shape(byBasic));
    expect(await auditCounts()).toEqual({ 'auth.login_failed': 5, 'auth.login_throttled': 2 });

    const elsewhere = '203.0.113.22';
    expect((await basic(elsewhere)).status).toBe(200);
    expect((await auditCounts())['auth.login']).toBe(1);
  });

  it('evaluates no more of 100 concurrent wrong passwords (login and Basic) than the sequential rule allows', async () => {
    const ip = '203.0.113.23';
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        i % 2 === 0 ? login(ip, { password: WRONG }) : basic(ip, { password: WRONG }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(ALLOWANCE);
    expect(statuses.filter((s) => s === 429)).toHaveLength(100 - ALLOWANCE);
    expect((await auditCounts())['auth.login_failed']).toBe(ALLOWANCE);
    const [throttle] = await t.deps.sql`select failures from login_throttles where account_id = ${tenant.accountId}`;
    expect(throttle?.failures).toBe(ALLOWANCE);
    expect((await login(ip)).status).toBe(429);
  });

  it('lets as many concurrent right passwords as the rule allows sign in, and leaves no lock behind', async () => {
    const ip = '203.0.113.26';
    const both = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? login(ip) : basic(ip)));
    for (let round = 0; round < 10; round++) {
      expect((await Promise.all(both(ALLOWANCE))).map((a) => a.status)).toEqual(Array(ALLOWANCE).fill(200));
    }
    // The outcome of an attempt is unknown until its hash is checked, so no more than the allowance are in flight.
    const crowd = (await Promise.all(both(30))).map((a) => a.status);
    expect(crowd.filter((s) => s === 200).length).toBeGreaterThanOrEqual(ALLOWANCE);
    expect(crowd.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect((await login(ip)).status).toBe(200);
  });

  it('gives an unknown email the same answer as a known one while the address is locked, and locks both', async () => {
    const ip = '203.0.113.24';
    for (let i = 0; i < ALLOWANCE; i++) await login(ip, { email: 'nobody@example.test', password: WRONG });
    const known = await login(ip);
    const unknown = await login(ip, { email: 'nobody@example.test' });
    expect(shape(known)).toEqual({ status: 429, code: 'TOO_MANY_ATTEMPTS', title: known.body.title, retryAfter: true });
    expect(shape(unknown)).toEqual(shape(known));
    expect(shape(await basic(ip, { email: 'nobody@example.test' }))).toEqual(shape(await basic(ip)));
    const counts = await auditCounts();
    expect(counts['auth.login_failed']).toBe(ALLOWANCE);
    expect(counts['auth.login_throttled']).toBe(4);
  });

  it('gives an unknown email the same answer as a known one from outside the allow-list', async () => {
    const owner = (await login('203.0.113.7')).body.token as string;
    const put = await call(t, `/v1/accounts/${tenant.accountId}/ip-allowlist`, {
      method: 'PUT',
      body: { cidrs: ['203.0.113.0/24'] },
      token: owner,
      ip: '203.0.113.7',
    });
    expect(put.status).toBe(200);
    const outside = '198.51.100.77';
    const known = await login(outside);
    expect(shape(known)).toEqual({ status: 403, code: 'IP_NOT_ALLOWED', title: known.body.title, retryAfter: false });
    expect(shape(await login(outside, { email: 'nobody@example.test' }))).toEqual(shape(known));
    expect(shape(await login(outside, { email: 'nobody@example.test', password: WRONG }))).toEqual(shape(known));
    expect(shape(await basic(outside, { email: 'nobody@example.test' }))).toEqual(shape(await basic(outside)));
    // Refused before any password is evaluated: nothing counts against the address.
    expect(await t.deps.sql`select 1 from login_throttles where account_id = ${tenant.accountId}`).toHaveLength(0);
    expect((await auditCounts())['auth.login_refused_ip']).toBe(5);
  });

  it('keeps telling the owner of a suspended account why, however often they sign in with the right password', async () => {
    await suspendTenant(t.deps.sql, tenant.accountId);
    const ip = '203.0.113.25';
    const codes: string[] = [];
    for (let i = 0; i < ALLOWANCE + 2; i++) codes.push((await login(ip)).body.code as string);
    expect(new Set(codes)).toEqual(new Set(['ACCOUNT_SUSPENDED']));
  });
});
