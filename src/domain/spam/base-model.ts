// The cold-start model every tenant starts from, trained on the SpamAssassin public corpus by
// scripts/build-spam-model.mjs and shipped as data/spam-base-model.json.
import { InMemoryModel } from './naive-bayes';
import type { ModelCounts, SerializedModel } from './naive-bayes';
import { TOKENIZER_VERSION } from './tokenize';

/** Thrown by {@link loadBaseModel} when the stored model is not one this code can use. */
export class BaseModelError extends Error {
  constructor(reason: string) {
    super(`Unusable spam base model: ${reason}`);
    this.name = 'BaseModelError';
  }
}

/**
 * Where the shipped model lies: `data/` beside `src/`, so `<root>/data/` under ts-jest and `dist/data/` in the build
 * (scripts/copy-assets.mjs copies it, the runtime image ships dist/ only). Only a path: reading it is the caller's
 * I/O, which keeps this module pure.
 */
export function baseModelPath(moduleDir: string = __dirname): string {
  return `${moduleDir}/../../../data/spam-base-model.json`;
}

/**
 * The model a parsed data file holds, checked: format 1, made by this {@link TOKENIZER_VERSION} (counts of another
 * tokenizer would silently score nonsense), non-negative integer counts.
 *
 * @throws {BaseModelError} naming the first problem found.
 */
export function loadBaseModel(json: unknown): ModelCounts {
  if (!isRecord(json)) throw new BaseModelError('not an object');
  if (json.format !== 1) throw new BaseModelError('unknown format');
  if (json.tokenizer !== TOKENIZER_VERSION) {
    throw new BaseModelError(
      `made by tokenizer ${String(json.tokenizer)}, this code tokenizes as ${TOKENIZER_VERSION}`,
    );
  }
  const docs = json.docs;
  if (!isRecord(docs) || !isCount(docs.spam) || !isCount(docs.ham)) throw new BaseModelError('bad document counts');
  const counts = json.counts;
  if (!isRecord(counts)) throw new BaseModelError('no token counts');
  for (const pair of Object.values(counts)) {
    if (!Array.isArray(pair) || pair.length !== 2 || !isCount(pair[0]) || !isCount(pair[1])) {
      throw new BaseModelError('a token count is not a pair of non-negative integers');
    }
  }
  return InMemoryModel.fromJSON(json as unknown as SerializedModel);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
