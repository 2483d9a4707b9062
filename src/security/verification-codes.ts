import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { VERIFICATION_CODE_DIGITS } from '../domain/portal-verification';
import { deriveKey } from './secret-box';

/** A uniformly random code of {@link VERIFICATION_CODE_DIGITS} digits, leading zeros kept. */
export function newVerificationCode(): string {
  return String(randomInt(0, 10 ** VERIFICATION_CODE_DIGITS)).padStart(VERIFICATION_CODE_DIGITS, '0');
}

/**
 * What is stored of a code: an HMAC under a key derived from `MASTER_KEY`, bound to the tenant and the address. A
 * plain hash of a 6-digit code would fall to a million guesses by whoever reads the table; this needs the key too.
 */
export function hashVerificationCode(masterKey: Buffer, accountId: string, email: string, code: string): string {
  return createHmac('sha256', deriveKey(masterKey, 'portal-verification-code'))
    .update(`${accountId}\u0000${email.toLowerCase()}\u0000${code}`)
    .digest('hex');
}

/** Compares a presented code with the stored hash in constant time; a row without a code never matches. */
export function verificationCodeMatches(
  masterKey: Buffer,
  stored: string | null,
  accountId: string,
  email: string,
  code: string,
): boolean {
  const presented = Buffer.from(hashVerificationCode(masterKey, accountId, email, code), 'hex');
  const expected = stored === null ? Buffer.alloc(presented.length) : Buffer.from(stored, 'hex');
  return expected.length === presented.length && timingSafeEqual(expected, presented) && stored !== null;
}
