import { createHmac, randomBytes } from 'node:crypto';
import { createBase32Plugin, createCryptoPlugin, generateSecret } from '@otplib/core';
import { generateSync } from '@otplib/totp';
import { toString as qrToString } from 'qrcode';
import { deriveKey, open, seal } from './secret-box';
import { safeEqual } from './tokens';

// otplib 13 is used through its CommonJS core packages with node:crypto and a local base32 codec as plugins: the
// `otplib` umbrella package loads its default plugins (@noble/hashes 2, @scure/base 2), which are ESM-only, so
// requiring it fails under jest on Node 20. The TOTP/HOTP algorithm itself stays otplib's.

/** Length of a TOTP time step (RFC 6238 `X`), the only one Google Authenticator supports. */
export const TOTP_STEP_SECONDS = 30;

const DIGITS = 6;
// 160 bits, the HMAC-SHA-1 block-output size RFC 4226 recommends and what authenticator apps expect.
const SECRET_BYTES = 20;
const CODE_PATTERN = /^[0-9]{6}$/;
const KEY_PURPOSE = 'totp-secrets';
const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let value = 0;
  let bits = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET.charAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET.charAt((value << (5 - bits)) & 31);
  return out;
}

// Errors never quote the input: it is a secret.
function base32Decode(text: string): Uint8Array {
  const clean = text.toUpperCase().replace(/=+$/, '');
  if (!/^[A-Z2-7]*$/.test(clean)) throw new Error('The secret is not base32');
  if ([1, 3, 6].includes(clean.length % 8)) throw new Error('The secret has an impossible base32 length');
  const bytes: number[] = [];
  let value = 0;
  let bits = 0;
  for (const char of clean) {
    value = (value << 5) | BASE32_ALPHABET.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  return Uint8Array.from(bytes);
}

const crypto = createCryptoPlugin({
  name: 'node',
  algorithms: ['sha1'],
  hmac: (algorithm, key, data) => createHmac(algorithm, key).update(data).digest(),
  randomBytes: (length) => randomBytes(length),
});

const base32 = createBase32Plugin({ name: 'rfc4648', encode: base32Encode, decode: base32Decode });

/** A new random TOTP secret: 20 bytes as 32 upper-case base32 characters without padding. */
export function generateTotpSecret(): string {
  return generateSecret({ crypto, base32, length: SECRET_BYTES });
}

/**
 * The `otpauth://totp/Issuer:account?…` key URI an authenticator app enrols from (Google's Key Uri Format), with
 * every parameter spelled out. `accountName` is personal data (the email): send the URI only to its owner.
 * @throws RangeError when the issuer or account name is empty or contains a colon (the label separator).
 */
export function totpUri(secret: string, accountName: string, issuer: string): string {
  if (issuer === '' || accountName === '' || issuer.includes(':') || accountName.includes(':')) {
    throw new RangeError('The TOTP issuer and account name must be non-empty and contain no colon');
  }
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountName)}`;
  const query = [
    `secret=${encodeURIComponent(secret)}`,
    `issuer=${encodeURIComponent(issuer)}`,
    'algorithm=SHA1',
    `digits=${DIGITS}`,
    `period=${TOTP_STEP_SECONDS}`,
  ].join('&');
  return `otpauth://totp/${label}?${query}`;
}

/** An SVG document of a QR code of `uri`, for enrolment screens. */
export async function totpQrSvg(uri: string): Promise<string> {
  return qrToString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** The RFC 6238 time step containing `timeSeconds` (Unix seconds): `floor(t / 30)`. */
export function stepOf(timeSeconds: number): number {
  return Math.floor(timeSeconds / TOTP_STEP_SECONDS);
}

/**
 * The 6-digit code (SHA-1, 30 s) of the step containing `timeSeconds`.
 * @throws when the secret is not base32 of 16–64 bytes or the time is negative or not finite.
 */
export function totpCodeAt(secret: string, timeSeconds: number): string {
  return generateSync({
    secret,
    epoch: timeSeconds,
    period: TOTP_STEP_SECONDS,
    digits: DIGITS,
    algorithm: 'sha1',
    crypto,
    base32,
  });
}

/** Outcome of {@link verifyTotp}; on success `step` is the caller's new `lastUsedStep`. */
export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'malformed' | 'invalid' | 'replayed' };

/**
 * Checks a presented code against the current step and the one before it (a code typed just before the step turned);
 * future steps are never accepted. A code whose step is at or before `lastUsedStep` is `replayed`: each code is
 * single-use, and once a code is used no older one is accepted either. Comparison is constant-time.
 * @throws when the secret is not valid base32 or `nowSeconds` is negative or not finite (caller bugs, not refusals).
 */
export function verifyTotp(secret: string, code: string, nowSeconds: number, lastUsedStep: number | null): TotpCheck {
  if (!CODE_PATTERN.test(code)) return { ok: false, reason: 'malformed' };
  const current = stepOf(nowSeconds);
  let matched: number | null = null;
  // Both candidates are always compared (no early exit); the later wins should both steps share the code.
  for (const step of [current - 1, current]) {
    if (step < 0) continue;
    if (safeEqual(totpCodeAt(secret, step * TOTP_STEP_SECONDS), code)) matched = step;
  }
  if (matched === null) return { ok: false, reason: 'invalid' };
  if (lastUsedStep !== null && matched <= lastUsedStep) return { ok: false, reason: 'replayed' };
  return { ok: true, step: matched };
}

/**
 * Encrypts a TOTP secret for storage under a key derived from the master key for `totp-secrets`, bound to `userId`
 * so the sealed bytes cannot be moved to another user's row.
 * @throws {@link SecretBoxError} when the master key is not 32 bytes; RangeError when `userId` is empty.
 */
export function sealTotpSecret(masterKey: Buffer, secret: string, userId: string): Buffer {
  if (userId === '') throw new RangeError('A TOTP secret must be sealed for a user id');
  return seal(deriveKey(masterKey, KEY_PURPOSE), Buffer.from(secret, 'utf8'), userId);
}

/**
 * Reverses {@link sealTotpSecret} with the same master key and user id.
 * @throws {@link SecretBoxError} on a wrong key or user id, or tampered bytes.
 */
export function openTotpSecret(masterKey: Buffer, sealed: Buffer, userId: string): string {
  return open(deriveKey(masterKey, KEY_PURPOSE), sealed, userId).toString('utf8');
}
