import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a signature's timestamp may lie from the receiver's clock, in either direction (5 minutes). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** Outcome of {@link verifyWebhookSignature}; `reason` holds nothing secret and is safe to log. */
export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

const TIMESTAMP = /^\d{1,15}$/;
const DIGEST = /^[0-9a-f]{64}$/i;

/** The signed bytes: a JSON event as its UTF-8 text, or a raw mail exactly as received (it need not be UTF-8). */
export type SignedBody = string | Uint8Array;

function digest(secret: string, timestamp: string, rawBody: SignedBody): Buffer {
  const hmac = createHmac('sha256', secret).update(`${timestamp}.`, 'utf8');
  return (typeof rawBody === 'string' ? hmac.update(rawBody, 'utf8') : hmac.update(rawBody)).digest();
}

/**
 * Builds the `Lethe-Signature` header value `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`
 * the billing provider sends; used by tests, benchmarks and the documentation.
 * @throws RangeError when the timestamp is not a non-negative integer (the verifier would reject it).
 */
export function signWebhook(secret: string, rawBody: SignedBody, timestampSeconds: number): string {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new RangeError('timestampSeconds must be a non-negative integer');
  }
  const t = String(timestampSeconds);
  return `t=${t},v1=${digest(secret, t, rawBody).toString('hex')}`;
}

type ParsedHeader = { timestamp: string; signatures: Buffer[] };

function parseHeader(header: string): ParsedHeader | undefined {
  let timestamp: string | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      // Two timestamps would leave it ambiguous which one the sender signed.
      if (timestamp !== undefined || !TIMESTAMP.test(value)) return undefined;
      timestamp = value;
    } else if (key === 'v1') {
      if (!DIGEST.test(value)) return undefined;
      signatures.push(Buffer.from(value, 'hex'));
    }
    // Other keys (a future v2 scheme) are ignored, so the sender can add one before we understand it.
  }
  if (timestamp === undefined || signatures.length === 0) return undefined;
  return { timestamp, signatures };
}

/**
 * Checks a `Lethe-Signature` header against the raw request body. Accepts when any `v1` entry matches, so the
 * sender can sign with an old and a new secret while rotating; entries may come in any order with spaces around
 * them. The signature is checked before the clock, so `stale` means authentic but older or newer than
 * {@link SIGNATURE_TOLERANCE_SECONDS} (a replay or clock skew), while a forgery is always `mismatch`.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  rawBody: SignedBody,
  nowSeconds: number,
): SignatureCheck {
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'missing' };
  const parsed = parseHeader(header);
  if (parsed === undefined) return { ok: false, reason: 'malformed' };

  // The HMAC covers the timestamp exactly as sent (leading zeros included), not a re-serialised number.
  const expected = digest(secret, parsed.timestamp, rawBody);
  let matched = false;
  for (const candidate of parsed.signatures) {
    // No early exit: the time taken does not depend on which entry matched.
    matched = timingSafeEqual(candidate, expected) || matched;
  }
  if (!matched) return { ok: false, reason: 'mismatch' };

  if (Math.abs(nowSeconds - Number(parsed.timestamp)) > SIGNATURE_TOLERANCE_SECONDS) {
    return { ok: false, reason: 'stale' };
  }
  return { ok: true };
}
