import { randomUUID } from 'node:crypto';
import { createTestApp } from '../helpers/app';
import type { TestApp } from '../helpers/app';
import { testConfig, TEST_ENV } from '../helpers/config';
import { truncateAll } from '../helpers/db';
import { call } from '../helpers/http';
import { seedTenant } from '../helpers/tenants';

const SUPPORT = `sue-support-token-${'s'.repeat(20)}`;
const METRICS = `prometheus-scrape-token-${'m'.repeat(20)}`;
const OPERATOR = TEST_ENV.OPERATOR_TOKENS.split(',')[0] as string;

// Issue 12 §2: the API's /metrics after real traffic, scraped as Prometheus would, with an operator's token.
describe('API metrics', () => {
  let t: TestApp;
  beforeAll(() => {
    t = createTestApp({ config: testConfig({ SUPPORT_TOKENS: `sue:${SUPPORT}`, METRICS_TOKEN: METRICS }) });
  });
  afterAll(() => t.close());

  const scrape = async () => {
    const res = await t.app.request('/metrics', { headers: { authorization: `Bearer ${OPERATOR}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return res.text();
  };
  const valueOf = (text: string, series: string): number =>
    Number(
      text
        .split('\n')
        .find((line) => line.startsWith(`${series} `))
        ?.split(' ')[1] ?? 'NaN',
    );

  it('opens to operators and to METRICS_TOKEN, which opens nothing else', async () => {
    expect((await call(t, '/metrics')).status).toBe(401);
    expect((await call(t, '/metrics', { token: SUPPORT })).status).toBe(403);
    expect((await call(t, '/metrics', { token: `${METRICS}x` })).status).toBe(401);
    const opened = await t.app.request('/metrics', { headers: { authorization: `Bearer ${METRICS}` } });
    expect(opened.status).toBe(200);
    expect((await call(t, '/v1/admin/accounts?state=trial', { token: METRICS })).status).toBe(401);
    expect((await call(t, `/v1/accounts/${randomUUID()}`, { token: METRICS })).status).toBe(401);
  });

  it('counts accounts by state and the outbox backlog at each scrape', async () => {
    await truncateAll(t.deps.sql);
    await seedTenant(t.deps.sql);
    const b = await seedTenant(t.deps.sql);
    await t.deps.sql`update accounts set state = 'suspended' where id = ${b.accountId}`;
    await t.deps.sql`
      insert into notification_outbox (account_id, kind, payload)
      values (${b.accountId}, 'suspended', '{}'::jsonb)`.catch(() => undefined);
    const text = await scrape();
    expect(valueOf(text, 'lethe_accounts{state="trial"}')).toBe(1);
    expect(valueOf(text, 'lethe_accounts{state="suspended"}')).toBe(1);
    expect(text).toMatch(/^lethe_outbox_pending \d+$/m);
    // Pool use as PostgreSQL sees it: this app's own pool, the scrape's own query among its active connections.
    expect(valueOf(text, 'lethe_db_pool_connections{state="active"}')).toBeGreaterThanOrEqual(1);
    expect(valueOf(text, 'lethe_db_pool_max_connections')).toBe(t.deps.config.dbPool.api);
  });

  it('counts requests by route pattern, method and status, times them, and puts no id or raw path in a label', async () => {
    const before = await scrape();
    const healthz = 'lethe_http_requests_total{route="/healthz",method="GET",status="200"}';
    const seenBefore = Number.isNaN(valueOf(before, healthz)) ? 0 : valueOf(before, healthz);
    for (let i = 0; i < 3; i++) expect((await call(t, '/healthz')).status).toBe(200);
    const unknown = randomUUID();
    expect((await call(t, `/v1/accounts/${unknown}`, { token: OPERATOR })).status).toBe(404);
    expect((await call(t, `/no/such/${randomUUID()}`)).status).toBe(404);
    expect((await call(t, `/v1/agents`, { method: 'PUT' })).status).toBe(405);

    const text = await scrape();
    expect(valueOf(text, healthz) - seenBefore).toBe(3);
    expect(text).toContain('lethe_http_requests_total{route="/v1/accounts/:id",method="GET",status="404"} 1');
    expect(text).toContain('lethe_http_requests_total{route="unmatched",method="GET",status="404"}');
    // A known path with a method it does not take keeps the path's pattern.
    expect(text).toContain('lethe_http_requests_total{route="/v1/agents",method="PUT",status="405"} 1');
    expect(text).toMatch(/lethe_http_request_duration_seconds_bucket\{le="0.005",route="\/healthz",method="GET"\} \d+/);
    expect(text).toContain('lethe_http_requests_in_flight');
    expect(text).toContain('lethe_api_process_cpu_seconds_total');
    expect(text).not.toContain(unknown);
    expect(text).not.toContain('/no/such');
  });
});
