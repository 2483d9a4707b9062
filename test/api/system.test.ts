import { createRoute, z } from '@hono/zod-openapi';
import { createSql } from '../../src/db/client';
import { freePort } from '../../src/embedded/postgres';
import { createTemporalClient } from '../../src/temporal/client';
import { createTestApp } from '../helpers/app';
import type { TestApp } from '../helpers/app';

describe('system routes', () => {
  let t: TestApp;

  beforeAll(() => {
    t = createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers /healthz while the process is alive', async () => {
    const res = await t.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz 200 when PostgreSQL and Temporal are reachable', async () => {
    const res = await t.app.request('/readyz');
    expect(await res.json()).toEqual({ status: 'ready', checks: { database: 'ok', temporal: 'ok' } });
    expect(res.status).toBe(200);
  });

  it('answers /readyz 503 naming the database when PostgreSQL is down', async () => {
    const deadDb = createSql(`postgres://postgres:postgres@127.0.0.1:${await freePort()}/lethe`, { connectTimeout: 1 });
    const down = createTestApp({ sql: deadDb });
    try {
      const res = await down.app.request('/readyz');
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable', checks: { database: 'unavailable', temporal: 'ok' } });
    } finally {
      await down.close();
    }
  });

  it('answers /readyz 503 naming Temporal when it is unreachable', async () => {
    const deadTemporal = createTemporalClient(`127.0.0.1:${await freePort()}`, 'default');
    const down = createTestApp({ temporal: deadTemporal });
    try {
      const res = await down.app.request('/readyz');
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable', checks: { database: 'ok', temporal: 'unavailable' } });
    } finally {
      await down.close();
    }
  });

  it('serves the OpenAPI document and the rendered reference', async () => {
    const doc = await t.app.request('/openapi.json');
    expect(doc.status).toBe(200);
    const body = (await doc.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz']));

    const page = await t.app.request('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    for (const asset of ['/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css', '/docs/assets/init.js']) {
      expect(html).toContain(asset);
      const res = await t.app.request(asset);
      expect(res.status).toBe(200);
      expect((await res.text()).length).toBeGreaterThan(10);
    }
  });
});

describe('error model', () => {
  let t: TestApp;

  beforeAll(() => {
    t = createTestApp();
    // Routes mounted on the real app exercise the real middleware, validator hook and error handler.
    t.app.openapi(
      createRoute({
        method: 'post',
        path: '/test/echo',
        request: { body: { content: { 'application/json': { schema: z.object({ email: z.string().email() }) } } } },
        responses: { 200: { description: 'ok' } },
      }),
      (c) => c.json({ ok: true }, 200),
    );
    t.app.get('/test/boom', () => {
      throw new Error('secret-detail alice@example.com');
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await t.app.request('/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND', type: '/problems/route-not-found' });
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await t.app.request('/test/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email": ',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'MALFORMED_JSON' });
  });

  it('answers invalid fields with a 400 problem naming them but not echoing their values', async () => {
    const res = await t.app.request('/test/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'not-an-email-value' }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; errors: { path: string }[] };
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors.map((e) => e.path)).toEqual(['email']);
    expect(JSON.stringify(body)).not.toContain('not-an-email-value');
  });

  it('answers an unexpected error with a logged, detail-free 500', async () => {
    const res = await t.app.request('/test/boom');
    expect(res.status).toBe(500);
    const body = (await res.json()) as { code: string; requestId: string };
    expect(body.code).toBe('INTERNAL');
    expect(JSON.stringify(body)).not.toContain('secret-detail');
    const logged = t.logLines.find((line) => line.includes(body.requestId) && line.includes('request failed'));
    expect(logged).toBeDefined();
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await t.app.request('/test/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'x'.repeat(11 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('tags every answer with a request id, keeping a well-formed incoming one', async () => {
    const mine = await t.app.request('/healthz', { headers: { 'x-request-id': 'proxy-req-12345' } });
    expect(mine.headers.get('x-request-id')).toBe('proxy-req-12345');
    const bad = await t.app.request('/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers always and HSTS only over HTTPS', async () => {
    const res = await t.app.request('/healthz');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    // Never framed (clickjacking), never leaking the URL to another site.
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toBeNull();
    // On errors too, which come from another code path.
    const missing = await t.app.request('/no-such-route');
    expect(missing.headers.get('referrer-policy')).toBe('no-referrer');
    expect(missing.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});
