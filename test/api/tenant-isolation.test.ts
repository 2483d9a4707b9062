import { insertPortalSession } from '../../src/db/portal';
import { createTestApp } from '../helpers/app';
import type { TestApp } from '../helpers/app';
import { truncateAll } from '../helpers/db';
import { call } from '../helpers/http';
import { FIXTURE_PASSWORD, seedTenant } from '../helpers/tenants';
import type { SeededTenant } from '../helpers/tenants';

/** Routes whose path ids are not tenant data, or that only operators or the public use. */
const NOT_TENANT_SCOPED = new Set([
  '/v1/support/accounts/{id}/reactivate',
  '/v1/support/accounts/{id}/deletion',
  // Staff only: a user is refused there whatever the id (e2e staff.test.ts checks the 401).
  '/v1/admin/accounts/{id}/audit-log',
  '/v1/tenants/{subdomain}',
  // Lethe's own registry, public and the same for everyone (XML, so not read as a list here).
  '/v1/sub-processors/feed.atom',
  '/v1/admin/sub-processors/{id}/objections',
  '/v1/admin/breaches/{id}',
  '/v1/admin/breaches/{id}/authority-notification',
  '/v1/admin/breaches/{id}/report',
  // Staff reads with the owner's grant: refused to users whatever the ids (e2e access-grants.test.ts).
  '/v1/admin/accounts/{id}/contacts/{itemId}',
  '/v1/admin/accounts/{id}/contacts/{itemId}/export',
  '/v1/admin/accounts/{id}/tickets/{itemId}',
]);

/** Lists and metrics for staff only: a user's credentials are refused there. */
const STAFF_ONLY_LISTS = new Set(['/v1/admin/accounts', '/metrics']);

/** A plausible valid body per route, so a refusal is about the tenant, not about validation. */
const BODIES: Record<string, unknown> = {
  'POST /v1/accounts/{id}/deletion': { confirm: 'x', password: FIXTURE_PASSWORD },
  'PUT /v1/accounts/{id}/ip-allowlist': { cidrs: [], force: true },
  'POST /v1/tickets/{id}/messages': { body: 'hello from B' },
  'POST /v1/sub-processors/{id}/objections': { reason: 'objection from B' },
  'POST /v1/contacts/{id}/consents': { purpose: 'marketing', noticeVersion: '2026-01' },
  'POST /v1/erasure-requests/{id}/extension': { reason: 'B wants more time' },
  'POST /v1/contacts/{id}/erasure-refusal': { reason: 'B refuses' },
};

