import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

// What `npm start` checks before it starts anything, so that a failure names its cause and the fix instead of
// surfacing later as a server that "did not start".

/** A start-up failure whose message says what is wrong and what to do; printed as it is. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** The ports npm start listens on, each with the variable that moves it (defaults in README's configuration). */
export const EMBEDDED_PORT_DEFAULTS = {
  EMBEDDED_PG_PORT: 5433,
  TEMPORAL_PORT: 7233,
  TEMPORAL_UI_PORT: 8233,
  MAILPIT_SMTP_PORT: 1025,
  MAILPIT_UI_PORT: 8025,
} as const;

export type EmbeddedPorts = Record<keyof typeof EMBEDDED_PORT_DEFAULTS, number>;

/** The embedded servers' ports from the environment; a bad value is a StartupError naming the variable. */
export function readEmbeddedPorts(env: Readonly<Record<string, string | undefined>>): EmbeddedPorts {
  const ports = { ...EMBEDDED_PORT_DEFAULTS } as EmbeddedPorts;
  const problems: string[] = [];
  for (const name of Object.keys(EMBEDDED_PORT_DEFAULTS) as (keyof EmbeddedPorts)[]) {
    const text = env[name]?.trim();
    if (text === undefined || text === '') continue;
    const port = Number(text);
    if (!/^\d{1,5}$/.test(text) || port < 1 || port > 65535) problems.push(`${name} must be a port from 1 to 65535`);
    else ports[name] = port;
  }
  if (problems.length > 0) throw new StartupError(problems.join('; '));
  return ports;
}

const portIsFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** Refuses to start when a port it needs is taken, naming each one and the variable that moves it. */
export async function ensurePortsFree(needed: readonly { variable: string; port: number }[]): Promise<void> {
  const taken: string[] = [];
  for (const { variable, port } of needed) {
    if (port !== 0 && !(await portIsFree(port))) taken.push(`port ${port} (${variable})`);
  }
  if (taken.length > 0) {
    throw new StartupError(
      `${taken.join(', ')} ${taken.length === 1 ? 'is' : 'are'} in use: stop what listens there (another npm start?) ` +
        `or set ${taken.length === 1 ? 'that variable' : 'those variables'} to free ports`,
    );
  }
}

/**
 * Takes the data folder for this process (a `lethe.pid` file in it), refusing one that a live process holds: two
 * npm starts on one folder would share PostgreSQL's files. A file left by a process that died is taken over.
 * Returns the release.
 */
export function lockDataDir(dataDir: string, isAlive: (pid: number) => boolean): () => void {
  const file = join(dataDir, 'lethe.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new StartupError(
          `the data folder ${dataDir} is in use by process ${holder} (another npm start): stop it, or set ` +
            'LETHE_DATA_DIR to another folder',
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new StartupError(`could not take the data folder ${dataDir}: remove ${file} if no npm start runs`);
}
