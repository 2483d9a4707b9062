import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { ErasureReceipt } from '../../../src/security/receipts';
import {
  canonicalJson,
  receiptPublicKeyPem,
  receiptSigningKey,
  signReceipt,
  subjectHash,
  verifyReceipt,
} from '../../../src/security/receipts';

// Pinned values, computed outside Node with Python's `cryptography` and `hmac` from a master key of 32 bytes of 0x07:
// HKDF-SHA256(salt "lethe", info "receipt-signing-ed25519") as the Ed25519 seed, its public key, the signature of
// RECEIPT's canonical JSON, and HMAC-SHA256 under HKDF(info "receipt-subject-hash") of the sorted identifiers joined
// by "\n". Receipts are verified offline for years: a change to any of these would break every receipt handed out.
const MASTER_KEY = Buffer.alloc(32, 7);
const PINNED_PUBLIC_KEY_PEM = [
  '-----BEGIN PUBLIC KEY-----',
  'MCowBQYDK2VwAyEAWFg2MbS+WGrKB32Yiny43JCylwOwOTlRNSrLnnFp4Tw=',
  '-----END PUBLIC KEY-----',
  '',
].join('\n');
const PINNED_SUBJECT_HASH = '38b8f6c5666757fcbc0415bd9618ef2ba47c4498b55c7e26bf536df6d9a5bfa5';
const RECEIPT: ErasureReceipt = {
  requestId: 'erq-1',
  kind: 'erasure',
  subjectHash: PINNED_SUBJECT_HASH,
  counts: { contact_messages: 12, contact: 1, alias_tickets: 0 },
  requestedAt: '2025-01-01T00:00:00.000Z',
  completedAt: '2025-01-01T00:05:00.000Z',
  backupsExpireBy: '2025-01-31T00:05:00.000Z',
};
const PINNED_CANONICAL =
  '{"backupsExpireBy":"2025-01-31T00:05:00.000Z","completedAt":"2025-01-01T00:05:00.000Z",' +
  '"counts":{"alias_tickets":0,"contact":1,"contact_messages":12},"kind":"erasure","requestId":"erq-1",' +
  '"requestedAt":"2025-01-01T00:00:00.000Z","subjectHash":"38b8f6c5666757fcbc0415bd9618ef2ba47c4498b55c7e26bf536df6d9a5bfa5"}';
const PINNED_SIGNATURE = 'BZDoV74AriKwTVOQJQ158IaMZ277LBQOxs80A9rAYT7Rx0Ld/NuOOF1B/x88rWpjv/6jsKqB/45TI1/s0m+WAA==';

describe('canonicalJson', () => {
  it('writes the receipt with keys sorted at every level and no spaces', () => {
    expect(canonicalJson(RECEIPT)).toBe(PINNED_CANONICAL);
  });

  it.each<[unknown, string]>([
    [null, 'null'],
    [true, 'true'],
    [0, '0'],
    [-1.5, '-1.5'],
    ['a"b\n', '"a\\"b\\n"'],
    [[], '[]'],
    [{}, '{}'],
    [[3, 1, 2], '[3,1,2]'],
    [{ b: 1, a: [{ d: null, c: 'x' }] }, '{"a":[{"c":"x","d":null}],"b":1}'],
    [{ 'k"ey': 1 }, '{"k\\"ey":1}'],
    [{ a: undefined, b: 2 }, '{"b":2}'],
    [{ B: 1, a: 2, _: 3, '10': 4, '9': 5 }, '{"10":4,"9":5,"B":1,"_":3,"a":2}'],
  ])('writes %j as %s', (value, json) => {
    expect(canonicalJson(value)).toBe(json);
  });

  it('reads back as the same JSON value, whatever the key order it was built in', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        // Compared as JSON, which has no -0: fast-check generates it, and both serialisers write it as 0.
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reverseKeys(value))).toBe(text);
      }),
    );
  });
});

