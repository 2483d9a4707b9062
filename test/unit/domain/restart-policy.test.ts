import { EMBEDDED_RESTART_POLICY, nextRestart } from '../../../src/domain/restart-policy';

const policy = { initialDelayMs: 1_000, maxDelayMs: 8_000, maxRestarts: 5, windowMs: 60_000 };

describe('nextRestart', () => {
  it('restarts after the initial delay on a first death, doubling for each further death in the window', () => {
    const deaths: number[] = [];
    const delays = [0, 1, 2, 3, 4].map((i) => {
      deaths.push(i * 1_000);
      return nextRestart(deaths, i * 1_000, policy);
    });
    expect(delays).toEqual([
      { restartInMs: 1_000 },
      { restartInMs: 2_000 },
      { restartInMs: 4_000 },
      { restartInMs: 8_000 },
      { restartInMs: 8_000 },
    ]);
  });

  it('gives up on the death after maxRestarts within the window, saying why', () => {
    const deaths = [0, 1, 2, 3, 4, 5].map((i) => i * 1_000);
    expect(nextRestart(deaths.slice(0, 5), 4_000, policy)).toEqual({ restartInMs: 8_000 });
    expect(nextRestart(deaths, 5_000, policy)).toEqual({ giveUp: '6 deaths within 60 s' });
  });

  it('forgets deaths older than the window: a server that dies now and then is restarted at once each time', () => {
    const deaths = [0, 1_000, 2_000, 3_000, 4_000, 70_000];
    expect(nextRestart(deaths, 70_000, policy)).toEqual({ restartInMs: 1_000 });
    // Exactly windowMs old no longer counts.
    expect(nextRestart([0, 60_000], 60_000, policy)).toEqual({ restartInMs: 1_000 });
    expect(nextRestart([1, 60_000], 60_000, policy)).toEqual({ restartInMs: 2_000 });
  });

  it('uses a second, doubling to 30 s, and gives up after five restarts in ten minutes for npm start', () => {
    expect(EMBEDDED_RESTART_POLICY).toEqual({
      initialDelayMs: 1_000,
      maxDelayMs: 30_000,
      maxRestarts: 5,
      windowMs: 600_000,
    });
  });
});
