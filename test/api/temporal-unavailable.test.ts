import { randomBytes, randomUUID } from 'node:crypto';
import { freePort } from '../../src/embedded/postgres';
import { signWebhook } from '../../src/security/webhook-signature';
import { createTemporalClient } from '../../src/temporal/client';
import { createTestApp } from '../helpers/app';
import type { TestApp } from '../helpers/app';
import { TEST_ENV } from '../helpers/config';
import { FIXTURE_PASSWORD, seedTenant } from '../helpers/tenants';

describe('API while Temporal is unreachable', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = createTestApp({ temporal: createTemporalClient(`127.0.0.1:${await freePort()}`, 'default') });
  });

  afterAll(async () => {
    await t.close();
  });

  const json = (body: unknown, headers: Record<string, string> = {}) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

  it('answers signup with 503 and leaves no account behind', async () => {
    const subdomain = `down-${randomBytes(4).toString('hex')}`;
    const res = await t.app.request(
      '/v1/accounts',
      json({ subdomain, name: 'Down', owner: { email: 'o@example.test', name: 'O', password: FIXTURE_PASSWORD } }),
    );
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'TEMPORAL_UNAVAILABLE' });
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await t.deps.sql`select 1 from accounts where subdomain = ${subdomain}`).toHaveLength(0);
  });

  it('answers every delivery of a billing event with 503 while it cannot be signalled, never "duplicate"', async () => {
    const tenant = await seedTenant(t.deps.sql);
    const raw = JSON.stringify({
      id: `evt_${randomUUID()}`,
      type: 'payment.failed',
      accountId: tenant.accountId,
      occurredAt: new Date().toISOString(),
      data: { invoiceId: 'inv' },
    });
    const deliver = () =>
      t.app.request(
        '/v1/billing/events',
        json(raw, {
          'lethe-signature': signWebhook(TEST_ENV.BILLING_WEBHOOK_SECRET, raw, Math.floor(Date.now() / 1000)),
        }),
      );
    // The billing system's retry arrives while the first delivery is still trying to signal, and once more later.
    const [first, retry] = await Promise.all([deliver(), deliver()]);
    const later = await deliver();
    expect([first.status, retry.status, later.status]).toEqual([503, 503, 503]);
    expect(await retry.json()).toMatchObject({ code: 'TEMPORAL_UNAVAILABLE' });
    // Arrived, not delivered: the row says so, and a delivery once Temporal is back signals it (e2e billing test).
    expect(await t.deps.sql`select delivered_at from billing_events where account_id = ${tenant.accountId}`).toEqual([
      { deliveredAt: null },
    ]);
  });

  it('answers a support request with 503', async () => {
    const tenant = await seedTenant(t.deps.sql);
    const res = await t.app.request(
      `/v1/support/accounts/${tenant.accountId}/reactivate`,
      json(
        { channel: 'chat', reference: 'C-1' },
        { authorization: `Bearer ${TEST_ENV.OPERATOR_TOKENS.split(',')[0]}` },
      ),
    );
    expect(res.status).toBe(503);
  });
});
