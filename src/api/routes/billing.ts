import { ERROR_CODES } from '../../domain/error-codes';
import { verifyWebhookSignature } from '../../security/webhook-signature';
import type { AppDeps, AppEnv } from '../deps';
import { deliverPaymentEvent } from '../payment-delivery';
import { ProblemError } from '../problem';
import { BillingEventSchema, BillingReceiptSchema } from '../schemas/account-schemas';
import { problem } from '../schemas/common';
import { createRouter, inputErrors, validationFailed } from '../validation';

/**
 * `POST /v1/billing/events`: the billing system's signed webhook. The signature is checked over the raw bytes
 * before anything is parsed; the event id is recorded under a unique constraint, the workflow signalled, and the
 * event marked delivered. Only a delivered event's replay answers `duplicate: true` (and signals nothing); while the
 * signal cannot be delivered every delivery answers 503, so the sender keeps retrying.
 */
export function billingRoutes(deps: AppDeps) {
  const { config } = deps;
  const router = createRouter<AppEnv>();

  // Documented by hand: the generated validator would parse the body before the signature is checked.
  router.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/billing/events',
    tags: ['billing'],
    summary: 'Billing webhook (Lethe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">)',
    request: {
      headers: undefined,
      body: { required: true, content: { 'application/json': { schema: BillingEventSchema } } },
    },
    responses: {
      200: { description: 'Received', content: { 'application/json': { schema: BillingReceiptSchema } } },
      400: problem('Malformed JSON, invalid payload or unknown event type'),
      401: problem('Missing, bad or stale signature (SIGNATURE_INVALID)'),
      404: problem('Unknown account'),
      503: problem('Temporal unreachable; the event was not delivered: retry it'),
    },
  });

  router.post('/v1/billing/events', async (c) => {
    const raw = await c.req.text();
    const check = verifyWebhookSignature(
      config.billingWebhookSecret,
      c.req.header('lethe-signature'),
      raw,
      Math.floor(Date.now() / 1000),
    );
    if (!check.ok) throw new ProblemError(401, ERROR_CODES.SIGNATURE_INVALID, `Signature ${check.reason}`);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new ProblemError(400, ERROR_CODES.MALFORMED_JSON, 'Malformed JSON in request body');
    }
    const parsed = BillingEventSchema.safeParse(json);
    const errors = inputErrors(parsed.error?.issues ?? [], parsed.success ? parsed.data : json);
    if (!parsed.success || errors.length > 0) throw validationFailed(errors, 'Invalid billing event');
    const event = parsed.data;
    const { duplicate } = await deliverPaymentEvent(deps, {
      id: event.id,
      accountId: event.accountId,
      outcome: event.type === 'payment.succeeded' ? 'succeeded' : 'failed',
      occurredAt: Date.parse(event.occurredAt),
    });
    return c.json({ received: true as const, duplicate }, 200);
  });

  return router;
}
