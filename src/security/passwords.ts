import { randomBytes } from 'node:crypto';
import * as argon2 from '@node-rs/argon2';
import type { Algorithm, Options } from '@node-rs/argon2';

// The package declares `Algorithm` as an ambient const enum: ts-jest's isolatedModules cannot inline it and the
// native binding exports an empty object, so the member value is written out.
const ARGON2ID: Algorithm = 2;

/**
 * argon2id parameters of every new password hash: the OWASP minimum (19 MiB, 2 passes, 1 lane), 32-byte output.
 * Verification reads the parameters from the stored PHC string, so raising these later keeps old hashes valid.
 */
export const ARGON2_PARAMS = Object.freeze({
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
} satisfies Options);

/** Shortest accepted password, in Unicode code points (NIST SP 800-63B allows 8; we ask for more). */
export const MIN_PASSWORD_LENGTH = 12;

// Long enough for any passphrase or manager-generated secret, short enough that hashing stays bounded.
const MAX_PASSWORD_LENGTH = 1024;

// NFKC so the same password typed on different keyboards or systems (composed vs decomposed accents, full-width
// forms) hashes the same, as NIST SP 800-63B §5.1.1.2 recommends.
function normalize(password: string): string {
  return password.normalize('NFKC');
}

/** Hashes a password with argon2id and {@link ARGON2_PARAMS}; returns the PHC string (`$argon2id$v=19$m=…`). */
export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(normalize(password), ARGON2_PARAMS);
}

/**
 * Checks a password against a stored PHC hash. Returns `false` for a wrong password and for a hash that cannot
 * be parsed (corrupt row, another algorithm's format); never throws.
 */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, normalize(password));
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

function getDummyHash(): Promise<string> {
  // The password is random and thrown away, so no input can ever match the dummy hash.
  dummyHash ??= hashPassword(randomBytes(32).toString('base64url')).catch((error: unknown) => {
    dummyHash = undefined;
    throw error;
  });
  return dummyHash;
}

/**
 * Login-time verification that does not reveal whether an account exists: with `hash` undefined (unknown user)
 * it still runs one argon2 verification, against a dummy hash computed on first use, and returns `false`.
 * The first unknown-user call also pays for computing the dummy hash.
 */
export async function verifyPasswordOrDummy(hash: string | undefined, password: string): Promise<boolean> {
  if (hash !== undefined) return verifyPassword(hash, password);
  await verifyPassword(await getDummyHash(), password);
  return false;
}

/**
 * Returns why a new password is not acceptable (too short or too long), or `undefined` when it is. Lengths are
 * counted in Unicode code points after normalisation; the message never contains the password.
 */
export function passwordProblem(password: string): string | undefined {
  const length = [...normalize(password)].length;
  if (length < MIN_PASSWORD_LENGTH) return `Password must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  if (length > MAX_PASSWORD_LENGTH) return `Password must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
  return undefined;
}
