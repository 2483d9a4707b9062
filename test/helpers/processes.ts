import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopChild } from '../../src/embedded/child-process';
import { isAlive } from '../../src/embedded/is-alive';
import { projectRoot } from '../../src/embedded/project-root';
import { buildDistOnce } from './build';

/** A built entry point of dist/src (buildDistOnce first). */
export const dist = (...path: string[]): string => join(projectRoot(), 'dist', 'src', ...path);

/** A Node process of the project, its stdout and stderr kept together. */
export interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function run(args: string[], env: Record<string, string>, baseEnv: NodeJS.ProcessEnv = process.env): Running {
  const child = spawn(process.execPath, args, { env: { ...baseEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** Waits until the process has printed `text` (`times` times); throws with its output if it never does or exits. */
export async function waitForOutput(p: Running, text: string, timeoutMs = 30_000, times = 1): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (p.output().split(text).length - 1 < times) {
    if (Date.now() > deadline || p.child.exitCode !== null) {
      throw new Error(`never printed ${JSON.stringify(text)}; output: ${p.output().slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Pids of the direct children of `pid` whose command line contains `text`. */
export function childProcesses(pid: number, text: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        // The parent is the second field after the command name, which may hold spaces: split after its ')'.
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== pid) return false;
        return readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

export { isAlive };

/**
 * The frame of a test file that runs built entry points: builds dist/ before, stops every process it started after
 * (SIGTERM, SIGKILL after `graceMs`). Returns `started`, which registers a process and hands it back.
 */
export function useBuiltProcesses(graceMs: number): (p: Running) => Running {
  const children: ChildProcess[] = [];
  beforeAll(() => buildDistOnce(), 120_000);
  afterAll(async () => {
    await Promise.all(children.map((c) => stopChild(c, graceMs)));
  });
  return (p) => {
    children.push(p.child);
    return p;
  };
}
