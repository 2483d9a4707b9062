import { LOCK_SCHEDULE, lockSeconds, MAX_LOCK_SECONDS } from '../../../src/domain/login-throttle';

describe('lockSeconds', () => {
  it.each([
    [1, 0],
    [4, 0],
    [5, 30],
    [6, 60],
    [9, 480],
    [10, MAX_LOCK_SECONDS],
    [50, MAX_LOCK_SECONDS],
  ])('locks for %i failures: %i s', (failures, seconds) => {
    expect(lockSeconds(failures)).toBe(seconds);
  });
});

describe('LOCK_SCHEDULE', () => {
  it('is lockSeconds of each failure count, clamped to its last entry', () => {
    const at = (failures: number) => LOCK_SCHEDULE[Math.min(failures, LOCK_SCHEDULE.length) - 1];
    for (let failures = 1; failures <= 100; failures++) expect(at(failures)).toBe(lockSeconds(failures));
    expect(LOCK_SCHEDULE.at(-1)).toBe(MAX_LOCK_SECONDS);
  });
});
