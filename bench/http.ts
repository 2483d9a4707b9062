// A minimal JSON client for the listening API (Node's fetch, keep-alive) and the billing webhook's signing.
import { signWebhook } from '../src/security/webhook-signature';

export interface HttpAnswer<T> {
  status: number;
  body: T;
}

export async function httpJson<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<HttpAnswer<T>> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

/** Throws with the answer's body when the status is not the expected one. */
export function expectStatus<T>(answer: HttpAnswer<T>, status: number, what: string): T {
  if (answer.status !== status) {
    throw new Error(`${what}: expected HTTP ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer.body;
}

export interface BillingEventBody {
  id: string;
  type: 'payment.succeeded' | 'payment.failed';
  accountId: string;
  occurredAt: string;
  data: { invoiceId: string; amountCents?: number; currency?: string; reason?: string };
}

export function billingEvent(id: string, type: BillingEventBody['type'], accountId: string): BillingEventBody {
  return {
    id,
    type,
    accountId,
    occurredAt: new Date().toISOString(),
    data: {
      invoiceId: `inv_${id}`,
      amountCents: 4_900,
      currency: 'EUR',
      ...(type === 'payment.failed' ? { reason: 'card_declined' } : {}),
    },
  };
}

/** Sends a billing event signed as the billing provider would (`Lethe-Signature`, current time). */
export function postBillingEvent(
  baseUrl: string,
  secret: string,
  event: BillingEventBody,
): Promise<HttpAnswer<{ received: boolean; duplicate: boolean }>> {
  const raw = JSON.stringify(event);
  const signature = signWebhook(secret, raw, Math.floor(Date.now() / 1000));
  return httpJson(baseUrl, 'POST', '/v1/billing/events', raw, { 'lethe-signature': signature });
}
