import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';

export const STRIPE_SECRET = 'whsec_test_0123456789abcdef0123456789abcdef';
const webhooks = new Stripe('sk_test_unused').webhooks;

/** A Stripe event as Stripe sends it, signed with the library's own test helper. */
export function stripeDelivery(event: Record<string, unknown>, secret = STRIPE_SECRET) {
  const payload = JSON.stringify({ object: 'event', api_version: '2025-01-27', livemode: false, ...event });
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'stripe-signature': webhooks.generateTestHeaderString({ payload, secret }),
    },
    body: payload,
  };
}

export const invoiceEvent = (type: string, accountId: string | undefined, created = Math.floor(Date.now() / 1000)) => ({
  id: `evt_${randomUUID().replace(/-/g, '')}`,
  type,
  created,
  data: {
    object: {
      object: 'invoice',
      id: `in_${randomUUID().slice(0, 8)}`,
      metadata: accountId === undefined ? {} : { lethe_account_id: accountId },
    },
  },
});
