import { createHash } from 'node:crypto';
import { findIdentifiers } from '../../src/verify/forgotten';
import { signUpAndSignIn, startStack, until } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

describe('the suppression list: an erased person is not imported again (issue 15 §5)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const address = 'zoe.quill@example.test';

  it('keeps a keyed hash only, refuses imports and marketing consents, and lets the person write again', async () => {
    const a = await signUpAndSignIn(stack, 'supa');
    const b = await signUpAndSignIn(stack, 'supb');
    const api = (tenant: typeof a, method: string, path: string, body?: unknown) =>
      stack.http(method, path, body, tenant.auth);

    // Zoe is known to both tenants and agreed to their newsletters.
    const zoeA = (await api(a, 'POST', '/v1/contacts', { email: address, name: 'Zoe Quill' })).body.id as string;
    const zoeB = (await api(b, 'POST', '/v1/contacts', { email: address, name: 'Zoe Quill' })).body.id as string;
    const marketing = { purpose: 'marketing', noticeVersion: '2026-01' };
    expect((await api(a, 'POST', `/v1/contacts/${zoeA}/consents`, marketing)).status).toBe(201);
    expect((await api(b, 'POST', `/v1/contacts/${zoeB}/consents`, marketing)).status).toBe(201);

    // She asks tenant A to erase her.
    const requested = await api(a, 'POST', `/v1/contacts/${zoeA}/erasure`, { reference: 'DSR-9' });
    expect(requested.status).toBe(202);
    await until(
      () => api(a, 'GET', `/v1/erasure-requests/${requested.body.requestId as string}`),
      (r) => r.body?.status === 'completed',
    );

    // A keeps one 32-byte keyed hash and nothing readable; the bare SHA-256 of her address is not it.
    const rows = await stack.sql<{ addressHash: Buffer }[]>`
      select address_hash from suppressed_addresses where account_id = ${a.id}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.addressHash).toHaveLength(32);
    expect(rows[0]?.addressHash.equals(createHash('sha256').update(address).digest())).toBe(false);
    // The verifier finds nothing of her in A: the keyed hash is not her address, nor its bare hash.
    expect(await findIdentifiers({ sql: stack.sql, identifiers: [address], accountId: a.id })).toEqual([]);

    // Imports of her address are refused in A, in any spelling; B, which she did not ask, is unaffected.
    const again = await api(a, 'POST', '/v1/contacts', { email: 'Zoe.Quill@Example.test', name: 'Zoe' });
    expect(again).toMatchObject({ status: 409, body: { code: 'ADDRESS_SUPPRESSED' } });
    expect(JSON.stringify(again.body)).not.toContain('example.test');
    expect((await api(b, 'POST', '/v1/contacts', { email: address, name: 'Zoe' })).status).toBe(201);

    // She writes again: a real conversation is not refused, she is a new contact, and her old consents stay gone.
    const chat = await stack.http('POST', '/v1/chats', {
      subdomain: a.subdomain,
      name: 'Zoe',
      email: address,
      message: 'Hello again, I have a new question',
      consent: { granted: true, noticeVersion: '2026-02' },
    });
    expect(chat.status).toBe(201);
    const [ticket] = await stack.sql<{ contactId: string }[]>`
      select contact_id from tickets where id = ${chat.body.ticketId as string}`;
    const newZoe = ticket?.contactId ?? '';
    expect(newZoe).not.toBe(zoeA);
    const consents = await api(a, 'GET', `/v1/contacts/${newZoe}/consents`);
    expect(consents.body.consents.map((c: { purpose: string }) => c.purpose)).toEqual(['chat']);
    // No marketing consent for her address in A; other purposes are recorded.
    expect((await api(a, 'POST', `/v1/contacts/${newZoe}/consents`, marketing)).body.code).toBe('ADDRESS_SUPPRESSED');
    expect(
      (await api(a, 'POST', `/v1/contacts/${newZoe}/consents`, { purpose: 'surveys', noticeVersion: '2026-02' }))
        .status,
    ).toBe(201);

    // Erased in B too: a different hash, so the two lists cannot be joined to follow her across tenants.
    const inB = await api(b, 'POST', `/v1/contacts/${zoeB}/erasure`, {});
    await until(
      () => api(b, 'GET', `/v1/erasure-requests/${inB.body.requestId as string}`),
      (r) => r.body?.status === 'completed',
    );
    const [hashB] = await stack.sql<{ addressHash: Buffer }[]>`
      select address_hash from suppressed_addresses where account_id = ${b.id}`;
    expect(hashB?.addressHash.equals(rows[0]?.addressHash ?? Buffer.alloc(0))).toBe(false);

    // A bare hash would be personal data: planted in B's list, the verifier reports it.
    await stack.sql`insert into suppressed_addresses (account_id, address_hash)
                    values (${b.id}, ${createHash('sha256').update(address).digest()})`;
    const hits = await findIdentifiers({ sql: stack.sql, identifiers: [address], accountId: b.id });
    expect(hits.map((h) => h.location)).toContain('suppressed_addresses.address_hash');
  });
});
