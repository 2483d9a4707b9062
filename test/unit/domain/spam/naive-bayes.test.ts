import fc from 'fast-check';
import { InMemoryModel, SPAM_THRESHOLD, spamProbability } from '../../../../src/domain/spam/naive-bayes';
import type { SpamLabel } from '../../../../src/domain/spam/naive-bayes';
import { tokenize } from '../../../../src/domain/spam/tokenize';

const features = (text: string): Map<string, number> => tokenize({ subject: '', text });

function trained(docs: [string, SpamLabel][]): InMemoryModel {
  const model = new InMemoryModel();
  for (const [text, label] of docs) model.add(features(text), label);
  return model;
}

const BASE = trained([
  ['cheap viagra free offer click here now', 'spam'],
  ['win cash prize free click now limited offer', 'spam'],
  ['lowest mortgage rates free quote click here', 'spam'],
  ['meeting notes attached for the project review', 'ham'],
  ['can you review the patch before the release', 'ham'],
  ['lunch tomorrow with the project team', 'ham'],
]);

const randomDoc = fc.record({
  features: fc.dictionary(
    fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), minLength: 1, maxLength: 3 }),
    fc.integer({ min: 0, max: 8 }),
    {
      maxKeys: 12,
    },
  ),
  label: fc.constantFrom<SpamLabel>('spam', 'ham'),
});

describe('spam naive Bayes', () => {
  it('tells spammy from hammy mail', () => {
    expect(spamProbability(features('free offer click here'), BASE)).toBeGreaterThanOrEqual(SPAM_THRESHOLD);
    expect(spamProbability(features('project review meeting notes'), BASE)).toBeLessThan(0.5);
  });

  it('is a probability for any document, also unknown or empty ones', () => {
    fc.assert(
      fc.property(fc.array(randomDoc, { maxLength: 20 }), randomDoc, (docs, probe) => {
        const model = new InMemoryModel();
        for (const d of docs) model.add(new Map(Object.entries(d.features)), d.label);
        const p = spamProbability(new Map(Object.entries(probe.features)), BASE, model);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
      }),
    );
    expect(spamProbability(new Map(), BASE)).toBeGreaterThan(0);
  });

  it('does not underflow on a long mail', () => {
    const p = spamProbability(new Map(Array.from({ length: 1_500 }, (_, i) => [i % 2 ? 'free' : 'click', 8])), BASE);
    expect(Number.isFinite(p)).toBe(true);
    expect(p).toBeGreaterThan(SPAM_THRESHOLD);
  });

  it("lets a tenant's marks shift a decision the base model gets wrong for it", () => {
    const newsletter = features('free webinar offer click here now');
    expect(spamProbability(newsletter, BASE)).toBeGreaterThanOrEqual(SPAM_THRESHOLD);
    const tenant = new InMemoryModel();
    for (let i = 0; i < 3; i++) tenant.add(newsletter, 'ham');
    expect(spamProbability(newsletter, BASE, tenant)).toBeLessThan(SPAM_THRESHOLD);
  });

  it('removes exactly what it added, count for count', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(randomDoc, fc.boolean()), { maxLength: 30 }), (docs) => {
        const all = new InMemoryModel();
        const kept = new InMemoryModel();
        for (const [d, keep] of docs) {
          all.add(new Map(Object.entries(d.features)), d.label);
          if (keep) kept.add(new Map(Object.entries(d.features)), d.label);
        }
        for (const [d, keep] of docs) if (!keep) all.remove(new Map(Object.entries(d.features)), d.label);
        expect(all.toJSON()).toEqual(kept.toJSON());
        expect(all.tokens).toEqual(kept.tokens);
        expect(all.vocabulary).toBe(kept.vocabulary);
      }),
    );
  });

  it('refuses to remove what was never added, and changes nothing then', () => {
    const model = trained([['hello world', 'ham']]);
    const before = model.toJSON();
    expect(() => model.remove(features('hello world'), 'spam')).toThrow(RangeError);
    expect(() => model.remove(features('hello there'), 'ham')).toThrow(RangeError);
    expect(model.toJSON()).toEqual(before);
  });

  it('round-trips through JSON and keeps a token named like a prototype key', () => {
    const model = trained([['hello world', 'ham']]);
    model.add(new Map([['__proto__', 2]]), 'spam');
    const copy = InMemoryModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(copy.toJSON()).toEqual(model.toJSON());
    expect(copy.count('__proto__')).toEqual({ spam: 2, ham: 0 });
  });

  it('prunes tokens and their totals, keeping documents', () => {
    const model = trained([
      ['alpha beta', 'ham'],
      ['alpha gamma', 'spam'],
    ]);
    const pruned = model.pruned((token) => token === 'alpha');
    expect(pruned.vocabulary).toBe(1);
    expect(pruned.tokens).toEqual({ spam: 1, ham: 1 });
    expect(pruned.docs).toEqual({ spam: 1, ham: 1 });
  });
});
