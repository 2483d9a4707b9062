import Stripe from 'stripe';
import { insertPortalSession } from '../../src/db/portal';
import { insertContact } from '../../src/db/tickets';
import { signWebhook } from '../../src/security/webhook-signature';
import { createTestApp } from '../helpers/app';
import type { TestApp } from '../helpers/app';
import { TEST_ENV, testConfig } from '../helpers/config';
import { truncateAll } from '../helpers/db';
import { call } from '../helpers/http';
import { inboundHeaders } from '../helpers/inbound-mail';
import { databaseDigest, FIXTURE_PASSWORD, seedTenant } from '../helpers/tenants';
import type { SeededTenant } from '../helpers/tenants';

/** What PostgreSQL refuses in text and json (NUL), and what is not UTF-8 at all (a surrogate without its pair). */
const UNSTORABLE = { nul: '\u0000', loneSurrogate: '\ud800' };

interface Operation {
  parameters?: { name: string; in: 'path' | 'query' | 'header' }[];
  requestBody?: { content?: Record<string, unknown> };
}
type Doc = { paths: Record<string, Record<string, Operation>> };

/** Every string of a JSON value with its field path as the API names it (`owner.email`, `cidrs.0`). */
function stringLeaves(value: unknown, path: string[] = []): { path: string[]; value: string }[] {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, [...path, String(i)]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...path, k]));
  }
  return [];
}

function withLeaf(value: unknown, path: string[], leaf: string): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(value)) return value.map((v, i) => (String(i) === head ? withLeaf(v, rest, leaf) : v));
  const object = value as Record<string, unknown>;
  return { ...object, [head]: withLeaf(object[head], rest, leaf) };
}

/** The bad character in the middle of an otherwise valid value, so trimming or prefix checks cannot hide it. */
const spoil = (value: string, bad: string) => `${value.slice(0, 1)}${bad}${value.slice(1)}`;