/** The same value with every object's keys inserted in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  }
  return value;
}

describe('receipt keys', () => {
  it('derives the signing key from the master key, so the published key never changes', () => {
    expect(receiptPublicKeyPem(MASTER_KEY)).toBe(PINNED_PUBLIC_KEY_PEM);
    expect(receiptSigningKey(MASTER_KEY).asymmetricKeyType).toBe('ed25519');
    expect(receiptSigningKey(MASTER_KEY).type).toBe('private');
  });

  it('gives another master key another key pair', () => {
    expect(receiptPublicKeyPem(randomBytes(32))).not.toBe(PINNED_PUBLIC_KEY_PEM);
  });
});

describe('signReceipt and verifyReceipt', () => {
  const pem = receiptPublicKeyPem(MASTER_KEY);

  it('signs the canonical JSON with Ed25519', () => {
    expect(signReceipt(MASTER_KEY, RECEIPT)).toBe(PINNED_SIGNATURE);
  });

  it('verifies a receipt with the published key, whatever the order of its keys', () => {
    const signature = signReceipt(MASTER_KEY, RECEIPT);
    expect(verifyReceipt(pem, RECEIPT, signature)).toBe(true);
    expect(verifyReceipt(pem, reverseKeys(RECEIPT) as ErasureReceipt, signature)).toBe(true);
  });

  it.each<[string, Partial<ErasureReceipt>]>([
    ['requestId', { requestId: 'erq-2' }],
    ['kind', { kind: 'registration' }],
    ['subjectHash', { subjectHash: '0'.repeat(64) }],
    ['a count', { counts: { ...RECEIPT.counts, contact_messages: 11 } }],
    ['completedAt', { completedAt: '2025-01-01T00:05:00.001Z' }],
    ['backupsExpireBy', { backupsExpireBy: '2025-02-28T00:00:00.000Z' }],
  ])('rejects a receipt whose %s was changed after signing', (_field, change) => {
    expect(verifyReceipt(pem, { ...RECEIPT, ...change }, PINNED_SIGNATURE)).toBe(false);
  });

  it('rejects a signature made with another master key', () => {
    expect(verifyReceipt(pem, RECEIPT, signReceipt(randomBytes(32), RECEIPT))).toBe(false);
  });

  it.each([
    ['an empty signature', pem, ''],
    ['a truncated signature', pem, PINNED_SIGNATURE.slice(0, 40)],
    ['a key that is not PEM', 'not a key', PINNED_SIGNATURE],
  ])('answers false, without throwing, for %s', (_what, key, signature) => {
    expect(verifyReceipt(key, RECEIPT, signature)).toBe(false);
  });
});

describe('subjectHash', () => {
  it('is the HMAC of the sorted identifiers under a key derived from the master key', () => {
    expect(subjectHash(MASTER_KEY, ['ada@example.com', '+15550100000'])).toBe(PINNED_SUBJECT_HASH);
  });

  it.each([
    ['order', ['+15550100000', 'ada@example.com']],
    ['case and surrounding spaces', ['  Ada@Example.COM ', '+15550100000']],
    ['phone punctuation and spaces', ['ada@example.com', '+1 (555) 010-0000']],
    ['repetitions', ['ada@example.com', '+15550100000', 'ADA@example.com', '+1 555 0100000']],
  ])('does not depend on %s', (_what, identifiers) => {
    expect(subjectHash(MASTER_KEY, identifiers)).toBe(PINNED_SUBJECT_HASH);
  });

  it.each([
    ['another identifier', ['ada@example.org', '+15550100000']],
    ['one identifier fewer', ['ada@example.com']],
    ['the identifiers split elsewhere', ['ada@example.co', 'm+15550100000']],
    ['the identifiers run together', ['ada@example.com+15550100000']],
  ])('changes with %s', (_what, identifiers) => {
    expect(subjectHash(MASTER_KEY, identifiers)).not.toBe(PINNED_SUBJECT_HASH);
  });

  it('needs the master key: another key gives another hash', () => {
    expect(subjectHash(randomBytes(32), ['ada@example.com', '+15550100000'])).not.toBe(PINNED_SUBJECT_HASH);
  });

  it('does not contain the identifiers', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const hash = subjectHash(MASTER_KEY, [email]);
        expect(hash).toMatch(/^[0-9a-f]{64}$/);
        expect(hash).not.toContain(email.toLowerCase());
      }),
      { numRuns: 50 },
    );
  });
});
