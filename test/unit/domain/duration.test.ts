import fc from 'fast-check';
import { formatDuration, parseDuration } from '../../../src/domain/duration';

describe('parseDuration', () => {
  it.each([
    ['14d', 14 * 86_400_000],
    ['36h', 36 * 3_600_000],
    ['90s', 90_000],
    ['5m', 300_000],
    ['250ms', 250],
    ['1d12h', 36 * 3_600_000],
    [' 7d ', 7 * 86_400_000],
  ])('parses %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '14', 'd', '14 d', '1.5d', '-1d', '0s', '14days', '3w', 'NaN', '1d-2h'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('round-trips with formatDuration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 * 365 * 86_400_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });
});
