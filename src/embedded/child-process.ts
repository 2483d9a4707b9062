import type { ChildProcess } from 'node:child_process';

/**
 * Polls `ready` until it resolves, while watching the child: fails at once, with the end of its stderr, if the child
 * exits, and SIGKILLs it if it is not ready within `timeoutMs`.
 */
export async function waitForChild(
  child: ChildProcess,
  what: string,
  timeoutMs: number,
  ready: () => Promise<void>,
): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`${what} exited with ${exited}: ${stderr.trim()}`);
    try {
      await ready();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`${what} did not answer within ${timeoutMs} ms: ${stderr.trim()}`);
}

/**
 * SIGKILLs the child when this process exits without having stopped it (an uncaught error, process.exit), so a
 * crash never leaves an orphaned server holding its ports and memory. A SIGKILL of this process cannot be helped.
 */
export function killedWithThisProcess(child: ChildProcess): ChildProcess {
  const kill = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', kill);
  child.once('exit', () => process.removeListener('exit', kill));
  return child;
}

const stopped = new WeakSet<ChildProcess>();

/**
 * Resolves, saying how, when the child exits without `stopChild` having been called for it: a crash, an OOM kill, a
 * kill by hand. Never resolves for an orderly stop.
 */
export function unexpectedExit(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      if (!stopped.has(child)) resolve(signal !== null ? `killed by ${signal}` : `exited with code ${code}`);
    });
  });
}

/** SIGTERM, then SIGKILL if it has not exited after 10 s; resolves once the process is gone. */
export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  stopped.add(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
