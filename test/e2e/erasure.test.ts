import { randomBytes } from 'node:crypto';
import { subjectHash, verifyReceipt } from '../../src/security/receipts';
import { findIdentifiers } from '../../src/verify/forgotten';
import { erasureWorkflowId } from '../../src/temporal/ids';
import { requestErasure } from '../../src/api/routes/erasure';
import { startStack, until } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { FIXTURE_PASSWORD } from '../helpers/tenants';

describe('data-subject deletions end to end (HTTP → API → erasure workflow → worker → PostgreSQL)', () => {
  let stack: Stack;
  let accountId: string;
  let ownerId: string;
  let token: string;

  beforeAll(async () => {
    stack = await startStack();
    const tag = randomBytes(4).toString('hex');
    const signup = await stack.http('POST', '/v1/accounts', {
      subdomain: `erase-${tag}`,
      name: 'Erase Co',
      owner: { email: `owner-${tag}@example.test`, name: 'Owner', password: FIXTURE_PASSWORD },
    });
    accountId = signup.body.account.id as string;
    ownerId = signup.body.ownerId as string;
    token = (
      await stack.http('POST', '/v1/auth/login', {
        subdomain: `erase-${tag}`,
        email: `owner-${tag}@example.test`,
        password: FIXTURE_PASSWORD,
      })
    ).body.token as string;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const as = () => ({ authorization: `Bearer ${token}` });
  const api = (method: string, path: string, body?: unknown) => stack.http(method, path, body, as());
  const finished = (requestId: string) =>
    until(
      () => api('GET', `/v1/erasure-requests/${requestId}`),
      (r) => r.body?.status === 'completed',
    );

  let phones = 5550100;
  async function person(email: string, name: string) {
    const phone = `+49 30 ${phones++}`;
    const contact = (await api('POST', '/v1/contacts', { email, name, phone })).body.id as string;
    const ticket = (
      await api('POST', '/v1/tickets', {
        contactId: contact,
        channel: 'email',
        subject: `Help for ${name}`,
        body: `Hi, this is ${name} (${email})`,
        attachments: [
          { filename: 'id.txt', contentType: 'text/plain', contentBase64: Buffer.from(email).toString('base64') },
        ],
      })
    ).body.id as string;
    await api('POST', `/v1/tickets/${ticket}/messages`, { body: 'We are on it.' });
    return { contact, ticket, phone };
  }

  /** The verifier of DESIGN §7 over the database and the account's workflow histories. */
  const verify = (identifiers: string[]) =>
    findIdentifiers({ sql: stack.sql, identifiers, accountId, temporal: stack.temporal.client });

  const rowsMentioning = async (needle: string) => {
    const [row] = await stack.sql<{ n: number }[]>`
      select (select count(*) from contacts where email = ${needle}) + (select count(*) from messages where body like ${'%' + needle + '%'})
           + (select count(*) from attachments where bytes = ${Buffer.from(needle)}) as n`;
    return Number(row?.n ?? 0);
  };

  it('erases a person completely, leaves others untouched, and signs a receipt that verifies offline', async () => {
    const subject = await person('dora@example.test', 'Dora Data');
    const bystander = await person('ben@example.test', 'Ben Bystander');
    await stack.http('POST', '/v1/chats', {
      subdomain: (await stack.sql`select subdomain from accounts where id = ${accountId}`)[0]?.subdomain,
      name: 'Dora Data',
      email: 'dora@example.test',
      message: 'Chat from Dora',
      consent: { granted: true, noticeVersion: '2026-01' },
    });
    expect(await rowsMentioning('dora@example.test')).toBeGreaterThan(0);

    // Before: the export holds everything about the person.
    const exported = await api('GET', `/v1/contacts/${subject.contact}/export`);
    expect(exported.status).toBe(200);
    expect(exported.body.contact).toMatchObject({
      email: 'dora@example.test',
      name: 'Dora Data',
      phone: subject.phone,
    });
    // The chat started under her address belongs to an unverified contact of its own: not hers to receive.
    expect(exported.body.tickets).toHaveLength(1);
    expect(exported.body.tickets.flatMap((t: { messages: unknown[] }) => t.messages)).toHaveLength(2);
    const attachment = exported.body.tickets[0].messages[0].attachments[0];
    expect(Buffer.from(attachment.contentBase64 as string, 'base64').toString()).toBe('dora@example.test');
    expect(exported.body.consents).toEqual([]);

    // Two requests for the same person at the same moment share one cascade: one request id, one workflow.
    const [accepted, joined] = await Promise.all([
      api('POST', `/v1/contacts/${subject.contact}/erasure`, { reference: 'DSR-1' }),
      api('POST', `/v1/contacts/${subject.contact}/erasure`, { reference: 'DSR-2' }),
    ]);
    expect([accepted.status, joined.status]).toEqual([202, 202]);
    expect(joined.body.requestId).toBe(accepted.body.requestId);
    const [requests] = await stack.sql<{ n: number }[]>`
      select count(*)::int as n from erasure_requests where subject_id = ${subject.contact}`;
    expect(requests?.n).toBe(1);

    const done = await finished(accepted.body.requestId as string);
    expect(done.body.status).toBe('completed');
    const receipt = done.body.receipt;
    expect(receipt).toMatchObject({ requestId: accepted.body.requestId, kind: 'erasure' });
    // Hers, and what was typed under her address in the chat form (an unverified contact, its ticket and consent).
    expect(receipt.counts).toEqual({
      contact: 1,
      contact_tickets: 1,
      contact_messages: 2,
      contact_attachments: 1,
      alias_contacts: 1,
      alias_tickets: 1,
      alias_messages: 1,
      alias_consents: 1,
    });
    expect(JSON.stringify(receipt)).not.toContain('dora');
    // Whoever holds MASTER_KEY can tell the receipt is Dora's (her address and phone), and no one else's.
    expect(receipt.subjectHash).toBe(subjectHash(stack.config.masterKey, [' Dora@Example.test', subject.phone]));
    expect(receipt.subjectHash).not.toBe(subjectHash(stack.config.masterKey, ['ben@example.test', bystander.phone]));
    // Backups that may still hold her expire one retention period after the erasure.
    expect(Date.parse(receipt.backupsExpireBy) - Date.parse(receipt.completedAt)).toBe(
      stack.config.lifecycle.backupRetentionPeriodMs,
    );

    const key = (await stack.http('GET', '/v1/receipts/public-key')).body.publicKeyPem as string;
    expect(verifyReceipt(key, receipt, done.body.signature)).toBe(true);
    expect(verifyReceipt(key, { ...receipt, counts: { ...receipt.counts, contact: 0 } }, done.body.signature)).toBe(
      false,
    );

    expect(await rowsMentioning('dora@example.test')).toBe(0);
    expect(await verify(['dora@example.test', 'Dora Data', subject.phone])).toEqual([]);
    expect((await verify(['ben@example.test'])).length).toBeGreaterThan(0);
    expect(await rowsMentioning('ben@example.test')).toBe(3);
    expect((await api('GET', `/v1/tickets/${bystander.ticket}`)).status).toBe(200);
    expect((await api('GET', `/v1/contacts/${subject.contact}`)).status).toBe(404);

    const history = JSON.stringify(
      await stack.temporal.client.workflow
        .getHandle(erasureWorkflowId(accountId, accepted.body.requestId as string))
        .fetchHistory(),
    );
    expect(history).not.toContain('dora');
    expect(history).not.toContain('Dora');
  });

  it('deletes an agent, keeping their messages as “deleted agent”, and refuses to delete the owner', async () => {
    const created = await api('POST', '/v1/agents', {
      email: 'gone@example.test',
      name: 'Gone Agent',
      role: 'agent',
      password: FIXTURE_PASSWORD,
    });
    const agentToken = (
      await stack.http('POST', '/v1/auth/login', {
        subdomain: (await stack.sql`select subdomain from accounts where id = ${accountId}`)[0]?.subdomain,
        email: 'gone@example.test',
        password: FIXTURE_PASSWORD,
      })
    ).body.token as string;
    const { ticket } = await person('carl@example.test', 'Carl Customer');
    await stack.http(
      'POST',
      `/v1/tickets/${ticket}/messages`,
      { body: 'Agent reply' },
      { authorization: `Bearer ${agentToken}` },
    );

    expect((await api('DELETE', `/v1/agents/${ownerId}`)).body.code).toBe('CANNOT_DELETE_OWNER');
    const accepted = await api('DELETE', `/v1/agents/${created.body.id}`);
    expect(accepted.status).toBe(202);
    const done = await finished(accepted.body.requestId as string);
    expect(done.body.receipt.counts).toMatchObject({ agent: 1, agent_messages_detached: 1, agent_sessions: 1 });
    expect((await stack.http('GET', '/v1/agents', undefined, { authorization: `Bearer ${agentToken}` })).status).toBe(
      401,
    );
    const shown = await api('GET', `/v1/tickets/${ticket}`);
    expect(
      shown.body.messages.map((m: { authorKind: string; authorUserId: string | null }) => [
        m.authorKind,
        m.authorUserId,
      ]),
    ).toEqual([
      ['contact', null],
      ['agent', ownerId],
      ['deleted_agent', null],
    ]);
    const [left] = await stack.sql`select count(*)::int as n from users where email = 'gone@example.test'`;
    expect(left?.n).toBe(0);
    expect(await verify(['gone@example.test', 'Gone Agent'])).toEqual([]);
  });

  it('trashes and restores a ticket, deletes one forever, and detaches tickets when a registration is deleted', async () => {
    const { contact, ticket } = await person('tess@example.test', 'Tess Ticket');
    expect((await api('DELETE', `/v1/tickets/${ticket}`)).status).toBe(204);
    expect((await api('GET', `/v1/tickets/${ticket}`)).body.trashedAt).not.toBeNull();
    expect((await api('POST', `/v1/tickets/${ticket}/restore`)).status).toBe(204);
    expect((await api('GET', `/v1/tickets/${ticket}`)).body.trashedAt).toBeNull();

    const forever = await api('DELETE', `/v1/tickets/${ticket}?forever=true`);
    expect(forever.status).toBe(202);
    expect((await finished(forever.body.requestId as string)).body.receipt.counts).toMatchObject({
      ticket: 1,
      ticket_messages: 2,
      ticket_attachments: 1,
    });
    expect((await api('GET', `/v1/tickets/${ticket}`)).status).toBe(404);
    // The contact is not part of a ticket's deletion: only it may still name Tess.
    const tess = await verify(['tess@example.test', 'Tess Ticket']);
    expect(new Set(tess.map((h) => h.location.split('.')[0]))).toEqual(new Set(['contacts']));

    const second = await person('rita@example.test', 'Rita Registered');
    const registration = await api('DELETE', `/v1/contacts/${second.contact}/registration`);
    expect(registration.status).toBe(202);
    await finished(registration.body.requestId as string);
    const kept = await api('GET', `/v1/tickets/${second.ticket}`);
    expect(kept.status).toBe(200);
    expect(kept.body.contactId).toBeNull();
    expect((await api('GET', `/v1/contacts/${second.contact}`)).status).toBe(404);
    // What must stay: the tickets with their messages and attachments, which the person wrote.
    const rita = await verify(['rita@example.test', 'Rita Registered', second.phone]);
    expect(rita.length).toBeGreaterThan(0);
    expect(new Set(rita.map((h) => h.location))).toEqual(
      new Set(['tickets.subject', 'messages.body', 'attachments.bytes']),
    );
    expect((await api('GET', `/v1/contacts/${contact}`)).status).toBe(200);

    const list = await api('GET', '/v1/erasure-requests');
    expect(list.body.requests.length).toBeGreaterThanOrEqual(4);
  });

  it('waits for the request to commit when the worker is faster than the API transaction that started it', async () => {
    const { contact } = await person('quick@example.test', 'Quick Worker');
    // What the API does, with the transaction held open until the worker has tried to start on the uncommitted row
    // and failed: no race with the worker's speed, however loaded the machine is.
    const requestId = await stack.sql.begin(async (tx) => {
      const id = await requestErasure(
        tx,
        stack.temporal.client,
        { accountId, actor: `user:${ownerId}` },
        'erasure',
        contact,
        null,
      );
      const handle = stack.temporal.client.workflow.getHandle(erasureWorkflowId(accountId, id));
      await until(
        async () => (await handle.describe()).raw.pendingActivities?.[0]?.attempt ?? 0,
        (attempt) => attempt > 1,
        60_000,
      );
      return id;
    });
    const done = await finished(requestId);
    expect(done.body.receipt.counts).toMatchObject({ contact: 1, contact_tickets: 1 });
    const history = await stack.temporal.client.workflow
      .getHandle(erasureWorkflowId(accountId, requestId))
      .fetchHistory();
    const attempts = (history.events ?? [])
      .map((e) => e.activityTaskStartedEventAttributes?.attempt)
      .filter((a): a is number => typeof a === 'number');
    // The first activity (startErasure) ran before the commit, failed retryably and succeeded on a later attempt.
    expect(attempts[0]).toBeGreaterThan(1);
  });
});
