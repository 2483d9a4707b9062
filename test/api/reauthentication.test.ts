import { createSql } from '../../src/db/client';
import { LOCK_SCHEDULE } from '../../src/domain/login-throttle';
import { totpCodeAt, TOTP_STEP_SECONDS } from '../../src/security/totp';
import { createTestApp, useAppWithFreshTenant } from '../helpers/app';
import type { TestApp } from '../helpers/app';
import { truncateAll } from '../helpers/db';
import { call } from '../helpers/http';
import { awayFromStepBoundary, now } from '../helpers/totp';
import { databaseDigest, FIXTURE_PASSWORD, seedTenant } from '../helpers/tenants';
import type { SeededTenant } from '../helpers/tenants';

const ALLOWANCE = LOCK_SCHEDULE.findIndex((seconds) => seconds > 0) + 1;
const WRONG = 'not the password at all';

describe('re-authentication of sensitive acts', () => {
  let t: TestApp;
  let tenant: SeededTenant;

  useAppWithFreshTenant(
    (app) => (t = app),
    (seeded) => {
      tenant = seeded;
    },
  );

  const loginAs = async (x: SeededTenant, totp?: string) =>
    (
      await call(t, '/v1/auth/login', {
        body: { subdomain: x.subdomain, email: x.ownerEmail, password: FIXTURE_PASSWORD, totp },
      })
    ).body.token as string;

  /** Turns 2FA on for the session's user, confirmed with the previous step's code so the current one stays fresh. */
  async function enrol(token: string): Promise<string> {
    const secret = (await call(t, '/v1/me/2fa', { body: { password: FIXTURE_PASSWORD }, token })).body.secret as string;
    const confirmed = await call(t, '/v1/me/2fa/confirm', {
      body: { code: totpCodeAt(secret, now() - TOTP_STEP_SECONDS), password: FIXTURE_PASSWORD },
      token,
    });
    expect(confirmed.status).toBe(200);
    return secret;
  }

  const ACTS = [
    { name: 'creating an API token', method: 'POST', path: '/v1/me/api-tokens', body: { name: 'ci' } },
    { name: 'starting 2FA enrolment', method: 'POST', path: '/v1/me/2fa', body: {} },
    { name: 'confirming 2FA', method: 'POST', path: '/v1/me/2fa/confirm', body: { code: '123456' } },
    { name: 'turning 2FA off', method: 'DELETE', path: '/v1/me/2fa', body: {} },
  ];

  it.each(ACTS)('refuses $name without the password (400) or with a wrong one (401), changing nothing', async (act) => {
    const token = await loginAs(tenant);
    const before = await databaseDigest(t.deps.sql);
    const missing = await call(t, act.path, { method: act.method, body: act.body, token });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'password' }] });
    expect(await databaseDigest(t.deps.sql)).toEqual(before);
    const wrong = await call(t, act.path, { method: act.method, body: { ...act.body, password: WRONG }, token });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    const tokens = await t.deps.sql`select 1 from api_tokens where user_id = ${tenant.ownerId}`;
    const [user] = await t.deps.sql`select totp_pending_sealed from users where id = ${tenant.ownerId}`;
    expect({ tokens: tokens.length, pending: user?.totpPendingSealed ?? null }).toEqual({ tokens: 0, pending: null });
  });

  it('asks for a fresh TOTP code besides the password once 2FA is on, also for a password change', async () => {
    await awayFromStepBoundary();
    const token = await loginAs(tenant);
    const secret = await enrol(token);
    const create = (body: Record<string, unknown>) =>
      call(t, '/v1/me/api-tokens', { body: { name: 'ci', password: FIXTURE_PASSWORD, ...body }, token });
    expect((await create({})).body.code).toBe('TOTP_REQUIRED');
    expect((await create({ totp: totpCodeAt(secret, now() - TOTP_STEP_SECONDS) })).body.code).toBe('TOTP_INVALID');
    const fresh = totpCodeAt(secret, now());
    expect((await create({ totp: fresh })).status).toBe(201);
    expect((await create({ totp: fresh })).body.code).toBe('TOTP_INVALID');
    const change = await call(t, '/v1/me/password', {
      body: { currentPassword: FIXTURE_PASSWORD, newPassword: 'a brand new passphrase' },
      token,
    });
    expect(change.body.code).toBe('TOTP_REQUIRED');
  });

  it('throttles re-checks per user across routes and addresses, with a growing lock and audited failures', async () => {
    const token = await loginAs(tenant);
    const other = await seedTenant(t.deps.sql, { agents: 0, sessionsPerUser: 0 });
    const otherToken = await loginAs(other);
    const createToken = (password: string, as = token, ip?: string) =>
      call(t, '/v1/me/api-tokens', { body: { name: 'ci', password }, token: as, ip });
    for (let i = 0; i < ALLOWANCE; i++) expect((await createToken(WRONG)).status).toBe(401);

    const locked = await createToken(FIXTURE_PASSWORD, token, '192.0.2.99');
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(20);
    const deletion = await call(t, `/v1/accounts/${tenant.accountId}/deletion`, {
      body: { confirm: tenant.subdomain, password: FIXTURE_PASSWORD },
      token,
    });
    expect(deletion.status).toBe(429);
    expect(deletion.headers.has('retry-after')).toBe(true);
    expect((await createToken(FIXTURE_PASSWORD, otherToken)).status).toBe(201);
    // Re-checks are not sign-ins: the account's login is not locked by them.
    expect(await loginAs(tenant)).toMatch(/^lsess_/);

    const [throttle] = await t.deps.sql`
      select failures, extract(epoch from locked_until - now())::int as seconds from login_throttles
      where account_id = ${tenant.accountId} and client_ip = ${`reauth:${tenant.ownerId}`}`;
    expect(throttle?.failures).toBe(ALLOWANCE);
    expect(throttle?.seconds).toBeGreaterThan(LOCK_SCHEDULE[ALLOWANCE - 1]! - 5);
    const audit = await t.deps.sql<{ action: string; n: number }[]>`
      select action, count(*)::int as n from audit_log where account_id = ${tenant.accountId}
        and action like 'auth.reauth%' group by action order by action`;
    expect(audit).toEqual([
      { action: 'auth.reauth_failed', n: ALLOWANCE },
      { action: 'auth.reauth_throttled', n: 2 },
    ]);
  });

  it('counts wrong TOTP codes of the owner’s deletion against the same per-user lock', async () => {
    await awayFromStepBoundary();
    const token = await loginAs(tenant);
    const secret = await enrol(token);
    const used = totpCodeAt(secret, now() - TOTP_STEP_SECONDS);
    const body = { confirm: tenant.subdomain, password: FIXTURE_PASSWORD, totp: used };
    const path = `/v1/accounts/${tenant.accountId}/deletion`;
    for (let i = 0; i < ALLOWANCE; i++) expect((await call(t, path, { body, token })).body.code).toBe('TOTP_INVALID');
    const fresh = { ...body, totp: totpCodeAt(secret, now()) };
    expect((await call(t, path, { body: fresh, token })).status).toBe(429);
    const [account] = await t.deps.sql`select state from accounts where id = ${tenant.accountId}`;
    expect(account?.state).toBe('trial');
  });

  it('evaluates no more of 20 concurrent wrong re-checks than the sequential rule allows', async () => {
    const token = await loginAs(tenant);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => call(t, '/v1/me/api-tokens', { body: { name: 'ci', password: WRONG }, token })),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(ALLOWANCE);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - ALLOWANCE);
  });
});

