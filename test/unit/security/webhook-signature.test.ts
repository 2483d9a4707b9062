import { createHmac } from 'node:crypto';
import {
  SIGNATURE_TOLERANCE_SECONDS,
  signWebhook,
  verifyWebhookSignature,
} from '../../../src/security/webhook-signature';

const SECRET = 'whsec_test_0123456789abcdef0123456789abcdef';
const BODY = '{"type":"payment.succeeded","accountId":"acc_1","amount":4900}';
const NOW = 1_767_225_600;

function v1(secret: string, t: number | string, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

describe('signWebhook', () => {
  it('builds t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    expect(signWebhook(SECRET, BODY, NOW)).toBe(`t=${NOW},v1=${v1(SECRET, NOW, BODY)}`);
  });

  it.each([1.5, -1, Number.NaN])('refuses the timestamp %p', (t) => {
    expect(() => signWebhook(SECRET, BODY, t)).toThrow(RangeError);
  });
});

describe('verifyWebhookSignature', () => {
  const header = signWebhook(SECRET, BODY, NOW);

  it('accepts a header signed by signWebhook', () => {
    expect(verifyWebhookSignature(SECRET, header, BODY, NOW)).toEqual({ ok: true });
  });

  it.each([
    ['a tampered body', SECRET, BODY.replace('4900', '9900')],
    ['a body with a trailing newline', SECRET, `${BODY}\n`],
    ['a wrong secret', 'whsec_other', BODY],
  ])('reports a mismatch for %s', (_label, secret, body) => {
    expect(verifyWebhookSignature(secret, header, body, NOW)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('reports a mismatch when the timestamp was changed after signing', () => {
    const moved = header.replace(`t=${NOW}`, `t=${NOW + 1}`);
    expect(verifyWebhookSignature(SECRET, moved, BODY, NOW)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it.each([
    ['exactly the tolerance old', -SIGNATURE_TOLERANCE_SECONDS, true],
    ['exactly the tolerance ahead', SIGNATURE_TOLERANCE_SECONDS, true],
    ['301 s old', -301, false],
    ['301 s ahead', 301, false],
    ['a day old', -86_400, false],
  ])('handles a signature %s', (_label, offset, ok) => {
    const signed = signWebhook(SECRET, BODY, NOW + offset);
    expect(verifyWebhookSignature(SECRET, signed, BODY, NOW)).toEqual(
      ok ? { ok: true } : { ok: false, reason: 'stale' },
    );
  });

  it('treats the tolerance as 5 minutes', () => {
    expect(SIGNATURE_TOLERANCE_SECONDS).toBe(300);
  });

  it.each([undefined, '', '   '])('reports a missing header for %p', (missing) => {
    expect(verifyWebhookSignature(SECRET, missing, BODY, NOW)).toEqual({ ok: false, reason: 'missing' });
  });

  const good = v1(SECRET, NOW, BODY);
  it.each([
    ['a non-numeric timestamp', `t=abc,v1=${good}`],
    ['a negative timestamp', `t=-${NOW},v1=${good}`],
    ['a fractional timestamp', `t=${NOW}.5,v1=${good}`],
    ['no timestamp', `v1=${good}`],
    ['two timestamps', `t=${NOW},t=${NOW + 1},v1=${good}`],
    ['no v1', `t=${NOW}`],
    ['only another scheme', `t=${NOW},v0=${good}`],
    ['a v1 one hex digit short', `t=${NOW},v1=${good.slice(1)}`],
    ['a v1 one hex digit long', `t=${NOW},v1=${good}0`],
    ['a v1 that is not hex', `t=${NOW},v1=${'z'.repeat(64)}`],
    ['an empty v1', `t=${NOW},v1=`],
    ['a valid v1 beside a malformed one', `t=${NOW},v1=${good},v1=abc`],
    ['a part without "="', `t=${NOW},v1=${good},garbage`],
    ['a space inside the digest', `t=${NOW},v1=${good.slice(0, 32)} ${good.slice(32)}`],
  ])('reports a malformed header with %s', (_label, value) => {
    expect(verifyWebhookSignature(SECRET, value, BODY, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it.each([
    ['v1 before t', `v1=${good},t=${NOW}`],
    ['spaces around entries and "="', `  t = ${NOW} ,  v1 = ${good}  `],
    ['an upper-case digest', `t=${NOW},v1=${good.toUpperCase()}`],
    ['an unknown scheme beside v1', `t=${NOW},v2=whatever,v1=${good}`],
    ['a trailing comma', `t=${NOW},v1=${good},`],
  ])('accepts %s', (_label, value) => {
    expect(verifyWebhookSignature(SECRET, value, BODY, NOW)).toEqual({ ok: true });
  });

  it('accepts when one of several v1 signatures matches (secret rotation)', () => {
    const withOld = `t=${NOW},v1=${v1('whsec_old', NOW, BODY)},v1=${good}`;
    const withNewFirst = `t=${NOW},v1=${good},v1=${v1('whsec_next', NOW, BODY)}`;
    expect(verifyWebhookSignature(SECRET, withOld, BODY, NOW)).toEqual({ ok: true });
    expect(verifyWebhookSignature(SECRET, withNewFirst, BODY, NOW)).toEqual({ ok: true });
  });

  it('reports a mismatch when none of several v1 signatures matches', () => {
    const value = `t=${NOW},v1=${v1('a', NOW, BODY)},v1=${v1('b', NOW, BODY)}`;
    expect(verifyWebhookSignature(SECRET, value, BODY, NOW)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('reports a forged stale header as a mismatch, not as stale', () => {
    const forged = `t=${NOW - 3600},v1=${v1('whsec_guess', NOW - 3600, BODY)}`;
    expect(verifyWebhookSignature(SECRET, forged, BODY, NOW)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('signs the timestamp as sent, leading zeros included', () => {
    const padded = `0${NOW}`;
    const value = `t=${padded},v1=${v1(SECRET, padded, BODY)}`;
    expect(verifyWebhookSignature(SECRET, value, BODY, NOW)).toEqual({ ok: true });
    expect(verifyWebhookSignature(SECRET, `t=${padded},v1=${good}`, BODY, NOW)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });
});

describe('Lethe-Signature headers at the edges', () => {
  it('signs and accepts the Unix epoch itself', () => {
    const header = signWebhook(SECRET, BODY, 0);
    expect(header).toBe(`t=0,v1=${v1(SECRET, 0, BODY)}`);
    expect(verifyWebhookSignature(SECRET, header, BODY, 0)).toEqual({ ok: true });
  });

  it('refuses a timestamp with the reason', () => {
    expect(() => signWebhook(SECRET, BODY, -1)).toThrow('timestampSeconds must be a non-negative integer');
  });

  it.each([
    ['a trailing comma and space', `t=${NOW},v1=${v1(SECRET, NOW, BODY)}, `],
    ['a blank entry between two', `t=${NOW},  ,v1=${v1(SECRET, NOW, BODY)}`],
    ['an entry with an empty key', `=x,t=${NOW},v1=${v1(SECRET, NOW, BODY)}`],
  ])('accepts a header with %s', (_what, header) => {
    expect(verifyWebhookSignature(SECRET, header, BODY, NOW)).toEqual({ ok: true });
  });
});
