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

describe('formatDuration', () => {
  it.each([
    [14 * 86_400_000, '14d'],
    [36 * 3_600_000, '1d12h'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [60_000, '1m'],
    [1_000, '1s'],
    [500, '500ms'],
    [86_400_000 + 1, '1d1ms'],
    [0, '0ms'],
  ])('writes %i ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('writes each non-zero unit once, largest first, and none that a larger unit could hold', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 365 * 86_400_000 }), (ms) => {
        const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(formatDuration(ms));
        expect(match).not.toBeNull();
        const [, d, h, m, s, milli] = match!.map((part) => (part === undefined ? undefined : Number(part)));
        for (const [value, below] of [
          [h, 24],
          [m, 60],
          [s, 60],
          [milli, 1000],
        ] as const) {
          if (value !== undefined) expect(value).toBeLessThan(below);
        }
        // No `0h` padding: only 0 itself is written with a zero.
        if (ms > 0) for (const value of [d, h, m, s, milli]) if (value !== undefined) expect(value).toBeGreaterThan(0);
      }),
    );
  });
});
