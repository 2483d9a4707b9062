import { nextRestart } from '../domain/restart-policy';
import type { RestartPolicy } from '../domain/restart-policy';
import type { Logger } from '../logger';

/** A server this process started and can start again with the same address and data. */
export interface Restartable {
  /** Resolves, saying how, when the server dies without stop(). */
  readonly exited: Promise<string>;
  stop(): Promise<void>;
}

export interface Supervised {
  /** Stops the server, or a restart in progress, and watches no more. */
  stop(): Promise<void>;
}

/**
 * Watches an embedded server and starts it again when it dies, after a backoff (domain/restart-policy.ts), logging
 * each death and restart at error level. The server comes back at the same address with the same data, so the pools
 * and connections of the API and the worker reconnect by themselves. Too many deaths and `onGiveUp` is called: npm
 * start then stops everything and exits non-zero, rather than run half-alive.
 */
export function supervise<T extends Restartable>(
  name: string,
  first: T,
  start: () => Promise<T>,
  options: { logger: Logger; policy: RestartPolicy; onGiveUp: (reason: string) => void },
): Supervised {
  const { logger, policy } = options;
  const deaths: number[] = [];
  let current: T | undefined = first;
  let stopping = false;
  let wake: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function restartAfter(how: string): Promise<void> {
    for (;;) {
      const now = Date.now();
      deaths.push(now);
      const decision = nextRestart(deaths, now, policy);
      if ('giveUp' in decision) {
        logger.fatal({ service: name, how, reason: decision.giveUp }, `${name} keeps dying: giving up`);
        options.onGiveUp(`${name}: ${decision.giveUp}`);
        return;
      }
      logger.error({ service: name, how, restartInMs: decision.restartInMs }, `${name} died: restarting it`);
      await sleep(decision.restartInMs);
      if (stopping) return;
      try {
        const started = await start();
        if (stopping) {
          await started.stop();
          return;
        }
        current = started;
        logger.warn({ service: name, deaths: deaths.length }, `${name} restarted`);
        watch(started);
        return;
      } catch (error) {
        how = `restart failed: ${(error as Error).message}`;
      }
    }
  }

  function watch(server: T): void {
    void server.exited.then((how) => {
      if (stopping || server !== current) return;
      current = undefined;
      return restartAfter(how);
    });
  }

  watch(first);
  return {
    async stop() {
      stopping = true;
      wake?.();
      await current?.stop();
    },
  };
}