describe('tenant isolation across every route of the OpenAPI document', () => {
  let t: TestApp;
  let a: SeededTenant;
  let b: SeededTenant;
  let tokenA: string;
  let tokenB: string;
  let apiTokenIdA: string;
  let contactIdA: string;
  let ticketIdA: string;
  let erasureRequestIdA: string;
  let erasureRequestIdB: string;
  let portalTokenB: string;

  beforeAll(async () => {
    t = createTestApp();
    await truncateAll(t.deps.sql);
    a = await seedTenant(t.deps.sql);
    b = await seedTenant(t.deps.sql);
    const login = async (x: SeededTenant) =>
      (
        await call(t, '/v1/auth/login', {
          body: { subdomain: x.subdomain, email: x.ownerEmail, password: FIXTURE_PASSWORD },
        })
      ).body.token as string;
    tokenA = await login(a);
    tokenB = await login(b);
    apiTokenIdA = (
      await call(t, '/v1/me/api-tokens', { body: { name: 'a-token', password: FIXTURE_PASSWORD }, token: tokenA })
    ).body.id as string;
    contactIdA = (await call(t, '/v1/contacts', { body: { email: 'c@example.test', name: 'C' }, token: tokenA })).body
      .id as string;
    ticketIdA = (
      await call(t, '/v1/tickets', {
        body: { contactId: contactIdA, channel: 'email', subject: 'S', body: 'B' },
        token: tokenA,
      })
    ).body.id as string;
    // Requests rows of both tenants, made directly (no workflow: nothing runs them in this project).
    const request = async (x: SeededTenant) =>
      (
        await t.deps.sql<{ id: string }[]>`
          insert into erasure_requests (account_id, kind, subject_id, requested_by)
          values (${x.accountId}, 'agent', ${x.ownerId}, 'test') returning id`
      )[0]?.id ?? '';
    erasureRequestIdA = await request(a);
    erasureRequestIdB = await request(b);
    const contactIdB = (await call(t, '/v1/contacts', { body: { email: 'd@example.test', name: 'D' }, token: tokenB }))
      .body.id as string;
    portalTokenB = (await insertPortalSession(t.deps.sql, b.accountId, contactIdB)).token;
  });

  afterAll(() => t.close());

  it('answers tenant B’s credentials on tenant A’s ids with 404, lists none of A’s ids, and changes none of A’s rows', async () => {
    const doc = (await call(t, '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const idsOfA = [a.accountId, a.ownerId, apiTokenIdA, contactIdA, ticketIdA, erasureRequestIdA];
    const rowsOfA = () =>
      Promise.all(
        [
          'users',
          'api_tokens',
          'sessions',
          'ip_allowlists',
          'recovery_codes',
          'contacts',
          'tickets',
          'messages',
          'accounts',
        ].map((table) =>
          t.deps.sql.unsafe(
            `select * from ${table} where ${table === 'accounts' ? 'id' : 'account_id'} = $1 order by 1`,
            [a.accountId],
          ),
        ),
      );
    const before = JSON.stringify(await rowsOfA());
    const checked: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const method of Object.keys(operations)) {
        const key = `${method.toUpperCase()} ${path}`;
        if (NOT_TENANT_SCOPED.has(path)) continue;
        // Writes without an id act on B's own data (logout, enrolment…): only reads are swept there.
        if (!path.includes('{id}') && method !== 'get') continue;
        const idOfA = path.includes('/api-tokens/')
          ? apiTokenIdA
          : path.startsWith('/v1/agents/')
            ? a.ownerId
            : path.startsWith('/v1/contacts/')
              ? contactIdA
              : path.startsWith('/v1/tickets/')
                ? ticketIdA
                : path.startsWith('/v1/erasure-requests/')
                  ? erasureRequestIdA
                  : a.accountId;
        const url = path.replace('{id}', idOfA);
        if (url.includes('{')) continue;
        // B's end users reach the portal's own routes with B's portal session.
        const token = path.startsWith('/v1/portal/me') ? portalTokenB : tokenB;
        const res = await call(t, url, { method: method.toUpperCase(), token, body: BODIES[key] });
        if (path.includes('{id}')) {
          expect({ key, status: res.status }).toEqual({ key, status: 404 });
        } else if (STAFF_ONLY_LISTS.has(path)) {
          expect({ key, refused: [401, 403].includes(res.status) }).toEqual({ key, refused: true });
        } else {
          // A list B may read: it answers, and none of A's ids is in it.
          expect({ key, status: res.status }).toEqual({ key, status: 200 });
          for (const id of idsOfA)
            expect({ key, leaks: JSON.stringify(res.body).includes(id) }).toEqual({ key, leaks: false });
        }
        checked.push(key);
      }
    }
    expect(checked).toEqual(
      expect.arrayContaining([
        'GET /v1/accounts/{id}',
        'POST /v1/accounts/{id}/deletion',
        'GET /v1/accounts/{id}/ip-allowlist',
        'PUT /v1/accounts/{id}/ip-allowlist',
        'DELETE /v1/me/api-tokens/{id}',
        'GET /v1/agents',
        'GET /v1/audit-log',
        'GET /v1/me/api-tokens',
        'GET /v1/contacts/{id}',
        'GET /v1/contacts/{id}/consents',
        'POST /v1/contacts/{id}/consents',
        'POST /v1/erasure-requests/{id}/extension',
        'POST /v1/access-requests/{id}/approve',
        'POST /v1/access-requests/{id}/revoke',
        'GET /v1/access-requests',
        'POST /v1/contacts/{id}/erasure-refusal',
        'GET /v1/tickets/{id}',
        'POST /v1/tickets/{id}/messages',
        'DELETE /v1/agents/{id}',
        'DELETE /v1/tickets/{id}',
        'POST /v1/tickets/{id}/restore',
        'POST /v1/contacts/{id}/erasure',
        'DELETE /v1/contacts/{id}/registration',
        'GET /v1/contacts/{id}/export',
        'GET /v1/erasure-requests',
        'GET /v1/erasure-requests/{id}',
      ]),
    );
    // The lists are not empty for B: the sweep would prove nothing on lists that show nobody anything.
    const mine = await call(t, '/v1/erasure-requests', { token: tokenB });
    expect(JSON.stringify(mine.body)).toContain(erasureRequestIdB);
    expect((await call(t, `/v1/erasure-requests/${erasureRequestIdB}`, { token: tokenB })).status).toBe(200);
    expect(JSON.stringify(await rowsOfA())).toBe(before);
    const aStillWorks = await call(t, '/v1/agents', { token: tokenA });
    expect(aStillWorks.status).toBe(200);
    const tokensOfA = (await call(t, '/v1/me/api-tokens', { token: tokenA })).body.tokens as { id: string }[];
    expect(tokensOfA.map((x) => x.id)).toContain(apiTokenIdA);
  });
});
