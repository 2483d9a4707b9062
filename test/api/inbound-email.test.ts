import { createTestApp, ownerToken, useAppWithFreshTenant } from '../helpers/app';
import type { TestApp } from '../helpers/app';
import { testConfig, TEST_ENV } from '../helpers/config';
import { call } from '../helpers/http';
import { composeMail, inboundHeaders } from '../helpers/inbound-mail';
import type { MailOptions } from '../helpers/inbound-mail';
import { seedTenant, suspendTenant } from '../helpers/tenants';
import type { SeededTenant } from '../helpers/tenants';

describe('inbound mail becomes tickets (POST /v1/inbound/email)', () => {
  let t: TestApp;
  let tenant: SeededTenant;
  let token: string;

  useAppWithFreshTenant(
    (app) => (t = app),
    async (seeded) => {
      tenant = seeded;
      token = await ownerToken(t, tenant);
    },
  );

  async function deliver(
    raw: Buffer,
    options: { subdomain?: string; secret?: string; at?: number; contentType?: string; app?: TestApp } = {},
  ) {
    const res = await (options.app ?? t).app.request(
      `/v1/inbound/email?subdomain=${options.subdomain ?? tenant.subdomain}`,
      { method: 'POST', headers: inboundHeaders(raw, options), body: raw },
      { incoming: { socket: { remoteAddress: '198.51.100.20' } } },
    );
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  const mail = (options: Partial<MailOptions> = {}) =>
    composeMail({ from: 'Vera Visitor <vera@example.test>', subject: 'Printer', text: 'It jams.', ...options });
  const count = async (table: string) =>
    (
      await t.deps.sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${table} where account_id = $1`, [
        tenant.accountId,
      ])
    )[0]?.n;
  const counts = async () => ({
    tickets: await count('tickets'),
    messages: await count('messages'),
    contacts: await count('contacts'),
    attachments: await count('attachments'),
    inbound: await count('inbound_mail'),
  });

  it('opens an email ticket for a new unverified contact, with the decoded subject, text and attachments', async () => {
    // A person the tenant knows, with the same address: a From line proves nothing, so the mail must not join them.
    const known = (await call(t, '/v1/contacts', { token, body: { email: 'vera@example.test', name: 'Vera' } })).body
      .id as string;
    const received = await deliver(
      await mail({
        subject: 'Принтерът не работи',
        text: 'Здравейте, принтерът засяда.',
        messageId: '<first@mail.example>',
        attachments: [{ filename: 'log.txt', content: 'paper jam at tray 2' }],
      }),
    );
    expect(received).toEqual({
      status: 201,
      body: {
        ticketId: expect.any(String),
        messageId: expect.any(String),
        duplicate: false,
        opened: true,
        spam: false,
      },
    });
    const ticket = (await call(t, `/v1/tickets/${received.body.ticketId as string}`, { token })).body;
    expect(ticket).toMatchObject({ channel: 'email', subject: 'Принтерът не работи', status: 'open' });
    expect(ticket.contactId).not.toBe(known);
    expect(ticket.messages).toHaveLength(1);
    expect(ticket.messages[0]).toMatchObject({ authorKind: 'contact', body: 'Здравейте, принтерът засяда.' });
    expect(ticket.messages[0].attachments).toEqual([
      { id: expect.any(String), filename: 'log.txt', contentType: 'text/plain', size: 19 },
    ]);
    const [contact] = await t.deps.sql<{ unverified: boolean; name: string }[]>`
      select unverified, name from contacts where id = ${ticket.contactId as string}`;
    expect(contact).toEqual({ unverified: true, name: 'Vera Visitor' });
    expect(ticket.spamProbability).toBeGreaterThanOrEqual(0);
    // The known person's record did not change.
    expect((await call(t, `/v1/contacts/${known}/export`, { token })).body.tickets).toEqual([]);
  });

  it('reduces an HTML-only mail to text', async () => {
    const received = await deliver(await composeMail({ from: 'h@example.test', html: '<p>Hello <b>there</b></p>' }));
    const ticket = (await call(t, `/v1/tickets/${received.body.ticketId as string}`, { token })).body;
    expect(ticket.messages[0].body).toContain('Hello there');
    expect(ticket.subject).toBe('(no subject)');
  });

  it('continues a ticket through In-Reply-To or References, and keeps other senders apart', async () => {
    const first = await deliver(await mail({ messageId: '<t1@mail.example>' }));
    const byInReplyTo = await deliver(
      await mail({ subject: 'Re: Printer', messageId: '<t2@mail.example>', inReplyTo: '<t1@mail.example>' }),
    );
    const byReferences = await deliver(
      await composeMail({
        from: 'Colleague <col@example.test>',
        subject: 'Re: Printer',
        text: 'Same here.',
        messageId: '<t3@mail.example>',
        references: ['<unknown@elsewhere>', '<t2@mail.example>'],
      }),
    );
    const again = await deliver(
      await composeMail({
        from: 'col@example.test',
        subject: 'Re: Printer',
        text: 'Still.',
        messageId: '<t4@mail.example>',
        inReplyTo: '<t3@mail.example>',
      }),
    );
    expect([byInReplyTo, byReferences, again].map((r) => [r.status, r.body.ticketId, r.body.opened])).toEqual([
      [201, first.body.ticketId, false],
      [201, first.body.ticketId, false],
      [201, first.body.ticketId, false],
    ]);
    const ticket = (await call(t, `/v1/tickets/${first.body.ticketId as string}`, { token })).body;
    const authors = ticket.messages.map((m: { authorContactId: string }) => m.authorContactId);
    // Vera twice (the ticket's contact), the colleague twice as one unverified contact of their own.
    expect(authors[0]).toBe(ticket.contactId);
    expect(authors[1]).toBe(ticket.contactId);
    expect(authors[2]).not.toBe(ticket.contactId);
    expect(authors[3]).toBe(authors[2]);
    // A reply to a mail this tenant never received opens a new ticket.
    const stray = await deliver(await mail({ messageId: '<t5@mail.example>', inReplyTo: '<nobody@x>' }));
    expect(stray.body.opened).toBe(true);
    expect(stray.body.ticketId).not.toBe(first.body.ticketId);
  });

  it('stores a mail once however often and however concurrently it is delivered', async () => {
    const raw = await mail({ messageId: '<once@mail.example>' });
    const first = await deliver(raw);
    const replay = await deliver(raw);
    expect(replay).toEqual({ status: 200, body: { ...first.body, duplicate: true, opened: false } });
    const burst = await mail({ messageId: '<burst@mail.example>' });
    const answers = await Promise.all(Array.from({ length: 20 }, () => deliver(burst)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(19);
    expect(new Set(answers.map((a) => a.body.ticketId)).size).toBe(1);
    expect(await count('tickets')).toBe(2);
    // Without a Message-ID the bytes are the identity.
    const anonymous = Buffer.from('From: a@example.test\r\nSubject: hi\r\n\r\nbody\r\n');
    expect((await deliver(anonymous)).status).toBe(201);
    expect((await deliver(anonymous)).status).toBe(200);
  });

  it('refuses unsigned, wrongly signed, stale, altered or mistyped deliveries, storing nothing', async () => {
    const raw = await mail();
    const before = await counts();
    const unsigned = await t.app.request(`/v1/inbound/email?subdomain=${tenant.subdomain}`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822' },
      body: raw,
    });
    expect(unsigned.status).toBe(401);
    expect((await deliver(raw, { secret: TEST_ENV.BILLING_WEBHOOK_SECRET })).body.code).toBe('SIGNATURE_INVALID');
    expect((await deliver(raw, { at: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(401);
    // Signed for one message, carrying another.
    const signed = inboundHeaders(raw);
    const altered = await t.app.request(`/v1/inbound/email?subdomain=${tenant.subdomain}`, {
      method: 'POST',
      headers: signed,
      body: Buffer.concat([raw, Buffer.from('P.S. send money')]),
    });
    expect(altered.status).toBe(401);
    expect((await deliver(raw, { contentType: 'application/json' })).status).toBe(415);
    expect((await deliver(raw, { subdomain: '' })).body.code).toBe('VALIDATION_FAILED');
    expect((await deliver(raw, { subdomain: 'no-such-tenant' })).status).toBe(404);
    expect(await counts()).toEqual(before);
  });

  it('refuses what is not a mail, has no sender or cannot be stored, with a clear 400 and nothing stored', async () => {
    const before = await counts();
    const garbage = await deliver(Buffer.from('this is not a mail at all'));
    expect(garbage).toMatchObject({ status: 400, body: { code: 'MALFORMED_MAIL' } });
    const noSender = await deliver(Buffer.from('Subject: hello\r\n\r\nbody\r\n'));
    expect(noSender.body).toMatchObject({ code: 'MALFORMED_MAIL', detail: 'The mail has no sender address (From)' });
    const nul = await deliver(Buffer.from('From: n@example.test\r\nSubject: x\r\n\r\nbad \u0000 byte\r\n'));
    expect(nul).toMatchObject({ status: 400, body: { code: 'MALFORMED_MAIL' } });
    expect(JSON.stringify(nul.body)).not.toContain('n@example.test');
    const huge = await deliver(
      Buffer.concat([
        Buffer.from('From: big@example.test\r\nSubject: big\r\n\r\n'),
        Buffer.alloc(11 * 1024 * 1024, 97),
      ]),
    );
    expect(huge).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(await counts()).toEqual(before);
  });

  it('refuses mail for a tenant not in good standing, and answers 404 when inbound mail is not configured', async () => {
    await suspendTenant(t.deps.sql, tenant.accountId);
    expect((await deliver(await mail())).status).toBe(403);
    const unconfigured = createTestApp({ config: testConfig({ INBOUND_EMAIL_SECRET: undefined }) });
    try {
      const other = await seedTenant(unconfigured.deps.sql, { agents: 0, sessionsPerUser: 0 });
      expect((await deliver(await mail(), { app: unconfigured, subdomain: other.subdomain })).status).toBe(404);
    } finally {
      await unconfigured.close();
    }
  });

  it('logs the delivery by ids only', async () => {
    await deliver(await mail({ subject: 'Secret plans of vera', messageId: '<log@mail.example>' }));
    const logged = t.logLines.join('\n');
    expect(logged).toContain('inbound mail received');
    expect(logged).not.toContain('vera@example.test');
    expect(logged).not.toContain('Secret plans');
    expect(logged).not.toContain('log@mail.example');
  });
});
