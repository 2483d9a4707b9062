import { randomBytes } from 'node:crypto';
import { sha256Hex } from './tokens';

/** How many recovery codes a user gets when enabling 2FA (each usable once). */
export const RECOVERY_CODE_COUNT = 10;

// 32 symbols without 0/o and 1/l, so no two of them are confused when read aloud or copied from paper; 32 divides
// 256, so `byte & 31` picks each symbol uniformly. 12 symbols × 5 bits = 60 bits per code.
const ALPHABET = '23456789abcdefghijkmnpqrstuvwxyz';
const GROUPS = 3;
const GROUP_LENGTH = 4;

function newCode(): string {
  const symbols = Array.from(randomBytes(GROUPS * GROUP_LENGTH), (byte) => ALPHABET.charAt(byte & 31)).join('');
  const groups = Array.from({ length: GROUPS }, (_, i) => symbols.slice(i * GROUP_LENGTH, (i + 1) * GROUP_LENGTH));
  return groups.join('-');
}

/**
 * Creates {@link RECOVERY_CODE_COUNT} distinct single-use codes `xxxx-xxxx-xxxx` (60 random bits each) and their
 * hashes to store ({@link hashRecoveryCode}). Show the codes to the user once; never store or log them.
 */
export function generateRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = new Set<string>();
  while (codes.size < RECOVERY_CODE_COUNT) codes.add(newCode());
  return { codes: [...codes], hashes: [...codes].map(hashRecoveryCode) };
}

/** The canonical form of a typed code: lower case, without spaces or hyphens (`ABCD-efgh 1234` → `abcdefgh1234`). */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]+/g, '');
}

/** SHA-256 hex of the normalised code: what is stored, and what a presented code is looked up by. */
export function hashRecoveryCode(code: string): string {
  return sha256Hex(normalizeRecoveryCode(code));
}
