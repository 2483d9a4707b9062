import { createSql } from '../../src/db/client';
import { insertPortalSession } from '../../src/db/portal';
import { createTestApp } from '../helpers/app';
import type { TestApp } from '../helpers/app';
import { truncateAll } from '../helpers/db';
import { call } from '../helpers/http';
import { FIXTURE_PASSWORD, seedTenant } from '../helpers/tenants';
import type { SeededTenant } from '../helpers/tenants';

const POOL = 2;

/** Routes that start a workflow: nothing runs workflows in this project, so they are left to the e2e tests. */
const STARTS_WORKFLOWS = new Set([
  'POST /v1/accounts',
  'POST /v1/accounts/{id}/deletion',
  'POST /v1/contacts/{id}/erasure',
  'DELETE /v1/contacts/{id}/registration',
  'DELETE /v1/agents/{id}',
  'DELETE /v1/portal/me',
  'POST /v1/support/accounts/{id}/reactivate',
  'POST /v1/support/accounts/{id}/deletion',
  'POST /v1/billing/events',
]);

/**
 * Every route that holds a tenant transaction, three times the pool's size at once (issue 10): a request that asked
 * the pool for a second connection while holding one would wedge them all. Each answers (any status but a 5xx), in
 * bounded time, and the pool serves the next request afterwards.
 */
describe('routes under concurrency on a small pool', () => {
  let t: TestApp;
  let tenant: SeededTenant;
  let token: string;
  let portalToken: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = createTestApp({ sql: createSql(process.env.DATABASE_URL ?? '', { max: POOL }) });
    await truncateAll(t.deps.sql);
    tenant = await seedTenant(t.deps.sql, { agents: 1, sessionsPerUser: 0 });
    token = (
      await call(t, '/v1/auth/login', {
        body: { subdomain: tenant.subdomain, email: tenant.ownerEmail, password: FIXTURE_PASSWORD },
      })
    ).body.token as string;
    ids.contact = (await call(t, '/v1/contacts', { body: { email: 'p@example.test', name: 'P' }, token })).body
      .id as string;
    ids.ticket = (
      await call(t, '/v1/tickets', {
        body: { contactId: ids.contact, channel: 'email', subject: 's', body: 'b' },
        token,
      })
    ).body.id as string;
    portalToken = (await insertPortalSession(t.deps.sql, tenant.accountId, ids.contact)).token;
  });
  afterAll(() => t.close());

  it(`answers ${3 * POOL} concurrent requests of every transaction-holding route with a pool of ${POOL}`, async () => {
    const doc = (await call(t, '/openapi.json')).body as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const swept: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const key = `${method.toUpperCase()} ${path}`;
        if (!operation.security || STARTS_WORKFLOWS.has(key) || path.startsWith('/v1/admin/')) continue;
        if (path === '/v1/portal/oauth') continue;
        const url = path
          .replace(
            '{id}',
            path.startsWith('/v1/tickets/')
              ? ids.ticket!
              : path.startsWith('/v1/contacts/')
                ? ids.contact!
                : tenant.accountId,
          )
          .replace('{purpose}', 'chat');
        if (url.includes('{')) continue;
        const as = path.startsWith('/v1/portal/') ? portalToken : token;
        let timer: NodeJS.Timeout | undefined;
        const hung = new Promise<'hung'>((resolve) => {
          timer = setTimeout(() => resolve('hung'), 15_000);
        });
        const answers = await Promise.race([
          Promise.all(
            Array.from({ length: 3 * POOL }, () =>
              call(t, url, { method: method.toUpperCase(), token: as, ...(method === 'get' ? {} : { body: {} }) }),
            ),
          ),
          hung,
        ]);
        clearTimeout(timer);
        expect({ key, hung: answers === 'hung' }).toEqual({ key, hung: false });
        const statuses = (answers as { status: number }[]).map((a) => a.status);
        expect({ key, serverErrors: statuses.filter((s) => s >= 500) }).toEqual({ key, serverErrors: [] });
        swept.push(key);
      }
    }
    expect(swept.length).toBeGreaterThan(15);
    // The pool serves on afterwards (the sweep's logout ended the first session).
    const again = await call(t, '/v1/auth/login', {
      body: { subdomain: tenant.subdomain, email: tenant.ownerEmail, password: FIXTURE_PASSWORD },
    });
    expect((await call(t, '/v1/agents', { token: again.body.token as string })).status).toBe(200);
  });
});
