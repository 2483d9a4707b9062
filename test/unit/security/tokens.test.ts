import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { newToken, safeEqual, sha256Hex, tokenPrefix } from '../../../src/security/tokens';

describe('newToken', () => {
  it.each(['lsess', 'lapi', 'lrec'] as const)('makes a %s token of 32 random bytes in base64url', (prefix) => {
    const { token } = newToken(prefix);
    expect(token).toMatch(new RegExp(`^${prefix}_[A-Za-z0-9_-]{43}$`));
    expect(Buffer.from(token.slice(prefix.length + 1), 'base64url')).toHaveLength(32);
  });

  it('returns the SHA-256 hex of the whole token as the hash to store', () => {
    const { token, hash } = newToken('lapi');
    expect(hash).toBe(sha256Hex(token));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('never repeats a token', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => newToken('lsess').token));
    expect(tokens.size).toBe(1000);
  });
});

describe('sha256Hex', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ])('hashes %j to the known digest', (text, hex) => {
    expect(sha256Hex(text)).toBe(hex);
  });

  it('hashes the UTF-8 bytes of non-ASCII text', () => {
    expect(sha256Hex('\u00e9')).toBe(
      createHash('sha256')
        .update(Buffer.from([0xc3, 0xa9]))
        .digest('hex'),
    );
  });
});

describe('tokenPrefix', () => {
  it.each(['lsess', 'lapi', 'lrec'] as const)('reads %s from a new token', (prefix) => {
    expect(tokenPrefix(newToken(prefix).token)).toBe(prefix);
  });

  it('uses the part before the first underscore even when the random part has more', () => {
    expect(tokenPrefix('lapi_abc_def-ghi')).toBe('lapi');
  });

  it.each(['', 'lapi', '_lapi', 'lapix_abc', 'LAPI_abc', 'lsess-abc', 'other_abc', ' lapi_abc'])(
    'returns undefined for %j',
    (token) => {
      expect(tokenPrefix(token)).toBeUndefined();
    },
  );
});

describe('safeEqual', () => {
  it.each([
    ['', '', true],
    ['secret', 'secret', true],
    ['secret', 'Secret', false],
    ['secret', 'secret ', false],
    ['short', 'a much longer string', false],
    ['', 'x', false],
    ['\u00e9', 'e\u0301', false],
  ])('compares %j and %j as %s', (a, b, equal) => {
    expect(safeEqual(a, b)).toBe(equal);
    expect(safeEqual(b, a)).toBe(equal);
  });

  it('agrees with === on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(safeEqual(a, b)).toBe(a === b);
        expect(safeEqual(a, a)).toBe(true);
      }),
    );
  });
});

describe('tokenPrefix without a separator', () => {
  it.each(['lapis', 'lsessions', 'lrecx', 'lports'])('does not read a prefix out of %j', (token) => {
    expect(tokenPrefix(token)).toBeUndefined();
  });
});
