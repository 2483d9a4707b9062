import { randomBytes } from 'node:crypto';
import { SecretBoxError } from '../../../src/security/secret-box';
import {
  TOTP_STEP_SECONDS,
  generateTotpSecret,
  openTotpSecret,
  sealTotpSecret,
  stepOf,
  totpCodeAt,
  totpQrSvg,
  totpUri,
  verifyTotp,
} from '../../../src/security/totp';

// RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const NOW = 1_111_111_109;
const NOW_STEP = 37_037_036;

describe('totpCodeAt', () => {
  it('reads a lower-case secret like the canonical one', () => {
    expect(totpCodeAt(RFC_SECRET.toLowerCase(), 59)).toBe('287082');
  });

  // Computed independently (Python base64.b32encode, hmac, RFC 4226 truncation) for a 19-byte key, whose base32
  // ends in a partial group (with or without its padding).
  it.each([
    ['AAAQEAYEAUDAOCAJBIFQYDIOB77757I', 0, '771375'],
    ['AAAQEAYEAUDAOCAJBIFQYDIOB77757I=', 1_700_000_000, '408034'],
  ])('decodes a secret %s that is not a whole number of base32 groups', (secret, time, code) => {
    expect(totpCodeAt(secret, time)).toBe(code);
  });

  it.each([
    [59, '287082'],
    [1_111_111_109, '081804'],
    [1_111_111_111, '050471'],
    [1_234_567_890, '005924'],
    [2_000_000_000, '279037'],
    [20_000_000_000, '353130'],
  ])('gives the RFC 6238 SHA-1 test vector at T=%i (last 6 digits)', (time, code) => {
    expect(totpCodeAt(RFC_SECRET, time)).toBe(code);
  });

  it('gives one code for every second of a step', () => {
    expect(totpCodeAt(RFC_SECRET, 30)).toBe(totpCodeAt(RFC_SECRET, 59));
    expect(totpCodeAt(RFC_SECRET, 60)).not.toBe(totpCodeAt(RFC_SECRET, 59));
  });

  it('throws without quoting a secret that is not base32', () => {
    expect(() => totpCodeAt('not-a-secret!', NOW)).toThrow();
    try {
      totpCodeAt('not-a-secret!', NOW);
    } catch (error) {
      expect(String(error)).not.toContain('not-a-secret');
    }
  });
});

describe('stepOf', () => {
  it.each([
    [0, 0],
    [29, 0],
    [30, 1],
    [59.9, 1],
    [NOW, NOW_STEP],
  ])('puts T=%d in step %i', (time, step) => {
    expect(stepOf(time)).toBe(step);
  });

  it('uses 30-second steps', () => {
    expect(TOTP_STEP_SECONDS).toBe(30);
  });
});

describe('generateTotpSecret', () => {
  it('makes 20 random bytes as 32 base32 characters without padding', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(totpCodeAt(secret, NOW)).toMatch(/^[0-9]{6}$/);
  });

  it('never repeats a secret', () => {
    const secrets = new Set(Array.from({ length: 100 }, () => generateTotpSecret()));
    expect(secrets.size).toBe(100);
  });
});

