import { findAccount } from '../../db/accounts';
import { ERROR_CODES } from '../../domain/error-codes';
import { verifyWebhookSignature } from '../../security/webhook-signature';
import { signalPayment } from '../../temporal/account-client';
import type { AppDeps, AppEnv } from '../deps';
import { ProblemError } from '../problem';
import { BillingEventSchema, BillingReceiptSchema } from '../schemas/account-schemas';
import { problem } from '../schemas/common';
import { createRouter, inputErrors, validationFailed } from '../validation';

/**
 * `POST /v1/billing/events`: the billing system's signed webhook. The signature is checked over the raw bytes
 * before anything is parsed; the event id is recorded under a unique constraint before the workflow is signalled,
 * so a replay answers `duplicate: true` and signals nothing. If the signal cannot be delivered the record is
 * removed again and the answer is 503, so the sender's retry can succeed later.
 */
export function billingRoutes(deps: AppDeps) {
  const { sql, temporal, config } = deps;
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
      503: problem('Temporal unreachable; the event was not recorded'),
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
    const account = await findAccount(sql, event.accountId);
    if (!account) throw new ProblemError(404, ERROR_CODES.ACCOUNT_NOT_FOUND, 'No such account');
    const inserted = await sql`
      insert into billing_events (id, account_id, type) values (${event.id}, ${event.accountId}, ${event.type})
      on conflict (id) do nothing`;
    if (inserted.count === 0) return c.json({ received: true as const, duplicate: true }, 200);
    try {
      await signalPayment(
        temporal.client,
        event.accountId,
        event.type === 'payment.succeeded' ? 'succeeded' : 'failed',
        event.id,
      );
    } catch (error) {
      await sql`delete from billing_events where id = ${event.id}`;
      throw error;
    }
    return c.json({ received: true as const, duplicate: false }, 200);
  });

  return router;
}
