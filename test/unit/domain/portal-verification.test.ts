import {
  VERIFICATION_CODE_DIGITS,
  VERIFICATION_CODE_TTL_MS,
  VERIFICATION_MAX_ATTEMPTS,
  VERIFICATION_RESEND_INTERVAL_MS,
} from '../../../src/domain/portal-verification';

describe('portal verification rules', () => {
  it('gives a 6-digit code 15 minutes and 5 tries, and one mail a minute (README, portal sign-up)', () => {
    expect(VERIFICATION_CODE_TTL_MS).toBe(900_000);
    expect(VERIFICATION_MAX_ATTEMPTS).toBe(5);
    expect(VERIFICATION_RESEND_INTERVAL_MS).toBe(60_000);
    expect(VERIFICATION_CODE_DIGITS).toBe(6);
  });
});
