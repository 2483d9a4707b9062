import { randomBytes } from 'node:crypto';
import { VERIFICATION_MAX_ATTEMPTS } from '../../src/domain/portal-verification';
import { createLogger } from '../../src/logger';
import { startOutboxDispatcher } from '../../src/notifications/outbox-dispatcher';
import type { OutboxDispatcher } from '../../src/notifications/outbox-dispatcher';
import { createSmtpSender } from '../../src/notifications/smtp-sender';
import { createTestApp } from '../helpers/app';
import type { TestApp } from '../helpers/app';
import { testSql, truncateAll } from '../helpers/db';
import { call } from '../helpers/http';
import { mailpitMailsTo, testSmtpUrl, waitForMails } from '../helpers/mailbox';
import { FIXTURE_PASSWORD, seedTenant, TEST_MASTER_KEY } from '../helpers/tenants';
import type { SeededTenant } from '../helpers/tenants';

const STRANGER_PASSWORD = 'a stranger’s own password';

describe('portal sign-up by emailed code', () => {
  let t: TestApp;
  let tenant: SeededTenant;
  let token: string;
  let outbox: OutboxDispatcher;
  const workerSql = testSql();

  beforeAll(() => {
    t = createTestApp();
    // What a worker does: deliver the outbox to the mail server (the run's Mailpit).
    outbox = startOutboxDispatcher(
      workerSql,
      createSmtpSender({ smtpUrl: testSmtpUrl(), mailFrom: t.deps.config.mailFrom }),
      createLogger('silent'),
      { masterKey: TEST_MASTER_KEY, intervalMs: 200 },
    );
  });
  afterAll(async () => {
    await outbox.stop();
    await workerSql.end();
    await t.close();
  });
  beforeEach(async () => {
    await truncateAll(t.deps.sql);
    tenant = await seedTenant(t.deps.sql, { agents: 0, sessionsPerUser: 0 });
    token = (
      await call(t, '/v1/auth/login', {
        body: { subdomain: tenant.subdomain, email: tenant.ownerEmail, password: FIXTURE_PASSWORD },
      })
    ).body.token as string;
  });

  /** A fresh address per test: Mailpit keeps every mail of the run. */
  const address = (name: string) => `${name}-${randomBytes(4).toString('hex')}@example.test`;
  const register = (email: string, password = FIXTURE_PASSWORD, name = 'Some Person') =>
    call(t, '/v1/portal/register', { body: { subdomain: tenant.subdomain, email, name, password } });
  const verify = (email: string, code: string | undefined, password = FIXTURE_PASSWORD) =>
    call(t, '/v1/portal/verify', { body: { subdomain: tenant.subdomain, email, code, password } });
  const codeIn = (text: string | undefined) => /\b(\d{6})\b/.exec(text ?? '')?.[1];
  const wrongCode = (code: string | undefined) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  /** Everything the tenant holds about a contact, as its export shows it (less the time of the export). */
  const recordOf = async (contactId: string) => {
    const { exportedAt: _at, ...record } = (await call(t, `/v1/contacts/${contactId}/export`, { token }))
      .body as Record<string, unknown>;
    return record;
  };
  /** A person the tenant knows, with a ticket: what a stranger must never reach. */
  const knownCustomer = async (email: string) => {
    const id = (await call(t, '/v1/contacts', { body: { email, name: 'Known Customer' }, token })).body.id as string;
    await call(t, '/v1/tickets', {
      body: { contactId: id, channel: 'email', subject: 'Private matter', body: 'my account number is 42' },
      token,
    });
    return id;
  };

  it('answers the same for a new, a known and a registered address, and mails a code or a sign-in hint', async () => {
    const fresh = address('fresh');
    const known = address('known');
    await knownCustomer(known);
    const registered = address('registered');
    await register(registered);
    const code = codeIn((await waitForMails(registered, 1))[0]?.text);
    expect((await verify(registered, code)).status).toBe(201);

    const answers = await Promise.all([fresh, known, registered].map((email) => register(email)));
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ status: 'verification_sent' });
    }
    const [freshMail] = await waitForMails(fresh, 1);
    expect(freshMail?.subject).toBe(`Your verification code for Tenant ${tenant.subdomain.slice(2)}`);
    expect(codeIn(freshMail?.text)).toMatch(/^\d{6}$/);
    expect(freshMail?.text).toMatch(/until .*UTC/);
    expect(codeIn((await waitForMails(known, 1))[0]?.text)).toMatch(/^\d{6}$/);
    const hint = (await waitForMails(registered, 2))[1];
    expect(hint?.subject).toBe(`Signing up to Tenant ${tenant.subdomain.slice(2)}`);
    expect(codeIn(hint?.text)).toBeUndefined();
    // The code is stored only as a keyed hash; the sealed copy in the outbox is cleared once mailed.
    const stored = JSON.stringify(await t.deps.sql`select * from portal_verifications`);
    expect(stored).not.toContain(codeIn(freshMail?.text));
  });

  it('gives a stranger who types a known customer’s address nothing of hers, and lets her finish only her own sign-up', async () => {
    const victim = address('victim');
    const contactId = await knownCustomer(victim);
    const before = await recordOf(contactId);

    expect((await register(victim, STRANGER_PASSWORD, 'Stranger')).status).toBe(202);
    // The stranger has no code: guesses fail, and sign-in with the password he chose fails (no identity exists).
    for (const guess of ['000000', '123456', '999999']) {
      expect((await verify(victim, guess, STRANGER_PASSWORD)).body.code).toBe('VERIFICATION_FAILED');
    }
    const login = await call(t, '/v1/portal/login', {
      body: { subdomain: tenant.subdomain, email: victim, password: STRANGER_PASSWORD },
    });
    expect(login.status).toBe(401);
    // The code went to her mailbox; with it and her own password she cannot complete the stranger's sign-up.
    const code = codeIn((await waitForMails(victim, 1))[0]?.text);
    expect((await verify(victim, code, FIXTURE_PASSWORD)).status).toBe(401);
    expect(await t.deps.sql`select id from contact_identities where account_id = ${tenant.accountId}`).toEqual([]);
    expect(await recordOf(contactId)).toEqual(before);
  });

  it('links a verified sign-up to the person the tenant knows and claims the chats started under the address', async () => {
    const email = address('paula');
    const contactId = await knownCustomer(email);
    const chat = await call(t, '/v1/chats', {
      body: {
        subdomain: tenant.subdomain,
        email,
        name: 'Paula',
        message: 'chat before signing up',
        consent: { granted: true, noticeVersion: 'v1' },
      },
    });
    expect((await register(email)).status).toBe(202);
    const code = codeIn((await waitForMails(email, 1))[0]?.text);
    const session = await verify(email, code);
    expect(session.status).toBe(201);
    expect(session.body).toEqual({
      token: expect.stringMatching(/^lport_/),
      expiresAt: expect.any(String),
      contactId,
    });
    const mine = await call(t, '/v1/portal/me/export', { token: session.body.token });
    expect(mine.body.tickets.map((x: { subject: string }) => x.subject).sort()).toEqual(['Chat', 'Private matter']);
    expect(mine.body.consents).toEqual([expect.objectContaining({ purpose: 'chat', granted: true })]);
    expect((await call(t, `/v1/tickets/${chat.body.ticketId}`, { token })).body.contactId).toBe(contactId);
    const [left] = await t.deps.sql<{ n: number }[]>`
      select count(*)::int as n from contacts where account_id = ${tenant.accountId} and unverified`;
    expect(left?.n).toBe(0);
    // Single use.
    expect((await verify(email, code)).status).toBe(401);
    const [audit] = await t.deps.sql`
      select actor, action from audit_log where account_id = ${tenant.accountId} and action = 'portal.registration_verified'`;
    expect(audit).toEqual({ actor: `contact:${contactId}`, action: 'portal.registration_verified' });
  });

  it(`allows ${VERIFICATION_MAX_ATTEMPTS} tries per code, also when 50 guesses arrive at once`, async () => {
    const email = address('guessed');
    await register(email);
    const code = codeIn((await waitForMails(email, 1))[0]?.text);
    const guesses = await Promise.all(Array.from({ length: 50 }, () => verify(email, wrongCode(code))));
    expect(guesses.every((g) => g.status === 401 && g.body.code === 'VERIFICATION_FAILED')).toBe(true);
    const [row] = await t.deps.sql<{ attempts: number }[]>`select attempts from portal_verifications`;
    expect(row?.attempts).toBe(VERIFICATION_MAX_ATTEMPTS);
    // The right code is worthless now.
    expect((await verify(email, code)).status).toBe(401);
  });

  it('signs in end users with a throttle 100 concurrent wrong passwords cannot race', async () => {
    const email = address('racer');
    await register(email);
    const code = codeIn((await waitForMails(email, 1))[0]?.text);
    expect((await verify(email, code)).status).toBe(201);
    const login = (password: string) =>
      call(t, '/v1/portal/login', { body: { subdomain: tenant.subdomain, email, password }, ip: '203.0.113.77' });
    const answers = await Promise.all(Array.from({ length: 100 }, () => login('a wrong password!!')));
    const statuses = answers.map((a) => a.status);
    // The sequential rule: five free failures, then a lock. Exactly five guesses were evaluated.
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(95);
    expect(answers.find((a) => a.status === 429)?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await login(FIXTURE_PASSWORD)).status).toBe(429);
    // Another address is not locked by this one's guesses.
    const elsewhere = await call(t, '/v1/portal/login', {
      body: { subdomain: tenant.subdomain, email, password: FIXTURE_PASSWORD },
      ip: '203.0.113.78',
    });
    expect(elsewhere.status).toBe(200);
  });

  it('refuses an expired code', async () => {
    const email = address('late');
    await register(email);
    const code = codeIn((await waitForMails(email, 1))[0]?.text);
    await t.deps.sql`update portal_verifications set expires_at = now() - interval '1 second'`;
    expect((await verify(email, code)).status).toBe(401);
  });

  it('mails one code for many sign-ups of one address within a minute', async () => {
    const email = address('flood');
    const answers = await Promise.all(Array.from({ length: 20 }, () => register(email)));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    await waitForMails(email, 1);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await mailpitMailsTo(email)).toHaveLength(1);
  });

  it('refuses bad input with a clear error and stores nothing', async () => {
    const bad = [
      { subdomain: tenant.subdomain, email: 'not-an-address', name: 'X', password: FIXTURE_PASSWORD },
      { subdomain: tenant.subdomain, email: address('x'), name: 'X', password: 'short' },
      { subdomain: tenant.subdomain, email: address('x'), name: '', password: FIXTURE_PASSWORD },
    ];
    for (const body of bad) {
      const answer = await call(t, '/v1/portal/register', { body });
      expect(answer).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    }
    expect(
      (
        await call(t, '/v1/portal/verify', {
          body: { subdomain: tenant.subdomain, email: 'x', code: '12ab56', password: 'p' },
        })
      ).status,
    ).toBe(400);
    const unknownTenant = await call(t, '/v1/portal/register', {
      body: { ...bad[0], subdomain: 'no-such-tenant', email: address('y') },
    });
    expect(unknownTenant).toMatchObject({ status: 404, body: { code: 'TENANT_NOT_FOUND' } });
    expect(await t.deps.sql`select 1 from portal_verifications`).toEqual([]);
    expect(await t.deps.sql`select 1 from notification_outbox where account_id = ${tenant.accountId}`).toEqual([]);
  });

  it('writes no address, name or code to the log', async () => {
    const email = address('quiet');
    await register(email, FIXTURE_PASSWORD, 'Quiet Quinn');
    const code = codeIn((await waitForMails(email, 1))[0]?.text) ?? 'missing';
    await verify(email, wrongCode(code));
    await verify(email, code);
    const log = t.logLines.join('');
    for (const secret of [email, 'Quiet Quinn']) expect(log).not.toContain(secret);
    // The code on its own (not as a run of digits inside a request id or a timestamp).
    expect(log).not.toMatch(new RegExp(`(?<![0-9a-f-])${code}(?![0-9a-f-])`));
  });
});
