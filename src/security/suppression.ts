import { createHmac } from 'node:crypto';
import { deriveKey } from './secret-box';

/** The tenant's suppression-list key: derived from its data key, so it dies with it at the purge. */
export function suppressionKey(tenantDataKey: Buffer): Buffer {
  return deriveKey(tenantDataKey, 'suppression-list');
}

/** An address as the list compares it: trimmed, Unicode-normalised (NFC) and lower-cased. */
export function normaliseAddress(address: string): string {
  return address.trim().normalize('NFC').toLowerCase();
}

/** HMAC-SHA256 of the normalised address under the tenant's suppression key (32 bytes). */
export function suppressionHash(key: Buffer, address: string): Buffer {
  return createHmac('sha256', key).update(normaliseAddress(address), 'utf8').digest();
}
