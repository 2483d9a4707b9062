import { existsSync, readFileSync } from 'node:fs';
import { BaseModelError, baseModelPath, loadBaseModel } from '../../../../src/domain/spam/base-model';
import { SPAM_THRESHOLD, spamProbability } from '../../../../src/domain/spam/naive-bayes';
import { TOKENIZER_VERSION, tokenize } from '../../../../src/domain/spam/tokenize';

const valid = { format: 1, tokenizer: TOKENIZER_VERSION, docs: { spam: 1, ham: 1 }, counts: { free: [3, 0] } };

describe('spam base model', () => {
  it('loads the shipped model, made by this tokenizer', () => {
    expect(existsSync(baseModelPath())).toBe(true);
    const model = loadBaseModel(JSON.parse(readFileSync(baseModelPath(), 'utf8')));
    expect(model.vocabulary).toBeGreaterThan(10_000);
    const spam = tokenize({ subject: 'Make money fast!!! Limited offer', text: 'Click here to remove yourself. FREE' });
    expect(spamProbability(spam, model)).toBeGreaterThanOrEqual(SPAM_THRESHOLD);
  });

  it.each([
    ['not an object', []],
    ['another format', { ...valid, format: 2 }],
    ['another tokenizer', { ...valid, tokenizer: 'old' }],
    ['negative documents', { ...valid, docs: { spam: -1, ham: 1 } }],
    ['a fractional count', { ...valid, counts: { free: [1.5, 0] } }],
    ['a count that is not a pair', { ...valid, counts: { free: [1] } }],
  ])('refuses %s', (_, json) => {
    expect(() => loadBaseModel(json)).toThrow(BaseModelError);
  });

  it('accepts a well-formed model', () => {
    expect(loadBaseModel(valid).count('free')).toEqual({ spam: 3, ham: 0 });
  });
});
