import { signUpAndSignIn, startStack, until } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { FIXTURE_PASSWORD } from '../helpers/tenants';

const BOB_TOKEN = 'support-token-bob-0000000000000000000000';

describe('staff read a tenant’s data only with its owner’s approval (issue 15 §2)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ SUPPORT_TOKENS: `bob:${BOB_TOKEN}` });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('asks, is approved, reads with every read audited, and loses access at expiry, revocation or refusal', async () => {
    const bob = { authorization: `Bearer ${BOB_TOKEN}` };
    const t = await signUpAndSignIn(stack, 'grant');
    const other = await signUpAndSignIn(stack, 'grantx');
    const api = (method: string, path: string, body?: unknown, auth = t.auth) => stack.http(method, path, body, auth);
    const contact = (await api('POST', '/v1/contacts', { email: `cora-${t.tag}@example.test`, name: 'Cora' })).body
      .id as string;
    const ticket = (
      await api('POST', '/v1/tickets', { contactId: contact, channel: 'email', subject: 'Invoice', body: 'Hi there' })
    ).body.id as string;
    const reads = [
      `/v1/admin/accounts/${t.id}/contacts/${contact}`,
      `/v1/admin/accounts/${t.id}/contacts/${contact}/export`,
      `/v1/admin/accounts/${t.id}/tickets/${ticket}`,
    ];
    const statuses = async (auth: Record<string, string>) =>
      Promise.all(reads.map(async (path) => (await stack.http('GET', path, undefined, auth)).status));

    // No grant: staff read nothing of the tenant's data.
    expect(await statuses(bob)).toEqual([403, 403, 403]);
    expect((await stack.http('GET', reads[0] ?? '', undefined, bob)).body.code).toBe('NO_ACCESS_GRANT');

    const ask = (durationSeconds: number) =>
      stack.http(
        'POST',
        '/v1/admin/access-requests',
        { accountId: t.id, reason: 'Ticket 4711 looks corrupted', durationSeconds },
        bob,
      );
    const asked = await ask(6);
    expect(asked).toMatchObject({ status: 201, body: { status: 'requested', staffName: 'bob' } });
    const grantId = asked.body.id as string;
    expect((await ask(8 * 86_400)).status).toBe(400);
    expect(await statuses(bob)).toEqual([403, 403, 403]);

    // The owner sees it and decides; an admin may not approve, another tenant cannot see it.
    const listed = await api('GET', '/v1/access-requests');
    expect(listed.body.requests.map((r: { id: string }) => r.id)).toContain(grantId);
    await api('POST', '/v1/agents', {
      email: `adm-${t.tag}@example.test`,
      name: 'Ad',
      role: 'admin',
      password: FIXTURE_PASSWORD,
    });
    const admin = await stack.http('POST', '/v1/auth/login', {
      subdomain: t.subdomain,
      email: `adm-${t.tag}@example.test`,
      password: FIXTURE_PASSWORD,
    });
    const asAdmin = { authorization: `Bearer ${admin.body.token as string}` };
    expect((await api('POST', `/v1/access-requests/${grantId}/approve`, undefined, asAdmin)).status).toBe(403);
    expect((await api('POST', `/v1/access-requests/${grantId}/approve`, undefined, other.auth)).status).toBe(404);
    const approved = await api('POST', `/v1/access-requests/${grantId}/approve`);
    expect(approved.body).toMatchObject({ status: 'approved' });

    // With the grant Bob reads; another staff member still does not; each read is in the tenant's trail.
    expect(await statuses(bob)).toEqual([200, 200, 200]);
    const exported = await stack.http('GET', reads[1] ?? '', undefined, bob);
    expect(JSON.stringify(exported.body)).toContain(`cora-${t.tag}@example.test`);
    expect(await statuses(stack.operator)).toEqual([403, 403, 403]);
    const trail = await api('GET', '/v1/audit-log?limit=50');
    const byBob = trail.body.entries
      .filter((e: { actor: string }) => e.actor === 'staff:bob')
      .map((e: { action: string }) => e.action);
    expect(byBob).toEqual(
      expect.arrayContaining([
        'access_grant.requested',
        'staff.read_contact',
        'staff.exported_contact',
        'staff.read_ticket',
      ]),
    );

    // The durable timer ends the grant: refused from the moment it expires, and marked expired.
    await until(
      () => api('GET', '/v1/access-requests'),
      (r) => r.body.requests.some((g: { id: string; status: string }) => g.id === grantId && g.status === 'expired'),
      30_000,
    );
    expect(await statuses(bob)).toEqual([403, 403, 403]);

    // Revoked at once; refused means never.
    const second = (await ask(3600)).body.id as string;
    await api('POST', `/v1/access-requests/${second}/approve`);
    expect(await statuses(bob)).toEqual([200, 200, 200]);
    expect((await api('POST', `/v1/access-requests/${second}/revoke`, undefined, asAdmin)).body.status).toBe('revoked');
    expect(await statuses(bob)).toEqual([403, 403, 403]);
    expect((await api('POST', `/v1/access-requests/${second}/revoke`)).status).toBe(409);
    const third = (await ask(3600)).body.id as string;
    expect((await api('POST', `/v1/access-requests/${third}/refuse`)).body.status).toBe('refused');
    expect((await api('POST', `/v1/access-requests/${third}/approve`)).status).toBe(409);
    expect(await statuses(bob)).toEqual([403, 403, 403]);
  });
});
