import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Thrown by every function of this module when a key has the wrong length or sealed bytes cannot be opened (wrong
 * key, wrong context, tampering, unknown version, truncation). The message never contains key material or
 * plaintext, so it is safe to log; GCM cannot tell those failures apart, and neither does the message.
 */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

const VERSION = 1;
const KEY_BYTES = 32;
// 96-bit random IVs: the size GCM is specified for; collisions stay negligible below 2^32 seals per key.
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;
const HKDF_SALT = 'lethe';

type Kind = 'key' | 'data';

// The kind is authenticated beside the caller's context so a wrapped data key can never be opened as data (and
// handed out as such), nor sealed data unwrapped as a key, even where both were made with the same key and context.
function additionalData(kind: Kind, context: string): Buffer {
  return Buffer.from(`lethe/secret-box/v${VERSION}/${kind}\u0000${context}`, 'utf8');
}

function checkKey(key: Buffer, name: string): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
    const length = Buffer.isBuffer(key) ? `${key.length} bytes` : typeof key;
    throw new SecretBoxError(`The ${name} must be ${KEY_BYTES} bytes, got ${length}`);
  }
}

function sealAs(kind: Kind, key: Buffer, plaintext: Buffer, context: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(kind, context));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), ciphertext]);
}

function openAs(kind: Kind, key: Buffer, sealed: Buffer, context: string): Buffer {
  const what = kind === 'key' ? 'wrapped key' : 'sealed data';
  if (!Buffer.isBuffer(sealed) || sealed.length < HEADER_BYTES) {
    throw new SecretBoxError(`The ${what} is truncated or not a buffer`);
  }
  if (sealed[0] !== VERSION) throw new SecretBoxError(`The ${what} has an unsupported version`);
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, HEADER_BYTES);
  const ciphertext = sealed.subarray(HEADER_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(kind, context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    // The cause is dropped on purpose: it adds nothing GCM can distinguish and keeps foreign text out of logs.
    throw new SecretBoxError(`Cannot open the ${what}: wrong key, wrong context or tampered bytes`);
  }
}

/** A fresh random 32-byte AES-256 data key for one tenant; store it only wrapped ({@link wrapKey}). */
export function generateDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/**
 * Encrypts a tenant's data key under the master key (AES-256-GCM). `context` (the account id) is authenticated, so
 * a wrapped key copied to another account's row fails to unwrap. Layout: `version(1) | iv(12) | tag(16) | ciphertext`.
 * @throws {@link SecretBoxError} when either key is not 32 bytes.
 */
export function wrapKey(masterKey: Buffer, dataKey: Buffer, context: string): Buffer {
  checkKey(masterKey, 'master key');
  checkKey(dataKey, 'data key');
  return sealAs('key', masterKey, dataKey, context);
}

/**
 * Reverses {@link wrapKey} with the same master key and context.
 * @throws {@link SecretBoxError} on a wrong key or context, tampered or truncated bytes, or an unknown version.
 */
export function unwrapKey(masterKey: Buffer, wrapped: Buffer, context: string): Buffer {
  checkKey(masterKey, 'master key');
  const dataKey = openAs('key', masterKey, wrapped, context);
  if (dataKey.length !== KEY_BYTES) throw new SecretBoxError('The wrapped key does not hold a 32-byte key');
  return dataKey;
}

/**
 * Encrypts data (a backup, stashed configuration, a TOTP secret) with AES-256-GCM under `key`, authenticating
 * `context` (e.g. `backup:<accountId>`) so the bytes only open where they belong. Same layout as {@link wrapKey}.
 * @throws {@link SecretBoxError} when the key is not 32 bytes.
 */
export function seal(key: Buffer, plaintext: Buffer, context: string): Buffer {
  checkKey(key, 'key');
  return sealAs('data', key, plaintext, context);
}

/**
 * Reverses {@link seal} with the same key and context.
 * @throws {@link SecretBoxError} on a wrong key or context, tampered or truncated bytes, or an unknown version.
 */
export function open(key: Buffer, sealed: Buffer, context: string): Buffer {
  checkKey(key, 'key');
  return openAs('data', key, sealed, context);
}

/**
 * Derives an independent 32-byte key for one purpose (e.g. `totp-secrets`) from the master key with HKDF-SHA256
 * (salt `lethe`, info = purpose), so each use has its own key without more configuration. Deterministic.
 * @throws {@link SecretBoxError} when the master key is not 32 bytes or the purpose is empty.
 */
export function deriveKey(masterKey: Buffer, purpose: string): Buffer {
  checkKey(masterKey, 'master key');
  if (purpose === '') throw new SecretBoxError('The key purpose must not be empty');
  return Buffer.from(hkdfSync('sha256', masterKey, HKDF_SALT, purpose, KEY_BYTES));
}
