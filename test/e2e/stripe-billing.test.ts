import { randomBytes } from 'node:crypto';
import { invoiceEvent, STRIPE_SECRET, stripeDelivery } from '../helpers/stripe';
import { startStack, until } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { settled } from '../helpers/temporal';
import { FIXTURE_PASSWORD } from '../helpers/tenants';

/** Stripe's webhook through the real stack: invoices move the account like any payment, once, in `created` order. */
describe('Stripe billing end to end', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ STRIPE_WEBHOOK_SECRET: STRIPE_SECRET });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const send = async (event: Record<string, unknown>) => {
    const delivery = stripeDelivery(event);
    const res = await fetch(`${stack.server.url}/v1/billing/stripe`, delivery);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const stateOf = async (id: string) =>
    (await stack.http('GET', `/v1/accounts/${id}`, undefined, stack.operator)).body as {
      state: string;
      transitions: unknown[];
    };

  it('applies one invoice delivered 50 times at once exactly once', async () => {
    const tag = randomBytes(4).toString('hex');
    const signup = await stack.http('POST', '/v1/accounts', {
      subdomain: `burst-${tag}`,
      name: 'Burst Co',
      owner: { email: `b-${tag}@example.test`, name: 'B', password: FIXTURE_PASSWORD },
    });
    const id = signup.body.account.id as string;
    const paid = invoiceEvent('invoice.paid', id);
    const answers = await Promise.all(Array.from({ length: 50 }, () => send(paid)));
    expect(answers.every((a) => a.status === 200 && a.body.received === true)).toBe(true);
    expect(answers.some((a) => a.body.duplicate === false)).toBe(true);
    await until(
      () => stateOf(id),
      (v) => v.state === 'active',
    );
    await settled(stack.temporal.client.workflow.getHandle(`account-${id}`));
    expect((await stateOf(id)).transitions).toHaveLength(1);
    expect((await send(paid)).body).toEqual({ received: true, duplicate: true });
  });

  it('pays an account from invoice.paid, once, and lets no older failure undo it', async () => {
    const tag = randomBytes(4).toString('hex');
    const signup = await stack.http('POST', '/v1/accounts', {
      subdomain: `stripe-${tag}`,
      name: 'Stripe Co',
      owner: { email: `o-${tag}@example.test`, name: 'O', password: FIXTURE_PASSWORD },
    });
    const id = signup.body.account.id as string;
    const now = Math.floor(Date.now() / 1000);

    // The account id on the subscription, as Stripe copies it onto the invoice.
    const paid = invoiceEvent('invoice.paid', undefined, now);
    (paid.data.object as Record<string, unknown>).subscription_details = { metadata: { lethe_account_id: id } };
    expect(await send(paid)).toEqual({ status: 200, body: { received: true, duplicate: false } });
    expect(
      (
        await until(
          () => stateOf(id),
          (v) => v.state === 'active',
        )
      ).state,
    ).toBe('active');
    expect(await send(paid)).toEqual({ status: 200, body: { received: true, duplicate: true } });

    // A failure created an hour before the payment, delivered late: recorded, not applied.
    expect((await send(invoiceEvent('invoice.payment_failed', id, now - 3600))).status).toBe(200);
    await settled(stack.temporal.client.workflow.getHandle(`account-${id}`));
    expect((await stateOf(id)).state).toBe('active');
    // A newer one is.
    expect((await send(invoiceEvent('invoice.payment_failed', id, now + 1))).status).toBe(200);
    const pastDue = await until(
      () => stateOf(id),
      (v) => v.state === 'past_due',
    );
    expect(pastDue.transitions).toHaveLength(2);
  });
});
