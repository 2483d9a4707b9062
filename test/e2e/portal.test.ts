import { randomBytes } from 'node:crypto';
import { findIdentifiers } from '../../src/verify/forgotten';
import { TEST_ENV } from '../helpers/config';
import { waitForMails } from '../helpers/mailbox';
import { startStack, until } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { FIXTURE_PASSWORD } from '../helpers/tenants';

describe('the end users’ portal', () => {
  let stack: Stack;
  let subdomain: string;
  let accountId: string;
  let staff: Record<string, string>;

  beforeAll(async () => {
    stack = await startStack();
    const tag = randomBytes(4).toString('hex');
    subdomain = `portal-${tag}`;
    const signup = await stack.http('POST', '/v1/accounts', {
      subdomain,
      name: 'Portal Co',
      owner: { email: `o-${tag}@example.test`, name: 'O', password: FIXTURE_PASSWORD },
    });
    accountId = signup.body.account.id as string;
    const token = (
      await stack.http('POST', '/v1/auth/login', {
        subdomain,
        email: `o-${tag}@example.test`,
        password: FIXTURE_PASSWORD,
      })
    ).body.token as string;
    staff = { authorization: `Bearer ${token}` };
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('registers, signs in, saves searches, withdraws consent as easily as it was given, exports, and deletes the profile', async () => {
    await stack.http('POST', '/v1/chats', {
      subdomain,
      name: 'Paula Portal',
      email: 'paula@example.test',
      message: 'First chat',
      consent: { granted: true, noticeVersion: '2026-03' },
    });
    const asked = await stack.http('POST', '/v1/portal/register', {
      subdomain,
      email: 'paula@example.test',
      name: 'Paula Portal',
      password: FIXTURE_PASSWORD,
    });
    expect(asked).toEqual({ status: 202, body: { status: 'verification_sent' } });
    // Nothing is hers before she proves the address: no identity, so no sign-in.
    expect(
      (
        await stack.http('POST', '/v1/portal/login', {
          subdomain,
          email: 'paula@example.test',
          password: FIXTURE_PASSWORD,
        })
      ).status,
    ).toBe(401);
    const [codeMail] = await waitForMails('paula@example.test', 1);
    expect(codeMail?.subject).toBe('Your verification code for Portal Co');
    const code = /\b(\d{6})\b/.exec(codeMail?.text ?? '')?.[1];
    const registered = await stack.http('POST', '/v1/portal/verify', {
      subdomain,
      email: 'paula@example.test',
      code,
      password: FIXTURE_PASSWORD,
    });
    expect(registered.status).toBe(201);
    expect(registered.body.token).toMatch(/^lport_/);
    // Registered now: asking again answers the same, and the mail says to sign in instead (no new code).
    expect(
      (
        await stack.http('POST', '/v1/portal/register', {
          subdomain,
          email: 'PAULA@example.test',
          name: 'P',
          password: FIXTURE_PASSWORD,
        })
      ).status,
    ).toBe(202);
    const mails = await waitForMails('paula@example.test', 2);
    expect(mails[1]?.subject).toBe('Signing up to Portal Co');
    expect(mails[1]?.text).not.toMatch(/\b\d{6}\b/);
    expect(
      (
        await stack.http('POST', '/v1/portal/login', {
          subdomain,
          email: 'paula@example.test',
          password: 'wrong password!!',
        })
      ).status,
    ).toBe(401);
    const session = (
      await stack.http('POST', '/v1/portal/login', {
        subdomain,
        email: 'paula@example.test',
        password: FIXTURE_PASSWORD,
      })
    ).body;
    const me = { authorization: `Bearer ${session.token}` };
    expect(session.contactId).toBe(registered.body.contactId);

    expect(
      (await stack.http('POST', '/v1/portal/me/saved-searches', { name: 'mine', query: 'status:open' }, me)).status,
    ).toBe(201);
    expect(
      (await stack.http('POST', '/v1/me/saved-searches', { name: 'agent view', query: 'unassigned' }, staff)).status,
    ).toBe(201);
    // The end user opens tickets; the spam filter screens them as it screens mail and chats.
    const question = await stack.http(
      'POST',
      '/v1/portal/me/tickets',
      { subject: 'Late order', body: 'Where is it?' },
      me,
    );
    expect(question.status).toBe(201);
    const opened = await stack.http('GET', `/v1/tickets/${question.body.id as string}`, undefined, staff);
    expect(opened.body).toMatchObject({ channel: 'portal', contactId: session.contactId, status: 'open' });
    expect(opened.body.spamProbability).toEqual(expect.any(Number));
    const junk = await stack.http(
      'POST',
      '/v1/portal/me/tickets',
      {
        subject: 'FREE money!!! CLICK HERE',
        body: 'Earn $$$ from home, 100% guaranteed, click here http://win.example.biz now, viagra, casino, unsubscribe',
      },
      me,
    );
    const spamFolder = await stack.http('GET', '/v1/tickets?status=spam', undefined, staff);
    expect(spamFolder.body.tickets.map((t: { id: string }) => t.id)).toEqual([junk.body.id]);
    expect((await stack.http('POST', '/v1/portal/me/tickets', { subject: ' ', body: 'x' }, me)).status).toBe(400);
    expect((await stack.http('POST', '/v1/portal/me/consents/newsletter/withdraw', undefined, me)).status).toBe(404);
    expect((await stack.http('POST', '/v1/portal/me/consents/chat/withdraw', undefined, me)).status).toBe(201);
    const consents = await stack.http('GET', `/v1/contacts/${session.contactId}/consents`, undefined, staff);
    expect(consents.body.consents.map((c: { granted: boolean }) => c.granted)).toEqual([true, false]);

    const exported = await stack.http('GET', '/v1/portal/me/export', undefined, me);
    expect(exported.body).toMatchObject({
      contact: { email: 'paula@example.test' },
      savedSearches: [{ name: 'mine' }],
      identities: [{ provider: 'password' }],
    });
    expect(JSON.stringify(exported.body)).not.toContain('argon2');

    const deletion = await stack.http('DELETE', '/v1/portal/me', undefined, me);
    expect(deletion.status).toBe(202);
    const done = await until(
      () => stack.http('GET', `/v1/erasure-requests/${deletion.body.requestId}`, undefined, staff),
      (r) => r.body?.status === 'completed',
    );
    expect(done.body.receipt.counts).toMatchObject({
      contact_identities: 1,
      contact_portal_sessions: 2,
      contact_saved_searches: 1,
      contact: 1,
    });
    expect((await stack.http('GET', '/v1/portal/me/export', undefined, me)).status).toBe(401);
    const hits = await findIdentifiers({
      sql: stack.sql,
      identifiers: ['paula@example.test', 'Paula Portal'],
      accountId,
      temporal: stack.temporal.client,
    });
    expect(hits).toEqual([]);
  });

  it('takes social-login callbacks only from Lethe’s own integration, and seals the provider tokens', async () => {
    const callback = {
      subdomain,
      provider: 'github',
      providerUserId: '4242',
      email: 'sam@example.test',
      name: 'Sam Social',
      accessToken: 'gho_plaintext_access_token_123',
      refreshToken: 'ghr_plaintext_refresh_456',
    };
    expect((await stack.http('POST', '/v1/portal/oauth', callback)).status).toBe(401);
    // Staff tokens open no portal session: a session reads the person's data, which staff may only do with a grant.
    expect((await stack.http('POST', '/v1/portal/oauth', callback, stack.operator)).status).toBe(401);
    const integration = { authorization: `Bearer ${TEST_ENV.OAUTH_CALLBACK_TOKEN}` };
    const first = await stack.http('POST', '/v1/portal/oauth', callback, integration);
    expect(first.status).toBe(200);
    const again = await stack.http(
      'POST',
      '/v1/portal/oauth',
      { ...callback, accessToken: 'gho_rotated_token_789' },
      integration,
    );
    expect(again.body.contactId).toBe(first.body.contactId);
    const stored = await findIdentifiers({
      sql: stack.sql,
      identifiers: ['gho_plaintext_access_token_123', 'gho_rotated_token_789', 'ghr_plaintext_refresh_456'],
      accountId,
    });
    expect(stored).toEqual([]);
    const [tokens] = await stack.sql`select count(*)::int as n from oauth_tokens where account_id = ${accountId}`;
    expect(tokens?.n).toBe(1);
  });
});
