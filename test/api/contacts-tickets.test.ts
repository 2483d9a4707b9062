import { ownerToken, useAppWithFreshTenant } from '../helpers/app';
import type { TestApp } from '../helpers/app';
import { call } from '../helpers/http';
import { FIXTURE_PASSWORD } from '../helpers/tenants';
import type { SeededTenant } from '../helpers/tenants';

describe('contacts, tickets and the pre-chat form', () => {
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

  /** Everything the tenant holds about a contact, as its export shows it (less the time of the export). */
  const recordOf = async (contactId: string) => {
    const { exportedAt: _at, ...record } = (await call(t, `/v1/contacts/${contactId}/export`, { token }))
      .body as Record<string, unknown>;
    return record;
  };
  const count = async (table: string) =>
    (
      await t.deps.sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${table} where account_id = $1`, [
        tenant.accountId,
      ])
    )[0]?.n;

  it('stores a contact and a ticket with messages and attachment bytes, and reads them back', async () => {
    const contact = await call(t, '/v1/contacts', {
      body: {
        email: 'erin@example.test',
        name: 'Erin Example',
        phone: '+49 30 1234567',
        address: '1 Main St',
        custom: { tier: 'gold' },
      },
      token,
    });
    expect(contact.status).toBe(201);
    const read = await call(t, `/v1/contacts/${contact.body.id}`, { token });
    expect(read.body).toMatchObject({
      email: 'erin@example.test',
      name: 'Erin Example',
      phone: '+49 30 1234567',
      custom: { tier: 'gold' },
    });

    const bytes = Buffer.from('%PDF-1.4 invoice');
    const ticket = await call(t, '/v1/tickets', {
      body: {
        contactId: contact.body.id,
        channel: 'email',
        subject: 'Invoice question',
        body: 'Where is my invoice?',
        attachments: [
          { filename: 'invoice.pdf', contentType: 'application/pdf', contentBase64: bytes.toString('base64') },
        ],
      },
      token,
    });
    expect(ticket.status).toBe(201);
    expect(
      (await call(t, `/v1/tickets/${ticket.body.id}/messages`, { body: { body: 'Attached again.' }, token })).status,
    ).toBe(201);
    const shown = await call(t, `/v1/tickets/${ticket.body.id}`, { token });
    expect(shown.body).toMatchObject({ channel: 'email', subject: 'Invoice question', contactId: contact.body.id });
    expect(shown.body.messages.map((m: { authorKind: string }) => m.authorKind)).toEqual(['contact', 'agent']);
    expect(shown.body.messages[0].attachments).toEqual([
      expect.objectContaining({ filename: 'invoice.pdf', size: bytes.length }),
    ]);
    const [stored] = await t.deps.sql<
      { bytes: Buffer }[]
    >`select bytes from attachments where account_id = ${tenant.accountId}`;
    expect(Buffer.compare(stored!.bytes, bytes)).toBe(0);
  });

  it('refuses unknown ids and bad input without storing anything', async () => {
    const before = await count('tickets');
    expect(
      (
        await call(t, '/v1/tickets', {
          body: { contactId: '00000000-0000-4000-8000-000000000000', channel: 'email', subject: 's', body: 'b' },
          token,
        })
      ).status,
    ).toBe(404);
    expect(
      (await call(t, '/v1/tickets', { body: { contactId: 'x', channel: 'fax', subject: '', body: '' }, token })).status,
    ).toBe(400);
    expect((await call(t, '/v1/tickets/00000000-0000-4000-8000-000000000000', { token })).status).toBe(404);
    expect((await call(t, '/v1/contacts', { body: { email: 'not-an-email', name: 'X' }, token })).status).toBe(400);
    expect(await count('tickets')).toBe(before);
  });

  it('opens a chat only with consent, on a contact of its own that never touches a known person', async () => {
    // A known customer, with history the tenant keeps about her.
    const known = (await call(t, '/v1/contacts', { body: { email: 'chloe@example.test', name: 'Chloe Known' }, token }))
      .body.id as string;
    await call(t, '/v1/tickets', { body: { contactId: known, channel: 'phone', subject: 'Hers', body: 'b' }, token });
    const before = await recordOf(known);
    const form = {
      subdomain: tenant.subdomain,
      name: 'Chloe Chat',
      email: 'CHLOE@example.test',
      message: 'Hello, is anyone there?',
    };
    const refused = await call(t, '/v1/chats', {
      body: { ...form, consent: { granted: false, noticeVersion: '2026-01' } },
      ip: '203.0.113.50',
    });
    expect(refused).toMatchObject({ status: 400, body: { code: 'CONSENT_REQUIRED' } });
    expect([await count('contacts'), await count('tickets'), await count('consents')]).toEqual([1, 1, 0]);

    const opened = await call(t, '/v1/chats', {
      body: { ...form, consent: { granted: true, noticeVersion: '2026-01' } },
      ip: '203.0.113.50',
    });
    expect(opened.status).toBe(201);
    // The answer names the chat only: no contact id to probe records with.
    expect(Object.keys(opened.body)).toEqual(['ticketId']);
    const again = await call(t, '/v1/chats', {
      body: { ...form, message: 'Me again', consent: { granted: true, noticeVersion: '2026-02' } },
    });
    expect(again.body.ticketId).not.toBe(opened.body.ticketId);

    // The known customer's record is exactly as it was: no ticket, no consent added on the strength of a typed address.
    expect(await recordOf(known)).toEqual(before);
    const chatContacts = await t.deps.sql<{ id: string; unverified: boolean }[]>`
      select id, unverified from contacts where account_id = ${tenant.accountId} and id <> ${known} order by created_at`;
    expect(chatContacts.map((c) => c.unverified)).toEqual([true, true]);
    const consents = await call(t, `/v1/contacts/${chatContacts[0]?.id}/consents`, { token });
    expect(
      consents.body.consents.map((c: { purpose: string; noticeVersion: string; granted: boolean }) => [
        c.purpose,
        c.noticeVersion,
        c.granted,
      ]),
    ).toEqual([['chat', '2026-01', true]]);
    const transcript = await call(t, `/v1/tickets/${opened.body.ticketId}`, { token });
    expect(transcript.body).toMatchObject({
      channel: 'chat',
      contactId: chatContacts[0]?.id,
      messages: [{ body: 'Hello, is anyone there?', authorKind: 'contact' }],
    });
    expect(
      (
        await call(t, '/v1/chats', {
          body: { ...form, subdomain: 'no-such-tenant', consent: { granted: true, noticeVersion: '1' } },
        })
      ).status,
    ).toBe(404);
  });

  it('takes an attachment of exactly 5 MiB and refuses one byte more, storing nothing of that ticket', async () => {
    const contactId = (await call(t, '/v1/contacts', { body: { email: 'big@example.test', name: 'Big' }, token })).body
      .id as string;
    const ticketWith = (bytes: number) =>
      call(t, '/v1/tickets', {
        body: {
          contactId,
          channel: 'email',
          subject: 'Big file',
          body: 'see attached',
          attachments: [
            {
              filename: 'big.bin',
              contentType: 'application/octet-stream',
              contentBase64: Buffer.alloc(bytes, 7).toString('base64'),
            },
          ],
        },
        token,
      });
    const ticketsBefore = await count('tickets');
    const tooBig = await ticketWith(5 * 1024 * 1024 + 1);
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.code).toBe('VALIDATION_FAILED');
    expect(tooBig.body.errors).toEqual([expect.objectContaining({ path: 'attachments.0.contentBase64' })]);
    expect(await count('tickets')).toBe(ticketsBefore);
    expect(await count('attachments')).toBe(0);

    const justRight = await ticketWith(5 * 1024 * 1024);
    expect(justRight.status).toBe(201);
    const [stored] = await t.deps.sql<
      { size: number }[]
    >`select size from attachments where account_id = ${tenant.accountId}`;
    expect(stored?.size).toBe(5 * 1024 * 1024);
  });

  it('records a consent withdrawal staff take on the person’s request, audited, and 404 for a purpose never consented', async () => {
    await call(t, '/v1/chats', {
      body: {
        subdomain: tenant.subdomain,
        name: 'Wanda',
        email: 'wanda@example.test',
        message: 'hi',
        consent: { granted: true, noticeVersion: '2026-05' },
      },
    });
    const [wanda] = await t.deps.sql<{ id: string }[]>`select id from contacts where account_id = ${tenant.accountId}`;
    const withdraw = (purpose: string) =>
      call(t, `/v1/contacts/${wanda?.id}/consents/${purpose}/withdraw`, { method: 'POST', token });
    expect((await withdraw('newsletter')).status).toBe(404);
    expect((await withdraw('chat')).status).toBe(201);
    const consents = await call(t, `/v1/contacts/${wanda?.id}/consents`, { token });
    expect(
      consents.body.consents.map((c: { granted: boolean; noticeVersion: string }) => [c.granted, c.noticeVersion]),
    ).toEqual([
      [true, '2026-05'],
      [false, '2026-05'],
    ]);
    const [audit] = await t.deps.sql`
      select actor, action, target_id from audit_log where account_id = ${tenant.accountId} and action = 'consent.withdrawn_by_staff'`;
    expect(audit).toEqual({
      actor: expect.stringMatching(/^user:/),
      action: 'consent.withdrawn_by_staff',
      targetId: wanda?.id,
    });
  });

  it('refuses data-subject deletions to the wrong role, with malformed input or for unknown ids, deleting nothing', async () => {
    const contact = (await call(t, '/v1/contacts', { body: { email: 'x@example.test', name: 'X' }, token })).body
      .id as string;
    const ticket = (
      await call(t, '/v1/tickets', { body: { contactId: contact, channel: 'phone', subject: 's', body: 'b' }, token })
    ).body.id as string;
    await call(t, '/v1/agents', {
      body: { email: 'ag@example.test', name: 'Ag', role: 'agent', password: FIXTURE_PASSWORD },
      token,
    });
    const agent = (
      await call(t, '/v1/auth/login', {
        body: { subdomain: tenant.subdomain, email: 'ag@example.test', password: FIXTURE_PASSWORD },
      })
    ).body.token as string;
    expect((await call(t, `/v1/contacts/${contact}/erasure`, { method: 'POST', body: {}, token: agent })).status).toBe(
      403,
    );
    expect((await call(t, `/v1/tickets/${ticket}?forever=true`, { method: 'DELETE', token: agent })).status).toBe(403);
    expect((await call(t, `/v1/agents/${tenant.ownerId}`, { method: 'DELETE', token: agent })).status).toBe(403);
    expect(
      (
        await call(t, `/v1/contacts/${contact}/erasure`, {
          method: 'POST',
          body: { reference: 'no spaces allowed' },
          token,
        })
      ).status,
    ).toBe(400);
    expect((await call(t, '/v1/contacts/not-a-uuid/erasure', { method: 'POST', body: {}, token })).status).toBe(400);
    expect(
      (await call(t, '/v1/contacts/00000000-0000-4000-8000-000000000000/erasure', { method: 'POST', body: {}, token }))
        .status,
    ).toBe(404);
    expect((await call(t, `/v1/agents/${tenant.ownerId}`, { method: 'DELETE', token })).body.code).toBe(
      'CANNOT_DELETE_OWNER',
    );
    expect([await count('contacts'), await count('tickets'), await count('erasure_requests')]).toEqual([1, 1, 0]);
  });
});
