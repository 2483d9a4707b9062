import { randomBytes } from 'node:crypto';
import { insertPortalSession } from '../../src/db/portal';
import { signUpAndSignIn, startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { FIXTURE_PASSWORD } from '../helpers/tenants';

const POOL = 2;

/**
 * The routes that start or signal workflows while their tenant transaction is open, three times the pool's size at
 * once (issue 10 defect 3: twelve concurrent owner deletions on a pool of ten wedged the API for good). Every answer
 * comes, none is a 5xx, and the pool serves afterwards. The API and the worker share the small pool, as they would
 * share a starved database.
 */
describe('workflow-starting routes under concurrency on a small pool', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ API_DB_POOL_SIZE: String(POOL) });
  }, 120_000);
  afterAll(() => stack?.stop());

  const account = () => signUpAndSignIn(stack, 'pool');

  /** `times` requests at once; each must answer within 20 s, none with a 5xx. */
  async function atOnce(
    label: string,
    request: (i: number) => Promise<{ status: number }>,
    times = 3 * POOL,
  ): Promise<number[]> {
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<'hung'>((resolve) => {
      timer = setTimeout(() => resolve('hung'), 20_000);
    });
    const answers = await Promise.race([Promise.all(Array.from({ length: times }, (_, i) => request(i))), hung]);
    clearTimeout(timer);
    expect({ label, hung: answers === 'hung' }).toEqual({ label, hung: false });
    const statuses = (answers as { status: number }[]).map((a) => a.status);
    expect({ label, serverErrors: statuses.filter((s) => s >= 500) }).toEqual({ label, serverErrors: [] });
    return statuses;
  }

  it(`answers ${3 * POOL} concurrent requests of each with a pool of ${POOL}, and serves on`, async () => {
    const a = await account();
    const b = await account();
    const contact = async (name: string) =>
      (await stack.http('POST', '/v1/contacts', { email: `${name}@example.test`, name }, a.auth)).body.id as string;
    const [erased, registered, portalUser] = [await contact('erased'), await contact('reg'), await contact('portal')];
    const agent = (
      await stack.http(
        'POST',
        '/v1/agents',
        { email: 'agent@example.test', name: 'Agent', role: 'agent', password: FIXTURE_PASSWORD },
        a.auth,
      )
    ).body.id as string;
    const portal = { authorization: `Bearer ${(await insertPortalSession(stack.sql, a.id, portalUser)).token}` };
    const support = { channel: 'chat', reference: 'CHAT-1' };

    const signups = await atOnce('POST /v1/accounts', (i) =>
      stack.http('POST', '/v1/accounts', {
        subdomain: `many-${randomBytes(3).toString('hex')}-${i}`,
        name: 'Many',
        owner: { email: `o${i}@example.test`, name: 'O', password: FIXTURE_PASSWORD },
      }),
    );
    expect(signups.every((s) => s === 201)).toBe(true);
    const payments = await atOnce('POST /v1/billing/events', (i) =>
      stack.billing({
        id: `evt_${randomBytes(6).toString('hex')}`,
        type: 'payment.succeeded',
        accountId: b.id,
        occurredAt: new Date(Date.now() + i).toISOString(),
        data: { invoiceId: `inv_${i}` },
      }),
    );
    expect(payments.every((s) => s === 200 || s === 202)).toBe(true);
    const erasures = await atOnce('POST /v1/contacts/{id}/erasure', () =>
      stack.http('POST', `/v1/contacts/${erased}/erasure`, {}, a.auth),
    );
    expect(erasures).toContain(202);
    await atOnce('DELETE /v1/contacts/{id}/registration', () =>
      stack.http('DELETE', `/v1/contacts/${registered}/registration`, undefined, a.auth),
    );
    const agentDeletions = await atOnce('DELETE /v1/agents/{id}', () =>
      stack.http('DELETE', `/v1/agents/${agent}`, undefined, a.auth),
    );
    expect(agentDeletions).toContain(202);
    await atOnce('DELETE /v1/portal/me', () => stack.http('DELETE', '/v1/portal/me', undefined, portal));
    // b is active (paid above): a reactivation is refused by the workflow, at its validator.
    expect(
      await atOnce('POST /v1/support/accounts/{id}/reactivate', () =>
        stack.http('POST', `/v1/support/accounts/${b.id}/reactivate`, support, stack.operator),
      ),
    ).toEqual(Array(3 * POOL).fill(409));
    const ownerDeletions = await atOnce('POST /v1/accounts/{id}/deletion', () =>
      stack.http('POST', `/v1/accounts/${a.id}/deletion`, { confirm: a.subdomain, password: FIXTURE_PASSWORD }, a.auth),
    );
    expect(ownerDeletions).toContain(202);
    const supportDeletions = await atOnce('POST /v1/support/accounts/{id}/deletion', () =>
      stack.http('POST', `/v1/support/accounts/${b.id}/deletion`, { ...support, confirm: b.subdomain }, stack.operator),
    );
    expect(supportDeletions).toContain(202);

    // The pool serves on.
    expect((await account()).id).toBeDefined();
  }, 180_000);
});
