import { createHmac, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { deriveKey } from './secret-box';

/** A content-free proof that a deletion happened: ids, counts, times and a keyed hash of the identifiers. */
export interface ErasureReceipt {
  requestId: string;
  kind: string;
  subjectHash: string;
  counts: Record<string, number>;
  requestedAt: string;
  completedAt: string;
  /** By when every backup that may still hold the subject has expired. */
  backupsExpireBy: string;
}

// PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The server's receipt-signing key, derived from MASTER_KEY (stable across restarts, nothing more to store). */
export function receiptSigningKey(masterKey: Buffer): KeyObject {
  const seed = deriveKey(masterKey, 'receipt-signing-ed25519');
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** The public half, as PEM, for anyone to verify receipts offline. */
export function receiptPublicKeyPem(masterKey: Buffer): string {
  return createPublicKey(receiptSigningKey(masterKey)).export({ format: 'pem', type: 'spki' }).toString();
}

/** JSON with object keys sorted at every level: the bytes that are signed. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Base64 Ed25519 signature over the receipt's canonical JSON. */
export function signReceipt(masterKey: Buffer, receipt: ErasureReceipt): string {
  return sign(null, Buffer.from(canonicalJson(receipt)), receiptSigningKey(masterKey)).toString('base64');
}

export function verifyReceipt(publicKeyPem: string, receipt: ErasureReceipt, signature: string): boolean {
  try {
    return verify(
      null,
      Buffer.from(canonicalJson(receipt)),
      createPublicKey(publicKeyPem),
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/**
 * A keyed hash of a subject's identifiers (emails, phones), normalised and sorted: who holds MASTER_KEY can check
 * that a receipt concerns a given person; nobody can read the person back from it.
 */
export function subjectHash(masterKey: Buffer, identifiers: readonly string[]): string {
  const normalised = [
    ...new Set(
      identifiers.map((i) =>
        i
          .trim()
          .toLowerCase()
          .replace(/[\s()-]/g, ''),
      ),
    ),
  ].sort();
  return createHmac('sha256', deriveKey(masterKey, 'receipt-subject-hash')).update(normalised.join('\n')).digest('hex');
}