describe('verifyTotp', () => {
  const codeAtStep = (step: number): string => totpCodeAt(RFC_SECRET, step * TOTP_STEP_SECONDS);

  it('accepts the current code and returns its step', () => {
    expect(verifyTotp(RFC_SECRET, '081804', NOW, null)).toEqual({ ok: true, step: NOW_STEP });
  });

  it.each([0, 1, 15, 29])('accepts the previous step at %i s into the current one', (offset) => {
    const now = (NOW_STEP + 1) * TOTP_STEP_SECONDS + offset;
    expect(verifyTotp(RFC_SECRET, codeAtStep(NOW_STEP), now, null)).toEqual({ ok: true, step: NOW_STEP });
  });

  it.each([
    ['two steps back', -2],
    ['three steps back', -3],
    ['the next step', 1],
    ['two steps ahead', 2],
  ])('refuses the code of %s as invalid', (_name, delta) => {
    expect(verifyTotp(RFC_SECRET, codeAtStep(NOW_STEP + delta), NOW, null)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a wrong code as invalid', () => {
    const wrong = String((Number(codeAtStep(NOW_STEP)) + 1) % 1_000_000).padStart(6, '0');
    expect([codeAtStep(NOW_STEP - 1), codeAtStep(NOW_STEP)]).not.toContain(wrong);
    expect(verifyTotp(RFC_SECRET, wrong, NOW, null)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses the same code twice as replayed', () => {
    const first = verifyTotp(RFC_SECRET, '081804', NOW, null);
    expect(first).toEqual({ ok: true, step: NOW_STEP });
    const lastUsedStep = first.ok ? first.step : null;
    expect(verifyTotp(RFC_SECRET, '081804', NOW + 5, lastUsedStep)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('refuses the previous step once the current one was used', () => {
    expect(verifyTotp(RFC_SECRET, codeAtStep(NOW_STEP - 1), NOW, NOW_STEP)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('accepts the current step after the previous one was used', () => {
    expect(verifyTotp(RFC_SECRET, codeAtStep(NOW_STEP), NOW, NOW_STEP - 1)).toEqual({ ok: true, step: NOW_STEP });
  });

  it('refuses the used code but accepts the new one after the step turns', () => {
    const now = (NOW_STEP + 1) * TOTP_STEP_SECONDS;
    expect(verifyTotp(RFC_SECRET, codeAtStep(NOW_STEP), now, NOW_STEP)).toEqual({ ok: false, reason: 'replayed' });
    expect(verifyTotp(RFC_SECRET, codeAtStep(NOW_STEP + 1), now, NOW_STEP)).toEqual({ ok: true, step: NOW_STEP + 1 });
  });

  it.each(['12345', '1234567', 'abcdef', ' 123456', '123456 ', '12 456', '', '１２３４５６', '+12345', '-12345'])(
    'refuses %j as malformed',
    (code) => {
      expect(verifyTotp(RFC_SECRET, code, NOW, null)).toEqual({ ok: false, reason: 'malformed' });
    },
  );

  it('checks only the current step in the first 30 seconds of the epoch', () => {
    expect(verifyTotp(RFC_SECRET, totpCodeAt(RFC_SECRET, 0), 10, null)).toEqual({ ok: true, step: 0 });
  });
});

describe('totpUri', () => {
  it('builds an otpauth URI with the issuer, account and every parameter', () => {
    const uri = totpUri(RFC_SECRET, 'alice+2fa@example.com', 'Lethe');
    expect(uri).toBe(
      `otpauth://totp/Lethe:alice%2B2fa%40example.com?secret=${RFC_SECRET}&issuer=Lethe&algorithm=SHA1&digits=6&period=30`,
    );
    const url = new URL(uri);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/Lethe:alice+2fa@example.com');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      secret: RFC_SECRET,
      issuer: 'Lethe',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });

  it('percent-encodes spaces and reserved characters', () => {
    const url = new URL(totpUri(RFC_SECRET, 'bob@example.com', 'Acme & Co / EU'));
    expect(url.pathname).toBe('/Acme%20%26%20Co%20%2F%20EU:bob%40example.com');
    expect(url.searchParams.get('issuer')).toBe('Acme & Co / EU');
  });

  it.each([
    ['an empty issuer', 'alice@example.com', ''],
    ['an empty account', '', 'Lethe'],
    ['a colon in the issuer', 'alice@example.com', 'Le:the'],
    ['a colon in the account', 'a:lice@example.com', 'Lethe'],
  ])('refuses %s without echoing it', (_name, account, issuer) => {
    expect(() => totpUri(RFC_SECRET, account, issuer)).toThrow(RangeError);
    expect(() => totpUri(RFC_SECRET, account, issuer)).not.toThrow(/example/);
  });
});

describe('totpQrSvg', () => {
  it('renders the URI as an SVG QR code', async () => {
    const svg = await totpQrSvg(totpUri(RFC_SECRET, 'alice@example.com', 'Lethe'));
    expect(svg).toMatch(/^(<svg|<\?xml)/);
    expect(svg).toContain('path');
    expect(svg).not.toContain(RFC_SECRET);
  });
});

describe('sealTotpSecret / openTotpSecret', () => {
  const masterKey = randomBytes(32);

  it('round-trips a secret for the same user', () => {
    const sealed = sealTotpSecret(masterKey, RFC_SECRET, 'user-1');
    expect(sealed.includes(Buffer.from(RFC_SECRET))).toBe(false);
    expect(openTotpSecret(masterKey, sealed, 'user-1')).toBe(RFC_SECRET);
  });

  it('refuses to open a secret sealed for another user', () => {
    const sealed = sealTotpSecret(masterKey, RFC_SECRET, 'user-1');
    expect(() => openTotpSecret(masterKey, sealed, 'user-2')).toThrow(SecretBoxError);
  });

  it('refuses to open with another master key', () => {
    const sealed = sealTotpSecret(masterKey, RFC_SECRET, 'user-1');
    expect(() => openTotpSecret(randomBytes(32), sealed, 'user-1')).toThrow(SecretBoxError);
  });

  it('refuses an empty user id', () => {
    expect(() => sealTotpSecret(masterKey, RFC_SECRET, '')).toThrow(RangeError);
  });
});

describe('base32 secrets', () => {
  // 17 bytes 0x00..0x10 (Python: base64.b32encode(bytes(range(17)))), a partial last group padded with "====".
  const PADDED = 'AAAQEAYEAUDAOCAJBIFQYDIOB4IA====';

  it('reads a secret the same with or without its padding', () => {
    expect(totpCodeAt(PADDED, NOW)).toBe(totpCodeAt(PADDED.replace(/=+$/, ''), NOW));
  });

  it.each([
    ['a digit 1 inside', `${RFC_SECRET.slice(0, 10)}1${RFC_SECRET.slice(11)}`],
    ['a digit 8 first', `8${RFC_SECRET.slice(1)}`],
    ['a digit 0 last', `${RFC_SECRET.slice(0, -1)}0`],
    ['padding inside', `${RFC_SECRET.slice(0, 8)}=${RFC_SECRET.slice(8)}`],
  ])('refuses a secret with %s as not base32', (_what, secret) => {
    expect(() => totpCodeAt(secret, NOW)).toThrow('The secret is not base32');
  });

  it.each([1, 3, 6])('refuses a secret whose length leaves %i characters of a group', (extra) => {
    const secret = RFC_SECRET + 'A'.repeat(extra);
    expect(() => totpCodeAt(secret, NOW)).toThrow('The secret has an impossible base32 length');
  });

  it('draws new secrets from the whole alphabet, evenly', () => {
    // 6400 symbols, 200 expected of each; a generator that fixes or biases any bit lands far outside 100–300.
    const counts = new Map<string, number>();
    for (let i = 0; i < 200; i += 1) {
      for (const symbol of generateTotpSecret()) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
    }
    expect([...counts.keys()].sort().join('')).toBe('234567ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(100);
      expect(count).toBeLessThan(300);
    }
  });
});

describe('TOTP refusals', () => {
  it.each([
    ['an empty issuer', 'ada@example.com', ''],
    ['a colon in the account name', 'ada:admin', 'Lethe'],
  ])('names the rule for %s', (_what, account, issuer) => {
    expect(() => totpUri(RFC_SECRET, account, issuer)).toThrow(
      new RangeError('The TOTP issuer and account name must be non-empty and contain no colon'),
    );
  });

  it('names the rule for an empty user id', () => {
    expect(() => sealTotpSecret(randomBytes(32), RFC_SECRET, '')).toThrow(
      new RangeError('A TOTP secret must be sealed for a user id'),
    );
  });
});
