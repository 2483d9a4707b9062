import { signUpAndSignIn, startStack, until } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

const ALICE = `alice-operator-token-${'a'.repeat(20)}`;
const BARE = `bare-operator-token-${'o'.repeat(20)}`;
const BOB = `bob-support-token-${'b'.repeat(20)}`;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

// Issue 11 §1–2: named staff (OPERATOR_TOKENS alice and a bare token, SUPPORT_TOKENS bob), accountable for each action.
describe('named staff finding and acting on an account', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ OPERATOR_TOKENS: `alice:${ALICE},${BARE}`, SUPPORT_TOKENS: `bob:${BOB}` });
  }, 120_000);
  afterAll(() => stack?.stop());

  async function signup() {
    const a = await signUpAndSignIn(stack, 'staff', (tag) => `Owner.${tag}@Example.test`);
    return { ...a, owner: a.auth };
  }

  const auditOf = async (id: string) =>
    stack.sql<{ actor: string; action: string; reference: string | null }[]>`
      select actor, action, reference from audit_log where account_id = ${id} order by id`;

  it('lets support find an account by subdomain or owner email, auditing the email look-up by name', async () => {
    const a = await signup();
    const bySubdomain = await until(
      () => stack.http('GET', `/v1/admin/accounts?subdomain=${a.subdomain}`, undefined, as(BOB)),
      (r) => r.body?.accounts?.[0]?.state === 'trial',
    );
    expect(bySubdomain.body.accounts).toEqual([
      { accountId: a.id, subdomain: a.subdomain, state: 'trial', plan: 'trial', nextTransitionAt: expect.any(String) },
    ]);
    const byEmail = await stack.http(
      'GET',
      `/v1/admin/accounts?ownerEmail=${encodeURIComponent(a.email.toUpperCase())}`,
      undefined,
      as(BOB),
    );
    expect(byEmail.body.accounts.map((x: { accountId: string }) => x.accountId)).toEqual([a.id]);
    expect(await auditOf(a.id)).toContainEqual({
      actor: 'staff:bob',
      action: 'staff.looked_up_by_owner_email',
      reference: null,
    });
    // Not the address of somebody else, and not a prefix of it.
    const none = await stack.http('GET', `/v1/admin/accounts?ownerEmail=wner.x%40example.test`, undefined, as(BOB));
    expect(none.body.accounts).toEqual([]);
    // The owner sees who looked them up.
    const mine = await stack.http('GET', '/v1/audit-log', undefined, a.owner);
    expect(mine.body.entries.map((e: { actor: string }) => e.actor)).toContain('staff:bob');
  });

  it('keeps the operators’ views to operators, and staff routes to staff', async () => {
    const a = await signup();
    expect((await stack.http('GET', '/v1/admin/accounts', undefined, as(BOB))).status).toBe(403);
    expect((await stack.http('GET', '/v1/admin/accounts?state=trial', undefined, as(BOB))).status).toBe(403);
    expect((await stack.http('GET', '/v1/admin/accounts?state=trial', undefined, as(ALICE))).status).toBe(200);
    expect((await stack.http('GET', '/v1/admin/accounts', undefined, a.owner)).status).toBe(401);
    expect((await stack.http('GET', `/v1/admin/accounts/${a.id}/audit-log`, undefined, a.owner)).status).toBe(401);
    expect((await stack.http('GET', '/v1/admin/accounts', undefined, as(`${BOB}x`))).status).toBe(401);
  });

  it('names the staff member on every action and lets staff read the trail, which records the reading', async () => {
    const a = await signup();
    const support = { channel: 'email', reference: 'MAIL-123' };
    const refused = await stack.http('POST', `/v1/support/accounts/${a.id}/reactivate`, support, as(BOB));
    expect(refused.body).toMatchObject({ code: 'INVALID_TRANSITION', state: 'trial', allowed: ['deletion'] });
    const deleted = await stack.http(
      'POST',
      `/v1/support/accounts/${a.id}/deletion`,
      { ...support, confirm: a.subdomain },
      as(BOB),
    );
    expect(deleted.status).toBe(202);
    const trail = await stack.http('GET', `/v1/admin/accounts/${a.id}/audit-log`, undefined, as(ALICE));
    expect(trail.status).toBe(200);
    expect(trail.body.entries).toContainEqual(
      expect.objectContaining({
        actor: 'staff:bob',
        action: 'support.deletion_requested_email',
        reference: 'MAIL-123',
      }),
    );
    expect(await auditOf(a.id)).toContainEqual({
      actor: 'staff:alice',
      action: 'staff.read_audit_log',
      reference: null,
    });
    // A bare token still works, as the staff member "operator".
    expect((await stack.http('GET', `/v1/admin/accounts/${a.id}/audit-log`, undefined, as(BARE))).status).toBe(200);
    expect(await auditOf(a.id)).toContainEqual({
      actor: 'staff:operator',
      action: 'staff.read_audit_log',
      reference: null,
    });
  });
});
