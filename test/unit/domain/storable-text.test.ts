import fc from 'fast-check';
import { isStorableText, unstorablePaths } from '../../../src/domain/storable-text';

describe('isStorableText', () => {
  it.each([
    ['plain', 'hello'],
    ['empty', ''],
    ['accents and CJK', 'Zoë 東京'],
    ['a surrogate pair (emoji)', 'ok 😀'],
    ['control characters other than NUL', '\u0001\t\n\u007f'],
  ])('accepts %s', (_, text) => {
    expect(isStorableText(text)).toBe(true);
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['NUL alone', '\u0000'],
    ['a lone high surrogate', 'a\uD800b'],
    ['a high surrogate at the end', 'a\uDBFF'],
    ['a lone low surrogate', '\uDC00a'],
    ['a reversed pair', '\uDE00\uD83D'],
  ])('refuses %s', (_, text) => {
    expect(isStorableText(text)).toBe(false);
  });

  it('agrees with a UTF-8 round trip for every string without NUL', () => {
    // Any UTF-16 code unit, so lone surrogates and NULs come up often.
    const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
    fc.assert(
      fc.property(fc.string({ unit: codeUnit }), (text) => {
        const roundTrips = Buffer.from(text, 'utf8').toString('utf8') === text;
        expect(isStorableText(text)).toBe(roundTrips && !text.includes('\u0000'));
      }),
    );
  });
});

describe('unstorablePaths', () => {
  it('names every bad string by its field path, and a bad key by its object, without the key', () => {
    const value = {
      ok: 'fine',
      name: 'a\u0000',
      owner: { email: 'x\uD800' },
      cidrs: ['10.0.0.0/8', '\u0000'],
      custom: { ['se\u0000cret']: 'v', good: { deep: ['\uDC00'] } },
      n: 1,
      b: true,
      nothing: null,
    };
    expect(unstorablePaths(value)).toEqual(['name', 'owner.email', 'cidrs.1', 'custom', 'custom.good.deep.0']);
  });

  it('finds nothing in storable values', () => {
    expect(unstorablePaths({ a: ['x', { b: 'y' }], c: 2 })).toEqual([]);
    expect(unstorablePaths(undefined)).toEqual([]);
  });
});
