import { classifySmtpFailure, FIRST_RETRY_MS, MAX_RETRY_MS, retryDelayMs } from '../../../src/domain/mail-delivery';

describe('retryDelayMs', () => {
  it.each([
    [1, FIRST_RETRY_MS],
    [2, 2 * FIRST_RETRY_MS],
    [3, 4 * FIRST_RETRY_MS],
    [7, 64 * FIRST_RETRY_MS],
    [8, MAX_RETRY_MS],
    [1_000, MAX_RETRY_MS],
  ])('waits after %i failed attempts %i ms', (attempts, delay) => {
    expect(retryDelayMs(attempts)).toBe(delay);
  });

  it('never shrinks as attempts grow', () => {
    for (let n = 1; n < 50; n += 1) expect(retryDelayMs(n + 1)).toBeGreaterThanOrEqual(retryDelayMs(n));
  });
});

describe('classifySmtpFailure', () => {
  it.each([
    [{ responseCode: 550, command: 'RCPT TO' }, 'permanent'],
    [{ responseCode: 554, command: 'DATA' }, 'permanent'],
    [{ responseCode: 451, command: 'RCPT TO' }, 'transient'],
    [{ responseCode: 421, command: 'CONN' }, 'transient'],
    // Our configuration, not the message: every pending notice would be thrown away if these were permanent.
    [{ responseCode: 535, command: 'AUTH PLAIN' }, 'transient'],
    [{ responseCode: 550, command: 'MAIL FROM' }, 'transient'],
    [{ command: 'CONN' }, 'transient'],
    [{}, 'transient'],
  ])('classifies %j as %s', (failure, expected) => {
    expect(classifySmtpFailure(failure)).toBe(expected);
  });
});

describe('classifySmtpFailure at the edges of the 5xx class', () => {
  it.each([
    [500, 'permanent'],
    [599, 'permanent'],
    [499, 'transient'],
    [600, 'transient'],
  ] as const)('classifies a %i reply to RCPT TO as %s', (responseCode, expected) => {
    expect(classifySmtpFailure({ responseCode, command: 'RCPT TO' })).toBe(expected);
  });
});
