import { parseOptions } from '@node-rs/argon2';
import {
  ARGON2_PARAMS,
  MIN_PASSWORD_LENGTH,
  hashPassword,
  passwordProblem,
  verifyPassword,
  verifyPasswordOrDummy,
} from '../../../src/security/passwords';

const PASSWORD = 'correct horse battery staple';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * CPU time (all threads of this process: argon2 hashes on libuv's pool) spent by `run`. Equal work is what makes the
 * two paths indistinguishable, and CPU time measures work without the noise other processes add to wall time.
 */
async function cpuMs(run: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  await run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

describe('passwords', () => {
  // Each real argon2 hash costs tens of milliseconds, so one is shared by the tests that only verify.
  let stored: string;
  beforeAll(async () => {
    stored = await hashPassword(PASSWORD);
  });

  describe('hashPassword', () => {
    it('produces an argon2id PHC string with the OWASP parameters', () => {
      expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
      expect(parseOptions(stored)).toMatchObject({
        memoryCost: ARGON2_PARAMS.memoryCost,
        timeCost: ARGON2_PARAMS.timeCost,
        parallelism: ARGON2_PARAMS.parallelism,
        outputLen: ARGON2_PARAMS.outputLen,
        saltLen: 16,
      });
      expect(stored).not.toContain(PASSWORD);
    });

    it('salts every hash', async () => {
      expect(await hashPassword(PASSWORD)).not.toBe(stored);
    });
  });

  describe('verifyPassword', () => {
    it('accepts the right password', async () => {
      expect(await verifyPassword(stored, PASSWORD)).toBe(true);
    });

    it.each(['correct horse battery stapl', 'Correct horse battery staple', '', `${PASSWORD} `])(
      'rejects the wrong password %j',
      async (wrong) => {
        expect(await verifyPassword(stored, wrong)).toBe(false);
      },
    );

    it.each([
      ['empty', ''],
      ['not a PHC string', 'plaintext-password'],
      ['a truncated hash', '$argon2id$v=19$m=19456,t=2,p=1$AAAA'],
      ['a hash too short to be valid', '$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$BBBB'],
      ['a bcrypt hash', '$2b$12$abcdefghijklmnopqrstuuJ3BXkGvU4rxA4X9uY3Hn2B5yGQ0v1a2'],
    ])('returns false instead of throwing for %s', async (_label, hash) => {
      await expect(verifyPassword(hash, PASSWORD)).resolves.toBe(false);
    });

    it('matches a password typed with decomposed accents against one hashed composed', async () => {
      const composed = 'p\u00e4ssw\u00f6rd-\u00e9t\u00e9-2024';
      const decomposed = composed.normalize('NFD');
      expect(decomposed).not.toBe(composed);
      expect(await verifyPassword(await hashPassword(composed), decomposed)).toBe(true);
    });
  });

  describe('verifyPasswordOrDummy', () => {
    it('verifies against the stored hash when the user exists', async () => {
      expect(await verifyPasswordOrDummy(stored, PASSWORD)).toBe(true);
      expect(await verifyPasswordOrDummy(stored, 'wrong password!')).toBe(false);
    });

    it('returns false for an unknown user, whatever the password', async () => {
      expect(await verifyPasswordOrDummy(undefined, PASSWORD)).toBe(false);
      expect(await verifyPasswordOrDummy(undefined, '')).toBe(false);
    });

    it('takes about as long for an unknown user as for a wrong password', async () => {
      // The first unknown-user call computes the dummy hash; only steady state matters to an attacker.
      await verifyPasswordOrDummy(undefined, 'warm-up');
      const unknownUser: number[] = [];
      const wrongPassword: number[] = [];
      // Interleaved, and in CPU time: the same work either way, whatever else the machine is doing.
      for (let i = 0; i < 7; i++) {
        unknownUser.push(await cpuMs(() => verifyPasswordOrDummy(undefined, 'wrong password!')));
        wrongPassword.push(await cpuMs(() => verifyPasswordOrDummy(stored, 'wrong password!')));
      }
      const ratio = median(unknownUser) / median(wrongPassword);
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
    });
  });

  describe('passwordProblem', () => {
    it.each([
      ['exactly the minimum', 'a'.repeat(MIN_PASSWORD_LENGTH)],
      ['a passphrase', PASSWORD],
      ['exactly the maximum', 'a'.repeat(1024)],
      ['12 emoji (one code point each)', '\u{1F511}'.repeat(12)],
    ])('accepts %s', (_label, password) => {
      expect(passwordProblem(password)).toBeUndefined();
    });

    it.each([
      ['empty', '', /at least 12/],
      ['one short of the minimum', 'secret-pass', /at least 12/],
      ['one past the maximum', 'b'.repeat(1025), /at most 1024/],
    ])('refuses %s without echoing it', (_label, password, message) => {
      const problem = passwordProblem(password);
      expect(problem).toMatch(message);
      if (password !== '') expect(problem).not.toContain(password.slice(0, 4));
    });
  });
});
