import { z } from '@hono/zod-openapi';
import Stripe from 'stripe';
import { ERROR_CODES } from '../../domain/error-codes';
import type { AppDeps, AppEnv } from '../deps';
import { deliverPaymentEvent } from '../payment-delivery';
import { ProblemError } from '../problem';
import { problem } from '../schemas/common';
import { createRouter, inputErrors, validationFailed } from '../validation';

/** The Stripe events that are payments; every other type is acknowledged and ignored. */
const OUTCOMES: Readonly<Record<string, 'succeeded' | 'failed'>> = {
  'invoice.paid': 'succeeded',
  'invoice.payment_failed': 'failed',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface InvoiceMetadata {
  metadata?: Record<string, string> | null;
  subscription_details?: { metadata?: Record<string, string> | null } | null;
  parent?: { subscription_details?: { metadata?: Record<string, string> | null } | null } | null;
}

/**
 * The Lethe account an invoice is for: `metadata.lethe_account_id` on the invoice, else on its subscription (where
 * Stripe copies subscription metadata: `subscription_details`, or `parent.subscription_details` in newer API versions).
 */
export function letheAccountOf(invoice: InvoiceMetadata): string | undefined {
  return (
    invoice.metadata?.lethe_account_id ??
    invoice.subscription_details?.metadata?.lethe_account_id ??
    invoice.parent?.subscription_details?.metadata?.lethe_account_id
  );
}

const StripeReceipt = z
  .object({ received: z.literal(true), duplicate: z.boolean().optional(), ignored: z.string().optional() })
  .openapi('StripeReceipt');

/**
 * `POST /v1/billing/stripe`: Stripe's own webhook, as Stripe sends it, verified by the official library against
 * `STRIPE_WEBHOOK_SECRET`. Paid and failed invoices become the same payment events as the generic webhook's, with
 * Stripe's event id (deduplication) and `created` (ordering).
 */
export function stripeBillingRoutes(deps: AppDeps) {
  const router = createRouter<AppEnv>();
  // Only the webhook helpers are used: no API key, no network.
  const webhooks = new Stripe('sk_unused_webhooks_only').webhooks;

  router.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/billing/stripe',
    tags: ['billing'],
    summary: 'Stripe webhook (Stripe-Signature): invoice.paid and invoice.payment_failed; other types acknowledged',
    request: {
      body: { required: true, content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } },
    },
    responses: {
      200: { description: 'Received', content: { 'application/json': { schema: StripeReceipt } } },
      400: problem('VALIDATION_FAILED: a string no database can store, or a malformed event id'),
      401: problem('Missing, bad or stale Stripe-Signature (SIGNATURE_INVALID)'),
      404: problem('Stripe is not configured (no STRIPE_WEBHOOK_SECRET), or the invoice names an unknown account'),
      413: problem('PAYLOAD_TOO_LARGE'),
      503: problem('Temporal unreachable; the event was not delivered: Stripe retries it'),
    },
  });

  router.post('/v1/billing/stripe', async (c) => {
    const secret = deps.config.stripeWebhookSecret;
    if (secret === undefined)
      throw new ProblemError(404, ERROR_CODES.ROUTE_NOT_FOUND, 'Stripe billing is not configured');
    const raw = await c.req.text();
    let event: Stripe.Event;
    try {
      event = webhooks.constructEvent(raw, c.req.header('stripe-signature') ?? '', secret);
    } catch {
      throw new ProblemError(401, ERROR_CODES.SIGNATURE_INVALID, 'Stripe signature invalid');
    }
    // Signed by Stripe, still checked: its id is stored, and one rule holds for every input.
    const errors = inputErrors([], event);
    if (!/^[A-Za-z0-9_]{1,255}$/.test(event.id)) errors.push({ path: 'id', message: 'a Stripe event id' });
    if (errors.length > 0) throw validationFailed(errors, 'Invalid Stripe event');
    const outcome = OUTCOMES[event.type];
    if (outcome === undefined) return c.json({ received: true as const, ignored: 'not a payment event' }, 200);
    const accountId = letheAccountOf(event.data.object as InvoiceMetadata);
    if (accountId === undefined) return c.json({ received: true as const, ignored: 'no lethe_account_id' }, 200);
    if (!UUID.test(accountId)) throw new ProblemError(404, ERROR_CODES.ACCOUNT_NOT_FOUND, 'No such account');
    const { duplicate } = await deliverPaymentEvent(deps, {
      id: `stripe:${event.id}`,
      accountId,
      outcome,
      occurredAt: event.created * 1000,
    });
    return c.json({ received: true as const, duplicate }, 200);
  });

  return router;
}