describe('re-authenticated routes under a small connection pool', () => {
  const POOL = 4;
  let t: TestApp;

  beforeAll(() => {
    t = createTestApp({ sql: createSql(process.env.DATABASE_URL ?? '', { max: POOL }) });
  });
  afterAll(() => t.close());

  it('finish three times the pool’s worth of concurrent requests without a second connection per request', async () => {
    await truncateAll(t.deps.sql);
    const tenants = await Promise.all(
      Array.from({ length: 3 * POOL }, () => seedTenant(t.deps.sql, { agents: 0, sessionsPerUser: 0 })),
    );
    const sessions: { tenant: SeededTenant; token: string; secret: string; used: string }[] = [];
    for (const tenant of tenants) {
      const token = (
        await call(t, '/v1/auth/login', {
          body: { subdomain: tenant.subdomain, email: tenant.ownerEmail, password: FIXTURE_PASSWORD },
        })
      ).body.token as string;
      const secret = (await call(t, '/v1/me/2fa', { body: { password: FIXTURE_PASSWORD }, token })).body
        .secret as string;
      const used = totpCodeAt(secret, now() - TOTP_STEP_SECONDS);
      await call(t, '/v1/me/2fa/confirm', { body: { code: used, password: FIXTURE_PASSWORD }, token });
      sessions.push({ tenant, token, secret, used });
    }
    const requests = sessions.map(({ tenant, token, secret, used }, i) => {
      const fresh = totpCodeAt(secret, now());
      if (i % 3 === 0) {
        return call(t, '/v1/me/2fa', { method: 'DELETE', body: { password: FIXTURE_PASSWORD, totp: fresh }, token });
      }
      if (i % 3 === 1) {
        return call(t, '/v1/me/api-tokens', { body: { name: 'ci', password: FIXTURE_PASSWORD, totp: fresh }, token });
      }
      // The code confirmation used: refused after the password and TOTP look-ups, before Temporal is asked anything.
      return call(t, `/v1/accounts/${tenant.accountId}/deletion`, {
        body: { confirm: tenant.subdomain, password: FIXTURE_PASSWORD, totp: used },
        token,
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'hung'>((resolve) => {
      timer = setTimeout(() => resolve('hung'), 20_000);
    });
    const outcome = await Promise.race([Promise.all(requests), deadline]);
    clearTimeout(timer);
    expect(outcome).not.toBe('hung');
    const statuses = (outcome as { status: number }[]).map((r) => r.status);
    expect(statuses).toEqual(sessions.map((_, i) => [204, 201, 401][i % 3]));
  });
});
