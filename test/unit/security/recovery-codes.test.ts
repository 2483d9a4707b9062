import { sha256Hex } from '../../../src/security/tokens';
import {
  RECOVERY_CODE_COUNT,
  generateRecoveryCodes,
  hashRecoveryCode,
  normalizeRecoveryCode,
} from '../../../src/security/recovery-codes';

// 32 symbols without 0, o, 1 and l; 12 of them make 60 bits.
const CODE_FORMAT = /^[2-9a-km-np-z]{4}-[2-9a-km-np-z]{4}-[2-9a-km-np-z]{4}$/;

describe('generateRecoveryCodes', () => {
  it('makes ten distinct codes of three groups of four unambiguous symbols', () => {
    const { codes } = generateRecoveryCodes();
    expect(RECOVERY_CODE_COUNT).toBe(10);
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(CODE_FORMAT);
  });

  it('returns the hash of each normalised code, in the same order', () => {
    const { codes, hashes } = generateRecoveryCodes();
    expect(hashes).toEqual(codes.map((code) => sha256Hex(code.replaceAll('-', ''))));
    expect(new Set(hashes).size).toBe(RECOVERY_CODE_COUNT);
    for (const hash of hashes) expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('never repeats a code across sets', () => {
    const all = Array.from({ length: 100 }, () => generateRecoveryCodes().codes).flat();
    expect(new Set(all).size).toBe(100 * RECOVERY_CODE_COUNT);
  });

  it('uses every symbol of the alphabet and no other', () => {
    const symbols = new Set(
      Array.from({ length: 100 }, () => generateRecoveryCodes().codes)
        .flat()
        .join('')
        .replaceAll('-', ''),
    );
    expect([...symbols].sort().join('')).toBe('23456789abcdefghijkmnpqrstuvwxyz');
  });
});

describe('normalizeRecoveryCode', () => {
  it.each([
    ['ABCD-efgh-1234', 'abcdefgh1234'],
    ['abcdefgh1234', 'abcdefgh1234'],
    [' abcd efgh 1234 ', 'abcdefgh1234'],
    ['abcd--efgh\t1234\n', 'abcdefgh1234'],
  ])('turns %j into %j', (input, normalized) => {
    expect(normalizeRecoveryCode(input)).toBe(normalized);
  });
});

describe('hashRecoveryCode', () => {
  it('hashes the normalised code, so the typed form does not matter', () => {
    expect(hashRecoveryCode('ABCD-efgh-1234')).toBe(hashRecoveryCode('abcdefgh1234'));
    expect(hashRecoveryCode('abcd efgh 1234')).toBe(sha256Hex('abcdefgh1234'));
  });

  it('gives different codes different hashes', () => {
    expect(hashRecoveryCode('abcd-efgh-1234')).not.toBe(hashRecoveryCode('abcd-efgh-1235'));
  });

  it('matches the hash stored at generation for the code as shown', () => {
    const { codes, hashes } = generateRecoveryCodes();
    expect(codes.map((code) => hashRecoveryCode(code.toUpperCase().replaceAll('-', ' ')))).toEqual(hashes);
  });
});
