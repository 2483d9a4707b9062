import { randomUUID } from 'node:crypto';
import { freePort } from '../../src/embedded/postgres';
import { createLogger } from '../../src/logger';
import { startOutboxDispatcher } from '../../src/notifications/outbox-dispatcher';
import { createSmtpSender } from '../../src/notifications/smtp-sender';
import { createTemporalClient } from '../../src/temporal/client';
import { createTestApp } from '../helpers/app';
import type { TestApp } from '../helpers/app';
import { testConfig } from '../helpers/config';
import { testSql } from '../helpers/db';
import { call } from '../helpers/http';
import { testSmtpUrl, waitForMails } from '../helpers/mailbox';
import { invoiceEvent, STRIPE_SECRET, stripeDelivery } from '../helpers/stripe';
import { FIXTURE_PASSWORD, seedTenant, TEST_MASTER_KEY } from '../helpers/tenants';

/** The public routes this wave added, attacked as an outsider would. */
describe('portal sign-up and Stripe webhook under attack', () => {
  let t: TestApp;
  const workerSql = testSql();
  let outbox: ReturnType<typeof startOutboxDispatcher>;

  beforeAll(() => {
    t = createTestApp({ config: testConfig({ STRIPE_WEBHOOK_SECRET: STRIPE_SECRET }) });
    outbox = startOutboxDispatcher(
      workerSql,
      createSmtpSender({ smtpUrl: testSmtpUrl(), mailFrom: t.deps.config.mailFrom }),
      createLogger('silent'),
      { masterKey: TEST_MASTER_KEY, intervalMs: 200 },
    );
  });
  afterAll(async () => {
    await outbox.stop();
    await workerSql.end();
    await t.close();
  });

  it('does not let a code mailed for one tenant verify the same address at another', async () => {
    const a = await seedTenant(t.deps.sql);
    const b = await seedTenant(t.deps.sql);
    const email = `cross-${randomUUID().slice(0, 8)}@example.test`;
    const register = (subdomain: string) =>
      call(t, '/v1/portal/register', { body: { subdomain, email, name: 'X', password: FIXTURE_PASSWORD } });
    expect((await register(a.subdomain)).status).toBe(202);
    const code = /\b(\d{6})\b/.exec((await waitForMails(email, 1))[0]?.text ?? '')?.[1];
    expect((await register(b.subdomain)).status).toBe(202);
    const atB = await call(t, '/v1/portal/verify', {
      body: { subdomain: b.subdomain, email, code, password: FIXTURE_PASSWORD },
    });
    expect(atB).toMatchObject({ status: 401, body: { code: 'VERIFICATION_FAILED' } });
    expect(await t.deps.sql`select 1 from contact_identities where account_id = ${b.accountId}`).toEqual([]);
    // At its own tenant the code still works (B's failed try did not spend A's).
    const atA = await call(t, '/v1/portal/verify', {
      body: { subdomain: a.subdomain, email, code, password: FIXTURE_PASSWORD },
    });
    expect(atA.status).toBe(201);
  });

  it.each(['/v1/portal/register', '/v1/portal/verify', '/v1/billing/stripe', '/v1/chats'])(
    'refuses a body over 10 MiB at %s with 413, storing nothing',
    async (path) => {
      const before = await t.deps.sql`select count(*)::int as n from notification_outbox`;
      const res = await t.app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ subdomain: 'x', padding: 'x'.repeat(11 * 1024 * 1024) }),
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      expect(await t.deps.sql`select count(*)::int as n from notification_outbox`).toEqual(before);
    },
  );

  it('answers a Stripe payment with 503 while Temporal is unreachable, and leaves it undelivered for the retry', async () => {
    const down = createTestApp({
      config: testConfig({ STRIPE_WEBHOOK_SECRET: STRIPE_SECRET }),
      temporal: createTemporalClient(`127.0.0.1:${await freePort()}`, 'default'),
    });
    try {
      const tenant = await seedTenant(down.deps.sql);
      const event = invoiceEvent('invoice.paid', tenant.accountId);
      const answers = await Promise.all(
        [1, 2].map(async () => down.app.request('/v1/billing/stripe', stripeDelivery(event))),
      );
      expect(answers.map((r) => r.status)).toEqual([503, 503]);
      expect(
        await down.deps.sql`select delivered_at from billing_events where account_id = ${tenant.accountId}`,
      ).toEqual([{ deliveredAt: null }]);
    } finally {
      await down.close();
    }
  });
});
