import { lockSeconds } from '../../src/domain/login-throttle';
import { totpCodeAt, TOTP_STEP_SECONDS } from '../../src/security/totp';
import { createTestApp, useAppWithFreshTenant } from '../helpers/app';
import type { TestApp } from '../helpers/app';
import { testConfig } from '../helpers/config';
import { call } from '../helpers/http';
import { awayFromStepBoundary, now } from '../helpers/totp';
import { FIXTURE_PASSWORD, suspendTenant } from '../helpers/tenants';
import type { SeededTenant } from '../helpers/tenants';

describe('sign-in and access security', () => {
  let t: TestApp;
  let tenant: SeededTenant;

  useAppWithFreshTenant(
    (app) => (t = app),
    (seeded) => {
      tenant = seeded;
    },
  );

  const login = (body: Record<string, unknown>, ip?: string) =>
    call(t, '/v1/auth/login', {
      body: { subdomain: tenant.subdomain, email: tenant.ownerEmail, password: FIXTURE_PASSWORD, ...body },
      ip,
    });
  const ownerToken = async () => (await login({})).body.token as string;

  describe('login', () => {
    it('gives the same answer for an unknown email and a wrong password, and a session that logout revokes', async () => {
      const unknown = await login({ email: 'nobody@example.test' });
      const wrong = await login({ password: 'not the password!' });
      expect([unknown.status, wrong.status]).toEqual([401, 401]);
      expect(unknown.body.code).toBe('INVALID_CREDENTIALS');
      expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
      expect(unknown.body.title).toBe(wrong.body.title);

      const ok = await login({});
      expect(ok.status).toBe(200);
      expect(ok.body.token).toMatch(/^lsess_/);
      expect(Date.parse(ok.body.expiresAt)).toBeGreaterThan(Date.now());
      expect((await call(t, '/v1/agents', { token: ok.body.token })).status).toBe(200);
      expect((await call(t, '/v1/auth/logout', { method: 'POST', token: ok.body.token })).status).toBe(204);
      expect((await call(t, '/v1/agents', { token: ok.body.token })).status).toBe(401);
    });

    it('throttles repeated failures per account and address with a growing Retry-After, and audits them', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await login({ password: 'guess guess guess' }, '203.0.113.9')).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
      const locked = await login({}, '203.0.113.9');
      expect(locked.status).toBe(429);
      expect(locked.body.code).toBe('TOO_MANY_ATTEMPTS');
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(20);
      // Another address is not locked out by someone else's guessing.
      expect((await login({}, '203.0.113.10')).status).toBe(200);
      const [failed] = await t.deps
        .sql`select count(*)::int as n from audit_log where account_id = ${tenant.accountId} and action = 'auth.login_failed'`;
      expect(failed?.n).toBe(5);
    });

    it('lets nine guesses through in the first 15 minutes and four an hour after that', () => {
      const guessesWithin = (seconds: number) => {
        let time = 0;
        let failures = 0;
        while (time <= seconds) {
          failures += 1;
          time += lockSeconds(failures);
        }
        return failures;
      };
      expect(guessesWithin(15 * 60)).toBe(9);
      expect(guessesWithin(75 * 60) - guessesWithin(15 * 60)).toBe(4);
    });
  });

  describe('TOTP 2FA', () => {
    async function enrolOwner(token: string): Promise<{ secret: string; recoveryCodes: string[] }> {
      const enrolment = await call(t, '/v1/me/2fa', { body: { password: FIXTURE_PASSWORD }, token });
      expect(enrolment.status).toBe(200);
      expect(enrolment.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
      expect(enrolment.body.qrSvg).toContain('<svg');
      const secret = enrolment.body.secret as string;
      // Confirm with the previous step's code, so the current step's code is still fresh for the tests below.
      const confirmed = await call(t, '/v1/me/2fa/confirm', {
        body: { code: totpCodeAt(secret, now() - TOTP_STEP_SECONDS), password: FIXTURE_PASSWORD },
        token,
      });
      expect(confirmed.status).toBe(200);
      expect(confirmed.body.recoveryCodes).toHaveLength(10);
      return { secret, recoveryCodes: confirmed.body.recoveryCodes };
    }

    it('requires a code at login, accepts it once, refuses older steps, and never shows the secret again', async () => {
      await awayFromStepBoundary();
      const session = await ownerToken();
      const { secret } = await enrolOwner(session);
      expect((await login({})).body.code).toBe('TOTP_REQUIRED');
      const code = totpCodeAt(secret, now());
      expect((await login({ totp: code })).status).toBe(200);
      expect((await login({ totp: code })).body.code).toBe('TOTP_INVALID');
      expect((await login({ totp: totpCodeAt(secret, now() - 2 * TOTP_STEP_SECONDS) })).body.code).toBe('TOTP_INVALID');
      const [row] = await t.deps.sql`select totp_secret_sealed from users where id = ${tenant.ownerId}`;
      expect(Buffer.from(row?.totpSecretSealed as Buffer).includes(Buffer.from(secret))).toBe(false);
      // Enrolling again with a live session does not hand out the secret (nor a new one): it needs a fresh code,
      // and this step's was just used.
      const again = await call(t, '/v1/me/2fa', { body: { password: FIXTURE_PASSWORD }, token: session });
      expect(again).toMatchObject({ status: 401, body: { code: 'TOTP_REQUIRED' } });
      expect(JSON.stringify(again.body)).not.toContain(secret);
      const [after] = await t.deps.sql`select totp_secret_sealed from users where id = ${tenant.ownerId}`;
      expect(after?.totpSecretSealed).toEqual(row?.totpSecretSealed);
    });

    it('accepts each recovery code once', async () => {
      await awayFromStepBoundary();
      const { recoveryCodes } = await enrolOwner(await ownerToken());
      const code = recoveryCodes[0]!;
      expect((await login({ recoveryCode: code.toUpperCase() })).status).toBe(200);
      expect((await login({ recoveryCode: code })).body.code).toBe('TOTP_INVALID');
      expect((await login({ recoveryCode: recoveryCodes[1] })).status).toBe(200);
    });

    it('turns off only with the password and a fresh code', async () => {
      await awayFromStepBoundary();
      const token = await ownerToken();
      const { secret } = await enrolOwner(token);
      const off = (body: Record<string, unknown>) =>
        call(t, '/v1/me/2fa', { method: 'DELETE', body: { password: FIXTURE_PASSWORD, ...body }, token });
      const stale = totpCodeAt(secret, now() - TOTP_STEP_SECONDS);
      expect((await off({ totp: stale })).body.code).toBe('TOTP_INVALID');
      expect((await off({})).body.code).toBe('TOTP_REQUIRED');
      expect((await off({ password: 'not the password!', totp: totpCodeAt(secret, now()) })).body.code).toBe(
        'INVALID_CREDENTIALS',
      );
      expect((await off({ totp: totpCodeAt(secret, now()) })).status).toBe(204);
      expect((await login({})).status).toBe(200);
      const [row] = await t.deps.sql`select totp_secret_sealed from users where id = ${tenant.ownerId}`;
      expect(row?.totpSecretSealed).toBeNull();
    });
  });

  describe('owner deletion with 2FA', () => {
    it('needs a fresh code on top of the password, and changes nothing without one', async () => {
      await awayFromStepBoundary();
      const token = await ownerToken();
      const enrolment = await call(t, '/v1/me/2fa', { body: { password: FIXTURE_PASSWORD }, token });
      const secret = enrolment.body.secret as string;
      await call(t, '/v1/me/2fa/confirm', {
        body: { code: totpCodeAt(secret, now()), password: FIXTURE_PASSWORD },
        token,
      });
      const path = `/v1/accounts/${tenant.accountId}/deletion`;
      const body = { confirm: tenant.subdomain, password: FIXTURE_PASSWORD };
      expect((await call(t, path, { body, token })).body.code).toBe('TOTP_REQUIRED');
      const used = totpCodeAt(secret, now());
      expect((await call(t, path, { body: { ...body, totp: used }, token })).body.code).toBe('TOTP_INVALID');
      const [account] = await t.deps.sql`select state from accounts where id = ${tenant.accountId}`;
      expect(account?.state).toBe('trial');
    });
  });

  describe('API tokens and Basic auth', () => {
    it('creates a token shown once, lists it without the secret, accepts it as Bearer and Basic, and stops it at once on revoke', async () => {
      const session = await ownerToken();
      const created = await call(t, '/v1/me/api-tokens', {
        body: { name: 'ci', password: FIXTURE_PASSWORD },
        token: session,
      });
      expect(created.status).toBe(201);
      const token = created.body.token as string;
      expect(token).toMatch(/^lapi_/);
      const listed = await call(t, '/v1/me/api-tokens', { token: session });
      expect(JSON.stringify(listed.body)).not.toContain(token);
      expect(listed.body.tokens[0]).toMatchObject({ id: created.body.id, name: 'ci', prefix: token.slice(0, 12) });

      expect((await call(t, '/v1/agents', { token })).status).toBe(200);
      const basic = (secret: string, account = tenant.subdomain) => ({
        authorization: `Basic ${Buffer.from(`${tenant.ownerEmail}:${secret}`).toString('base64')}`,
        'lethe-account': account,
      });
      expect((await call(t, '/v1/agents', { headers: basic(token) })).status).toBe(200);
      expect((await call(t, '/v1/agents', { headers: basic(FIXTURE_PASSWORD) })).status).toBe(200);
      expect((await call(t, '/v1/agents', { headers: basic(FIXTURE_PASSWORD, 'other-tenant') })).status).toBe(401);
      expect((await call(t, '/v1/agents', { headers: { authorization: basic(token).authorization } })).status).toBe(
        401,
      );

      expect((await call(t, `/v1/me/api-tokens/${created.body.id}`, { method: 'DELETE', token: session })).status).toBe(
        204,
      );
      expect((await call(t, '/v1/agents', { token })).status).toBe(401);
      expect((await call(t, '/v1/agents', { headers: basic(token) })).status).toBe(401);
    });

    it('refuses Basic with a password for a user with 2FA, but not with an API token', async () => {
      await awayFromStepBoundary();
      const session = await ownerToken();
      const token = (
        await call(t, '/v1/me/api-tokens', { body: { name: 'ci', password: FIXTURE_PASSWORD }, token: session })
      ).body.token as string;
      const secret = (await call(t, '/v1/me/2fa', { body: { password: FIXTURE_PASSWORD }, token: session })).body
        .secret as string;
      await call(t, '/v1/me/2fa/confirm', {
        body: { code: totpCodeAt(secret, now()), password: FIXTURE_PASSWORD },
        token: session,
      });
      const basic = (s: string) => ({
        authorization: `Basic ${Buffer.from(`${tenant.ownerEmail}:${s}`).toString('base64')}`,
        'lethe-account': tenant.subdomain,
      });
      expect((await call(t, '/v1/agents', { headers: basic(FIXTURE_PASSWORD) })).body.code).toBe(
        'BASIC_PASSWORD_WITH_2FA',
      );
      expect((await call(t, '/v1/agents', { headers: basic(token) })).status).toBe(200);
    });

    it('stops every credential of a suspended account', async () => {
      const session = await ownerToken();
      const token = (
        await call(t, '/v1/me/api-tokens', { body: { name: 'ci', password: FIXTURE_PASSWORD }, token: session })
      ).body.token as string;
      await suspendTenant(t.deps.sql, tenant.accountId);
      expect((await call(t, '/v1/agents', { token: session })).status).toBe(401);
      const byToken = await call(t, '/v1/agents', { token });
      expect(byToken).toMatchObject({ status: 403, body: { code: 'ACCOUNT_SUSPENDED' } });
      expect((await login({})).body.code).toBe('ACCOUNT_SUSPENDED');
    });

    it('revokes every other session and every API token on a password change, and says how many', async () => {
      const mine = await ownerToken();
      const other = await ownerToken();
      const apiToken = (
        await call(t, '/v1/me/api-tokens', { body: { name: 'ci', password: FIXTURE_PASSWORD }, token: mine })
      ).body.token as string;
      const changed = await call(t, '/v1/me/password', {
        body: { currentPassword: FIXTURE_PASSWORD, newPassword: 'a brand new passphrase' },
        token: mine,
      });
      expect(changed).toMatchObject({ status: 200, body: { revokedSessions: 1, revokedApiTokens: 1 } });
      expect((await call(t, '/v1/agents', { token: mine })).status).toBe(200);
      expect((await call(t, '/v1/agents', { token: other })).status).toBe(401);
      expect((await call(t, '/v1/agents', { token: apiToken })).status).toBe(401);
      expect((await login({})).status).toBe(401);
      expect((await login({ password: 'a brand new passphrase' })).status).toBe(200);
    });
  });

  describe('agents and roles', () => {
    it('lets owners and admins add users, not agents; refuses a taken email and weak passwords without echoing them', async () => {
      const owner = await ownerToken();
      const admin = await call(t, '/v1/agents', {
        body: { email: 'admin@example.test', name: 'Ad Min', role: 'admin', password: FIXTURE_PASSWORD },
        token: owner,
      });
      expect(admin.status).toBe(201);
      const adminToken = (await login({ email: 'admin@example.test' })).body.token as string;
      expect(
        (
          await call(t, '/v1/agents', {
            body: { email: 'agent@example.test', name: 'A', role: 'agent', password: FIXTURE_PASSWORD },
            token: adminToken,
          })
        ).status,
      ).toBe(201);
      const agentToken = (await login({ email: 'agent@example.test' })).body.token as string;
      expect(
        (
          await call(t, '/v1/agents', {
            body: { email: 'x@example.test', name: 'X', role: 'agent', password: FIXTURE_PASSWORD },
            token: agentToken,
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await call(t, '/v1/agents', {
            body: { email: 'ADMIN@example.test', name: 'Dup', role: 'agent', password: FIXTURE_PASSWORD },
            token: owner,
          })
        ).body.code,
      ).toBe('EMAIL_TAKEN');
      const weak = await call(t, '/v1/agents', {
        body: { email: 'w@example.test', name: 'W', role: 'agent', password: 'hunter2' },
        token: owner,
      });
      expect(weak.status).toBe(400);
      expect(JSON.stringify(weak.body)).not.toContain('hunter2');
      expect(
        (
          await call(t, '/v1/agents', {
            body: { email: 'o@example.test', name: 'O', role: 'owner', password: FIXTURE_PASSWORD },
            token: owner,
          })
        ).status,
      ).toBe(400);
      const list = await call(t, '/v1/agents', { token: agentToken });
      expect(list.body.agents.map((a: { role: string }) => a.role)).toEqual(['owner', 'admin', 'agent']);
    });
  });

  describe('IP allow-list', () => {
    const put = (token: string, body: unknown, ip?: string) =>
      call(t, `/v1/accounts/${tenant.accountId}/ip-allowlist`, { method: 'PUT', body, token, ip });

    it('validates ranges, guards against locking oneself out, and enforces IPv4 and IPv6 ranges on every request', async () => {
      const token = await ownerToken();
      expect((await put(token, { cidrs: ['203.0.113.0/24', 'not-a-cidr'] })).status).toBe(400);
      expect((await put(token, { cidrs: ['203.0.113.0/24'] })).body.code).toBe('WOULD_LOCK_OUT');
      expect((await put(token, { cidrs: ['203.0.113.0/24', '2001:db8::/32'] }, '203.0.113.7')).status).toBe(200);
      expect((await call(t, '/v1/agents', { token, ip: '203.0.113.200' })).status).toBe(200);
      expect((await call(t, '/v1/agents', { token, ip: '2001:db8::1' })).status).toBe(200);
      expect((await call(t, '/v1/agents', { token, ip: '::ffff:203.0.113.5' })).status).toBe(200);
      expect((await call(t, '/v1/agents', { token, ip: '198.51.100.10' })).body.code).toBe('IP_NOT_ALLOWED');
      expect((await call(t, '/v1/agents', { token, ip: '2001:db9::1' })).status).toBe(403);
      expect((await login({}, '198.51.100.10')).body.code).toBe('IP_NOT_ALLOWED');
      // A spoofed X-Forwarded-For from a peer that is not a trusted proxy changes nothing.
      const spoofed = await call(t, '/v1/agents', {
        token,
        ip: '198.51.100.10',
        headers: { 'x-forwarded-for': '203.0.113.7' },
      });
      expect(spoofed.status).toBe(403);
      expect((await put(token, { cidrs: ['192.0.2.0/24'], force: true }, '203.0.113.7')).status).toBe(200);
      expect(
        (await call(t, '/v1/accounts/' + tenant.accountId + '/ip-allowlist', { token, ip: '192.0.2.1' })).body,
      ).toEqual({ cidrs: ['192.0.2.0/24'] });
    });

    it('believes X-Forwarded-For only from trusted proxies, taking the right-most untrusted hop', async () => {
      const proxied = createTestApp({ config: testConfig({ TRUSTED_PROXIES: '10.0.0.0/8' }) });
      try {
        const token = (
          await call(proxied, '/v1/auth/login', {
            body: { subdomain: tenant.subdomain, email: tenant.ownerEmail, password: FIXTURE_PASSWORD },
          })
        ).body.token as string;
        await call(proxied, `/v1/accounts/${tenant.accountId}/ip-allowlist`, {
          method: 'PUT',
          body: { cidrs: ['203.0.113.0/24'], force: true },
          token,
        });
        const via = (xff: string) =>
          call(proxied, '/v1/agents', { token, ip: '10.1.2.3', headers: { 'x-forwarded-for': xff } });
        expect((await via('203.0.113.7')).status).toBe(200);
        expect((await via('203.0.113.7, 10.9.9.9')).status).toBe(200);
        expect((await via('203.0.113.7, 198.51.100.1')).status).toBe(403);
      } finally {
        await proxied.close();
      }
    });
  });

  describe('audit trail', () => {
    it('records each security-relevant action exactly once, without personal data', async () => {
      await awayFromStepBoundary();
      const token = await ownerToken();
      await login({ password: 'wrong password!!' });
      const secret = (await call(t, '/v1/me/2fa', { body: { password: FIXTURE_PASSWORD }, token })).body
        .secret as string;
      const previousStep = totpCodeAt(secret, now() - TOTP_STEP_SECONDS);
      await call(t, '/v1/me/2fa/confirm', { body: { code: previousStep, password: FIXTURE_PASSWORD }, token });
      const apiToken = (
        await call(t, '/v1/me/api-tokens', {
          body: { name: 'ci', password: FIXTURE_PASSWORD, totp: totpCodeAt(secret, now()) },
          token,
        })
      ).body.id as string;
      await call(t, `/v1/me/api-tokens/${apiToken}`, { method: 'DELETE', token });
      await call(t, `/v1/accounts/${tenant.accountId}/ip-allowlist`, { method: 'PUT', body: { cidrs: [] }, token });
      await call(t, '/v1/agents', {
        body: { email: 'new@example.test', name: 'New Agent', role: 'agent', password: FIXTURE_PASSWORD },
        token,
      });
      const rows = await t.deps.sql<{ action: string; n: number }[]>`
        select action, count(*)::int as n from audit_log where account_id = ${tenant.accountId} group by action`;
      const counts = Object.fromEntries(rows.map((r) => [r.action, r.n]));
      expect(counts).toMatchObject({
        'auth.login': 1,
        'auth.login_failed': 1,
        'user.2fa_enrolment_started': 1,
        'user.2fa_enabled': 1,
        'user.api_token_created': 1,
        'user.api_token_revoked': 1,
        'account.ip_allowlist_changed': 1,
        'agent.created_agent': 1,
      });
      const all = JSON.stringify(await t.deps.sql`select * from audit_log where account_id = ${tenant.accountId}`);
      for (const secretValue of [tenant.ownerEmail, FIXTURE_PASSWORD, secret, 'new@example.test', 'New Agent']) {
        expect(all).not.toContain(secretValue);
      }
    });

    it('is readable by owners and admins only, and refuses UPDATE and DELETE', async () => {
      const token = await ownerToken();
      await call(t, '/v1/me/api-tokens', { body: { name: 'ci', password: FIXTURE_PASSWORD }, token });
      const log = await call(t, '/v1/audit-log', { token });
      expect(log.status).toBe(200);
      const actions = log.body.entries.map((e: { action: string }) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['auth.login', 'user.api_token_created']));
      expect(actions.filter((a: string) => a === 'user.api_token_created')).toHaveLength(1);
      expect(JSON.stringify(log.body)).not.toContain(tenant.ownerEmail);
      await expect(
        t.deps.sql`update audit_log set action = 'x' where account_id = ${tenant.accountId}`,
      ).rejects.toThrow(/append-only/);
      await expect(t.deps.sql`delete from audit_log where account_id = ${tenant.accountId}`).rejects.toThrow(
        /append-only/,
      );
    });
  });
});
