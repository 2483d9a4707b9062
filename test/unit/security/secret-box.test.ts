import { createCipheriv, randomBytes } from 'node:crypto';
import {
  SecretBoxError,
  deriveKey,
  generateDataKey,
  open,
  seal,
  unwrapKey,
  wrapKey,
} from '../../../src/security/secret-box';

const HEADER_BYTES = 1 + 12 + 16;
// RFC 5869 HKDF-SHA256(ikm = 32 bytes of 0x07, salt "lethe", info "totp-secrets"), computed outside Node with
// Python's hmac module: a change of derivation would make every stored TOTP secret unreadable.
const PINNED_TOTP_KEY = 'b66f1fd0032fa89976d644843118fb7232c5c266e0f087f7833f988df115f90c';
const masterKey = randomBytes(32);
const otherMasterKey = randomBytes(32);

function flipBit(bytes: Buffer, index: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[index]! ^= 0x01;
  return copy;
}

function errorOf(run: () => unknown): SecretBoxError {
  try {
    run();
  } catch (error) {
    if (error instanceof SecretBoxError) return error;
    throw error;
  }
  throw new Error('expected a SecretBoxError');
}

/** Renderings of each key (and of its first half) that must never appear in an error. */
function encodingsOf(...keys: Buffer[]): string[] {
  return keys.flatMap((key) =>
    [key, key.subarray(0, 16)].flatMap((bytes) => [
      bytes.toString('hex'),
      bytes.toString('hex').toUpperCase(),
      bytes.toString('base64'),
      bytes.toString('base64url'),
    ]),
  );
}

function expectNoKeyMaterial(error: SecretBoxError, ...keys: Buffer[]): void {
  const text = `${String(error)} ${error.stack ?? ''} ${JSON.stringify(error)}`;
  for (const encoded of encodingsOf(...keys)) expect(text).not.toContain(encoded);
}

describe('generateDataKey', () => {
  it('returns 32 fresh random bytes each time', () => {
    const a = generateDataKey();
    const b = generateDataKey();
    expect(a).toHaveLength(32);
    expect(a.equals(b)).toBe(false);
  });
});

describe('wrapKey / unwrapKey', () => {
  const dataKey = generateDataKey();
  const wrapped = wrapKey(masterKey, dataKey, 'account-1');

  it('round-trips a data key', () => {
    expect(unwrapKey(masterKey, wrapped, 'account-1').equals(dataKey)).toBe(true);
  });

  it('lays out version 1, a 12-byte IV, a 16-byte tag and the ciphertext', () => {
    expect(wrapped[0]).toBe(1);
    expect(wrapped).toHaveLength(HEADER_BYTES + 32);
    expect(wrapped.includes(dataKey)).toBe(false);
  });

  it('uses a fresh IV for every wrap', () => {
    const again = wrapKey(masterKey, dataKey, 'account-1');
    expect(again.subarray(1, 13).equals(wrapped.subarray(1, 13))).toBe(false);
    expect(again.equals(wrapped)).toBe(false);
  });

  it.each([
    ['a wrong master key', () => unwrapKey(otherMasterKey, wrapped, 'account-1')],
    ['another account as context', () => unwrapKey(masterKey, wrapped, 'account-2')],
    ['a flipped bit in the IV', () => unwrapKey(masterKey, flipBit(wrapped, 1), 'account-1')],
    ['a flipped bit in the tag', () => unwrapKey(masterKey, flipBit(wrapped, 13), 'account-1')],
    ['a flipped bit in the ciphertext', () => unwrapKey(masterKey, flipBit(wrapped, HEADER_BYTES + 5), 'account-1')],
    ['an unknown version', () => unwrapKey(masterKey, flipBit(wrapped, 0), 'account-1')],
    ['a truncated header', () => unwrapKey(masterKey, wrapped.subarray(0, HEADER_BYTES - 1), 'account-1')],
    ['a truncated ciphertext', () => unwrapKey(masterKey, wrapped.subarray(0, wrapped.length - 1), 'account-1')],
    ['an empty buffer', () => unwrapKey(masterKey, Buffer.alloc(0), 'account-1')],
    [
      'sealed data instead of a wrapped key',
      () => unwrapKey(masterKey, seal(masterKey, dataKey, 'account-1'), 'account-1'),
    ],
  ])('throws SecretBoxError without key material for %s', (_label, run) => {
    const error = errorOf(run);
    expect(error.name).toBe('SecretBoxError');
    expectNoKeyMaterial(error, masterKey, otherMasterKey, dataKey);
  });

  it('refuses to open a wrapped key as data, so a key is never handed out as plaintext', () => {
    expectNoKeyMaterial(
      errorOf(() => open(masterKey, wrapped, 'account-1')),
      masterKey,
      dataKey,
    );
  });

  it.each([
    [
      'a short master key on wrap',
      () => wrapKey(randomBytes(16), generateDataKey(), 'a'),
      /master key must be 32 bytes, got 16/,
    ],
    ['a long data key on wrap', () => wrapKey(masterKey, randomBytes(33), 'a'), /data key must be 32 bytes, got 33/],
    [
      'an empty master key on unwrap',
      () => unwrapKey(Buffer.alloc(0), wrapped, 'a'),
      /master key must be 32 bytes, got 0/,
    ],
  ])('rejects %s with a clear message', (_label, run, message) => {
    const error = errorOf(run);
    expect(error.message).toMatch(message);
    expectNoKeyMaterial(error, masterKey);
  });
});

