import { randomUUID } from 'node:crypto';
import { createTestApp } from '../helpers/app';
import type { TestApp } from '../helpers/app';
import { testConfig } from '../helpers/config';
import { invoiceEvent, STRIPE_SECRET, stripeDelivery } from '../helpers/stripe';
import { seedTenant } from '../helpers/tenants';

describe('POST /v1/billing/stripe (verification and mapping; delivery is in the e2e billing tests)', () => {
  let t: TestApp;
  beforeAll(() => {
    t = createTestApp({ config: testConfig({ STRIPE_WEBHOOK_SECRET: STRIPE_SECRET }) });
  });
  afterAll(() => t.close());

  const recorded = async (accountId: string) =>
    (await t.deps.sql`select id from billing_events where account_id = ${accountId}`).length;

  it('refuses a missing, wrong or foreign signature with 401 and records nothing', async () => {
    const tenant = await seedTenant(t.deps.sql);
    const event = invoiceEvent('invoice.paid', tenant.accountId);
    const unsigned = stripeDelivery(event);
    const answers = await Promise.all([
      t.app.request('/v1/billing/stripe', { ...unsigned, headers: { 'content-type': 'application/json' } }),
      t.app.request('/v1/billing/stripe', stripeDelivery(event, 'whsec_someone_elses_secret_0000000000')),
      t.app.request('/v1/billing/stripe', {
        ...unsigned,
        body: unsigned.body.replace('invoice.paid', 'invoice.payment_failed'),
      }),
    ]);
    for (const res of answers) {
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'SIGNATURE_INVALID' });
    }
    expect(await recorded(tenant.accountId)).toBe(0);
  });

  it('acknowledges other event types and invoices of no Lethe account, and records nothing', async () => {
    const tenant = await seedTenant(t.deps.sql);
    const other = await t.app.request(
      '/v1/billing/stripe',
      stripeDelivery(invoiceEvent('customer.created', tenant.accountId)),
    );
    expect(await other.json()).toEqual({ received: true, ignored: 'not a payment event' });
    const noAccount = await t.app.request(
      '/v1/billing/stripe',
      stripeDelivery(invoiceEvent('invoice.paid', undefined)),
    );
    expect(noAccount.status).toBe(200);
    expect(await noAccount.json()).toEqual({ received: true, ignored: 'no lethe_account_id' });
    expect(await recorded(tenant.accountId)).toBe(0);
  });

  it('answers 404 for an invoice naming an account Lethe does not have', async () => {
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const res = await t.app.request('/v1/billing/stripe', stripeDelivery(invoiceEvent('invoice.paid', id)));
      expect(res.status).toBe(404);
    }
  });

  it('is not there without STRIPE_WEBHOOK_SECRET', async () => {
    const plain = createTestApp();
    try {
      const res = await plain.app.request(
        '/v1/billing/stripe',
        stripeDelivery(invoiceEvent('invoice.paid', randomUUID())),
      );
      expect(res.status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
