import { createHmac } from 'node:crypto';
import { deriveKey } from './secret-box';

/** A document's features as stored: keyed token hashes (int8 as decimal strings), ascending, and their counts. */
export interface HashedFeatures {
  tokens: string[];
  counts: number[];
}

/** The key a tenant's spam model hashes its tokens with; it dies with the tenant's data key at purge. */
export function spamTokenKey(tenantDataKey: Buffer): Buffer {
  return deriveKey(tenantDataKey, 'spam-model-tokens');
}

/** The first 64 bits of HMAC-SHA256(key, token), as the signed integer PostgreSQL's `bigint` holds. */
export function tokenHash(key: Buffer, token: string): bigint {
  return createHmac('sha256', key).update(token, 'utf8').digest().readBigInt64BE(0);
}

/**
 * Hashes a document's features. Two tokens that collide on 64 bits are merged (their counts add up), so a
 * document never names a hash twice, which the model's upsert requires. Sorted, so every writer of the model
 * touches token rows in the same order.
 */
export function hashFeatures(key: Buffer, features: ReadonlyMap<string, number>): HashedFeatures {
  return indexedHashes(key, features).features;
}

/** {@link hashFeatures}, plus each token's hash (as stored), so a scorer looks counts up without hashing twice. */
export function indexedHashes(
  key: Buffer,
  features: ReadonlyMap<string, number>,
): { features: HashedFeatures; hashOf: Map<string, string> } {
  const merged = new Map<bigint, number>();
  const hashOf = new Map<string, string>();
  for (const [token, count] of features) {
    const hash = tokenHash(key, token);
    hashOf.set(token, hash.toString());
    merged.set(hash, (merged.get(hash) ?? 0) + count);
  }
  const sorted = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    features: { tokens: sorted.map(([hash]) => hash.toString()), counts: sorted.map(([, count]) => count) },
    hashOf,
  };
}