describe('seal / open', () => {
  const key = generateDataKey();

  it.each([
    ['empty', Buffer.alloc(0)],
    ['short text', Buffer.from('JBSWY3DPEHPK3PXP', 'utf8')],
    ['1 MiB of random bytes', randomBytes(1024 * 1024)],
  ])('round-trips %s plaintext', (_label, plaintext) => {
    const sealed = seal(key, plaintext, 'backup:account-1');
    expect(sealed).toHaveLength(HEADER_BYTES + plaintext.length);
    expect(sealed[0]).toBe(1);
    expect(open(key, sealed, 'backup:account-1').equals(plaintext)).toBe(true);
  });

  it.each([
    ['a wrong key', (sealed: Buffer) => open(generateDataKey(), sealed, 'totp:user-1')],
    ['a wrong context', (sealed: Buffer) => open(key, sealed, 'totp:user-2')],
    ['a flipped bit', (sealed: Buffer) => open(key, flipBit(sealed, sealed.length - 1), 'totp:user-1')],
    ['a short key', (sealed: Buffer) => open(key.subarray(0, 31), sealed, 'totp:user-1')],
  ])('throws SecretBoxError for %s', (_label, run) => {
    const sealed = seal(key, Buffer.from('secret value'), 'totp:user-1');
    expectNoKeyMaterial(
      errorOf(() => run(sealed)),
      key,
    );
  });

  it('rejects a key of the wrong length when sealing', () => {
    expect(() => seal(randomBytes(24), Buffer.from('x'), 'c')).toThrow(SecretBoxError);
  });
});

describe('deriveKey', () => {
  it('derives the same 32-byte key for the same master key and purpose', () => {
    const a = deriveKey(masterKey, 'totp-secrets');
    expect(a).toHaveLength(32);
    expect(deriveKey(masterKey, 'totp-secrets').equals(a)).toBe(true);
  });

  it('derives different keys for different purposes and master keys', () => {
    const keys = [
      deriveKey(masterKey, 'totp-secrets'),
      deriveKey(masterKey, 'stashed-config'),
      deriveKey(otherMasterKey, 'totp-secrets'),
      masterKey,
    ].map((k) => k.toString('hex'));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('matches RFC 5869 HKDF-SHA256 with salt "lethe" and the purpose as info', () => {
    const fixed = Buffer.alloc(32, 7);
    expect(deriveKey(fixed, 'totp-secrets').toString('hex')).toBe(PINNED_TOTP_KEY);
  });

  it('rejects an empty purpose and a master key of the wrong length', () => {
    expect(() => deriveKey(masterKey, '')).toThrow(SecretBoxError);
    expect(() => deriveKey(randomBytes(31), 'totp-secrets')).toThrow(/master key must be 32 bytes/);
  });
});

/** Bytes as version 1 lays them out, made with Node's crypto alone: what rows written today hold. */
function writeV1(kind: 'key' | 'data', key: Buffer, plaintext: Buffer, context: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`lethe/secret-box/v1/${kind}\u0000${context}`, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(1), iv, cipher.getAuthTag(), ciphertext]);
}

describe('the stored format, version 1', () => {
  it('opens wrapped keys and sealed data written in it, so stored rows stay readable', () => {
    const dataKey = randomBytes(32);
    expect(unwrapKey(masterKey, writeV1('key', masterKey, dataKey, 'account-1'), 'account-1')).toEqual(dataKey);
    const plaintext = Buffer.from('stashed configuration');
    expect(open(masterKey, writeV1('data', masterKey, plaintext, 'backup:account-1'), 'backup:account-1')).toEqual(
      plaintext,
    );
  });

  it('refuses an authentic wrapped key that does not hold a 32-byte key', () => {
    const wrapped = writeV1('key', masterKey, randomBytes(16), 'account-1');
    expect(errorOf(() => unwrapKey(masterKey, wrapped, 'account-1')).message).toBe(
      'The wrapped key does not hold a 32-byte key',
    );
  });
});

describe('secret-box messages', () => {
  const key = generateDataKey();
  const wrapped = wrapKey(masterKey, generateDataKey(), 'account-1');
  const sealed = seal(key, Buffer.from('secret value'), 'totp:user-1');

  it.each([
    [
      'a truncated wrapped key',
      () => unwrapKey(masterKey, wrapped.subarray(0, 20), 'account-1'),
      'The wrapped key is truncated or not a buffer',
    ],
    [
      'truncated sealed data',
      () => open(key, sealed.subarray(0, 20), 'totp:user-1'),
      'The sealed data is truncated or not a buffer',
    ],
    [
      'a wrapped key of another version',
      () => unwrapKey(masterKey, flipBit(wrapped, 0), 'account-1'),
      'The wrapped key has an unsupported version',
    ],
    [
      'sealed data of another version',
      () => open(key, flipBit(sealed, 0), 'totp:user-1'),
      'The sealed data has an unsupported version',
    ],
    [
      'a tampered wrapped key',
      () => unwrapKey(masterKey, flipBit(wrapped, 40), 'account-1'),
      'Cannot open the wrapped key: wrong key, wrong context or tampered bytes',
    ],
    [
      'tampered sealed data',
      () => open(key, flipBit(sealed, 40), 'totp:user-1'),
      'Cannot open the sealed data: wrong key, wrong context or tampered bytes',
    ],
    [
      'a short key on seal',
      () => seal(randomBytes(16), Buffer.from('x'), 'c'),
      'The key must be 32 bytes, got 16 bytes',
    ],
    ['a short key on open', () => open(randomBytes(16), sealed, 'c'), 'The key must be 32 bytes, got 16 bytes'],
    ['an empty purpose', () => deriveKey(masterKey, ''), 'The key purpose must not be empty'],
  ])('names what failed for %s', (_label, run, message) => {
    expect(errorOf(run).message).toBe(message);
  });
});
