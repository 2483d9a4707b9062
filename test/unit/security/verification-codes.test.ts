import { randomBytes } from 'node:crypto';
import {
  hashVerificationCode,
  newVerificationCode,
  verificationCodeMatches,
} from '../../../src/security/verification-codes';

// HMAC-SHA256 of "acct-1\0ada@example.com\0012345" under HKDF-SHA256(32 bytes of 0x07, salt "lethe",
// info "portal-verification-code"), computed outside Node with Python: a change would void every pending code.
const MASTER_KEY = Buffer.alloc(32, 7);
const PINNED_HASH = '5a1d243944e3e1260ccc93928c3b49a5e292a0325bf4d49933ff9bf447505aef';

describe('newVerificationCode', () => {
  const codes = Array.from({ length: 2_000 }, () => newVerificationCode());

  it('makes six decimal digits', () => {
    for (const code of codes) expect(code).toMatch(/^[0-9]{6}$/);
  });

  it('draws from the whole range, leading zeros kept', () => {
    // About 2 repeats are expected among 2000 draws of a million; 20 would take a broken generator.
    expect(new Set(codes).size).toBeGreaterThan(1_980);
    // Each leading digit is expected ~200 times in 2000 codes; missing one would take a broken generator.
    expect(new Set(codes.map((code) => code[0])).size).toBe(10);
  });
});

describe('hashVerificationCode', () => {
  it('is an HMAC under a key derived from the master key, bound to the account and the address', () => {
    expect(hashVerificationCode(MASTER_KEY, 'acct-1', 'ada@example.com', '012345')).toBe(PINNED_HASH);
  });

  it('ignores the case of the address', () => {
    expect(hashVerificationCode(MASTER_KEY, 'acct-1', 'Ada@Example.COM', '012345')).toBe(PINNED_HASH);
  });

  it.each([
    ['another code', 'acct-1', 'ada@example.com', '012346'],
    ['another account', 'acct-2', 'ada@example.com', '012345'],
    ['another address', 'acct-1', 'bob@example.com', '012345'],
    ['the fields split elsewhere', 'acct-1ada@example.com', '', '012345'],
  ])('changes with %s', (_what, accountId, email, code) => {
    expect(hashVerificationCode(MASTER_KEY, accountId, email, code)).not.toBe(PINNED_HASH);
  });

  it('needs the master key', () => {
    expect(hashVerificationCode(randomBytes(32), 'acct-1', 'ada@example.com', '012345')).not.toBe(PINNED_HASH);
  });
});

describe('verificationCodeMatches', () => {
  it('accepts the code that was stored, for the same account and address', () => {
    expect(verificationCodeMatches(MASTER_KEY, PINNED_HASH, 'acct-1', 'ADA@example.com', '012345')).toBe(true);
  });

  it.each([
    ['a wrong code', PINNED_HASH, 'acct-1', 'ada@example.com', '012344'],
    ['another account', PINNED_HASH, 'acct-2', 'ada@example.com', '012345'],
    ['another address', PINNED_HASH, 'acct-1', 'eve@example.com', '012345'],
    ['a row without a code', null, 'acct-1', 'ada@example.com', '012345'],
    ['a stored value of another length', PINNED_HASH.slice(0, 32), 'acct-1', 'ada@example.com', '012345'],
    ['an empty stored value', '', 'acct-1', 'ada@example.com', '012345'],
  ])('refuses %s', (_what, stored, accountId, email, code) => {
    expect(verificationCodeMatches(MASTER_KEY, stored, accountId, email, code)).toBe(false);
  });
});