describe('characters PostgreSQL cannot store, on every route of the OpenAPI document', () => {
  let t: TestApp;
  let tenant: SeededTenant;
  let session: string;
  let portalSession: string;
  let contactId: string;
  let ticketId: string;

  beforeAll(async () => {
    t = createTestApp({ config: testConfig({ STRIPE_WEBHOOK_SECRET: 'whsec_test_0123456789abcdef0123456789abcdef' }) });
    await truncateAll(t.deps.sql);
    tenant = await seedTenant(t.deps.sql, { agents: 0, sessionsPerUser: 0 });
    session = (
      await call(t, '/v1/auth/login', {
        body: { subdomain: tenant.subdomain, email: tenant.ownerEmail, password: FIXTURE_PASSWORD },
      })
    ).body.token as string;
    contactId = await insertContact(t.deps.sql, tenant.accountId, { email: 'c@example.test', name: 'C' });
    ticketId = (
      await call(t, '/v1/tickets', {
        body: { contactId, channel: 'email', subject: 'S', body: 'B' },
        token: session,
      })
    ).body.id as string;
    portalSession = (await insertPortalSession(t.deps.sql, tenant.accountId, contactId)).token;
  });
  afterAll(() => t.close());

  /** A request each route would accept (or refuse for a reason other than its input), per `METHOD /path`. */
  function validBody(key: string): unknown {
    const attachment = { filename: 'a.txt', contentType: 'text/plain', contentBase64: 'aGk=' };
    const bodies: Record<string, unknown> = {
      'POST /v1/accounts': {
        subdomain: 'fresh-tenant',
        name: 'Fresh',
        owner: { email: 'fresh@example.test', name: 'Fresh Owner', password: FIXTURE_PASSWORD },
      },
      'POST /v1/accounts/{id}/deletion': { confirm: tenant.subdomain, password: FIXTURE_PASSWORD, totp: '123456' },
      'POST /v1/billing/events': {
        id: 'evt_1',
        type: 'payment.succeeded',
        accountId: tenant.accountId,
        occurredAt: new Date().toISOString(),
        data: { invoiceId: 'inv_1', currency: 'EUR', reason: 'card' },
      },
      'POST /v1/billing/stripe': {
        id: 'evt_1',
        object: 'event',
        type: 'invoice.paid',
        created: Math.floor(Date.now() / 1000),
        data: { object: { object: 'invoice', metadata: { lethe_account_id: tenant.accountId } } },
      },
      'POST /v1/support/accounts/{id}/reactivate': { channel: 'chat', reference: 'CHAT-1' },
      'POST /v1/support/accounts/{id}/deletion': { channel: 'chat', reference: 'CHAT-1', confirm: tenant.subdomain },
      'POST /v1/auth/login': {
        subdomain: tenant.subdomain,
        email: tenant.ownerEmail,
        password: FIXTURE_PASSWORD,
        totp: '123456',
        recoveryCode: 'abcd-efgh',
      },
      'POST /v1/agents': { email: 'new@example.test', name: 'New', role: 'agent', password: FIXTURE_PASSWORD },
      'POST /v1/me/password': { currentPassword: FIXTURE_PASSWORD, newPassword: 'another long passphrase', totp: '1' },
      'POST /v1/me/2fa': { password: FIXTURE_PASSWORD, totp: '123456' },
      'POST /v1/me/2fa/confirm': { code: '123456', password: FIXTURE_PASSWORD, totp: '123456' },
      'DELETE /v1/me/2fa': { password: FIXTURE_PASSWORD, totp: '123456' },
      'POST /v1/me/api-tokens': { name: 'ci', password: FIXTURE_PASSWORD, totp: '123456' },
      'PUT /v1/accounts/{id}/ip-allowlist': { cidrs: ['203.0.113.0/24'], force: true },
      'POST /v1/contacts': {
        email: 'd@example.test',
        name: 'D',
        phone: '+100000',
        address: 'Street 1',
        custom: { note: 'n', nested: { list: ['x'] } },
      },
      'POST /v1/tickets': { contactId, channel: 'email', subject: 'S', body: 'B', attachments: [attachment] },
      'POST /v1/tickets/{id}/messages': { body: 'B', attachments: [attachment] },
      'POST /v1/chats': {
        subdomain: tenant.subdomain,
        name: 'V',
        email: 'v@example.test',
        message: 'M',
        consent: { granted: true, noticeVersion: 'v1' },
      },
      'POST /v1/contacts/{id}/erasure': { reference: 'REQ-1' },
      'POST /v1/portal/register': {
        subdomain: tenant.subdomain,
        email: 'p@example.test',
        name: 'P',
        password: FIXTURE_PASSWORD,
      },
      'POST /v1/portal/verify': {
        subdomain: tenant.subdomain,
        email: 'p@example.test',
        code: '123456',
        password: FIXTURE_PASSWORD,
      },
      'POST /v1/portal/login': { subdomain: tenant.subdomain, email: 'p@example.test', password: FIXTURE_PASSWORD },
      'POST /v1/portal/oauth': {
        subdomain: tenant.subdomain,
        provider: 'google',
        providerUserId: 'g-1',
        email: 'o@example.test',
        name: 'O',
        accessToken: 'at',
        refreshToken: 'rt',
      },
      'POST /v1/portal/me/saved-searches': { name: 'mine', query: 'status:open' },
      'POST /v1/portal/me/tickets': { subject: 'Help', body: 'My order is late' },
      'POST /v1/admin/sub-processors': { name: 'N', purpose: 'P', location: 'EU', transferMechanism: 'none' },
      'POST /v1/sub-processors/{id}/objections': { reason: 'We object' },
      'POST /v1/contacts/{id}/consents': { purpose: 'marketing', noticeVersion: '2026-01' },
      'POST /v1/erasure-requests/{id}/extension': { reason: 'More time' },
      'POST /v1/contacts/{id}/erasure-refusal': { reason: 'Excessive' },
      'POST /v1/admin/breaches': {
        awareAt: '2026-11-01T00:00:00Z',
        nature: 'n',
        categories: ['c'],
        subjectsApprox: 1,
        recordsApprox: 1,
        consequences: 'c',
        measures: 'm',
        accountIds: [tenant.accountId],
      },
      'POST /v1/admin/breaches/{id}/authority-notification': { reference: 'DPA-1', delayReason: 'late' },
      'POST /v1/admin/access-requests': {
        accountId: tenant.accountId,
        reason: 'Ticket looks broken',
        durationSeconds: 3600,
      },
      'POST /v1/me/saved-searches': { name: 'mine', query: 'status:open' },
    };
    return bodies[key];
  }

  const PARAMS: Record<string, () => string> = {
    id: () => ticketId,
    subdomain: () => tenant.subdomain,
    purpose: () => 'chat',
  };
  const QUERY: Record<string, string> = { state: 'trial', limit: '10', before: '5', forever: 'false', overdue: 'true' };

  function send(method: string, path: string, params: Record<string, string>, query: string, body: unknown) {
    let url = path;
    for (const [name, value] of Object.entries(params)) url = url.replace(`{${name}}`, encodeURIComponent(value));
    url += query;
    const headers: Record<string, string> = {};
    if (/^\/v1\/(support|admin)\//.test(path)) {
      headers.authorization = `Bearer ${TEST_ENV.OPERATOR_TOKENS.split(',')[0]}`;
    } else if (path === '/v1/portal/oauth') {
      headers.authorization = `Bearer ${TEST_ENV.OAUTH_CALLBACK_TOKEN}`;
    } else if (path.startsWith('/v1/portal/me')) {
      headers.authorization = `Bearer ${portalSession}`;
    } else if (path === '/v1/billing/events') {
      const raw = JSON.stringify(body);
      headers['lethe-signature'] = signWebhook(t.deps.config.billingWebhookSecret, raw, Math.floor(Date.now() / 1000));
    } else if (path === '/v1/inbound/email') {
      // A raw mail, not JSON: only its query can carry the bad character here (the mail's own text has its test).
      const raw = Buffer.from('From: m@example.test\r\nSubject: s\r\n\r\nbody\r\n');
      return Promise.resolve(t.app.request(url, { method, headers: inboundHeaders(raw), body: raw })).then(
        async (res) => ({ status: res.status, body: (await res.json()) as any, headers: res.headers }),
      );
    } else if (path === '/v1/billing/stripe') {
      const payload = JSON.stringify(body);
      headers['stripe-signature'] = new Stripe('sk_test_unused').webhooks.generateTestHeaderString({
        payload,
        secret: t.deps.config.stripeWebhookSecret ?? '',
      });
    } else {
      headers.authorization = `Bearer ${session}`;
    }
    return call(t, url, { method, headers, body });
  }

  it('answers 400 VALIDATION_FAILED naming the field, changes nothing and logs no stack trace', async () => {
    const doc = (await call(t, '/openapi.json')).body as Doc;
    const digest = await databaseDigest(t.deps.sql);
    const mismatches: unknown[] = [];
    const withoutFixture: string[] = [];
    let sent = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const key = `${method.toUpperCase()} ${path}`;
        const takesJson = operation.requestBody?.content?.['application/json'] !== undefined;
        const body = validBody(key);
        if (takesJson && body === undefined) withoutFixture.push(key);
        const names = (where: 'path' | 'query') =>
          (operation.parameters ?? []).filter((p) => p.in === where).map((p) => p.name);
        const params = Object.fromEntries(names('path').map((n) => [n, PARAMS[n]?.() ?? 'x']));
        const query = (extra: Record<string, string> = {}) => {
          const all = { ...Object.fromEntries(names('query').map((n) => [n, QUERY[n] ?? 'x'])), ...extra };
          return Object.keys(all).length > 0 ? `?${new URLSearchParams(all).toString()}` : '';
        };
        const cases: { field: string; run: () => ReturnType<typeof send> }[] = [];
        for (const [kind, bad] of Object.entries(UNSTORABLE)) {
          for (const leaf of stringLeaves(body)) {
            const spoilt = withLeaf(body, leaf.path, spoil(leaf.value, bad));
            cases.push({
              field: `${kind} in ${leaf.path.join('.')}`,
              run: () => send(method, path, params, query(), spoilt),
            });
          }
          // A URL carries UTF-8 only: a lone surrogate cannot even be percent-encoded, so only NUL reaches a param.
          if (bad !== UNSTORABLE.nul) continue;
          for (const name of names('path')) {
            const spoilt = { ...params, [name]: spoil(params[name] ?? 'x', bad) };
            cases.push({ field: `${kind} in ${name}`, run: () => send(method, path, spoilt, query(), body) });
          }
          for (const name of names('query')) {
            const spoilt = query({ [name]: spoil(QUERY[name] ?? 'x', bad) });
            cases.push({ field: `${kind} in ${name}`, run: () => send(method, path, params, spoilt, body) });
          }
        }
        for (const { field, run } of cases) {
          const res = await run();
          sent += 1;
          const expectedPath = field.split(' in ')[1];
          const named = (res.body?.errors as { path: string }[] | undefined)?.some((e) => e.path === expectedPath);
          if (res.status !== 400 || res.body?.code !== 'VALIDATION_FAILED' || !named) {
            mismatches.push({ key, field, status: res.status, code: res.body?.code, errors: res.body?.errors });
          }
        }
      }
    }
    expect(withoutFixture).toEqual([]);
    expect(mismatches).toEqual([]);
    expect(sent).toBeGreaterThan(100);
    expect(await databaseDigest(t.deps.sql)).toEqual(digest);
    expect(t.logLines.filter((line) => line.includes('"stack"'))).toEqual([]);
  });

  it('names the field of a record key that cannot be stored without echoing the key', async () => {
    const res = await call(t, '/v1/contacts', {
      body: { email: 'k@example.test', name: 'K', custom: { [`secret${UNSTORABLE.nul}key`]: 1 } },
      token: session,
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'custom' })]);
    expect(JSON.stringify(res.body)).not.toContain('secret');
  });

  it('refuses HTTP Basic credentials that cannot be stored with 400 naming the header', async () => {
    const basic = Buffer.from(`${spoil(tenant.ownerEmail, UNSTORABLE.nul)}:${FIXTURE_PASSWORD}`).toString('base64');
    const res = await call(t, '/v1/agents', {
      headers: { authorization: `Basic ${basic}`, 'lethe-account': tenant.subdomain },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'authorization' }] });
    expect(t.logLines.filter((line) => line.includes('"stack"'))).toEqual([]);
  });
});
