import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { freePort } from './postgres';
import { killedWithThisProcess, stopChild, unexpectedExit, waitForChild } from './child-process';

/** A Mailpit this process started: an SMTP server that keeps every mail, with a web UI and an HTTP API. */
export interface EmbeddedMailpit {
  /** What `SMTP_URL` is set to. */
  readonly smtpUrl: string;
  /** Web UI; its API is under `/api/v1`. */
  readonly uiUrl: string;
  readonly pid: number;
  /** Resolves, saying how, if Mailpit dies without stop(). */
  readonly exited: Promise<string>;
  stop(): Promise<void>;
}

export interface MailpitOptions {
  /** Path of the `mailpit` binary. */
  executable: string;
  /** SQLite file that keeps the mails across restarts; a temporary one when undefined (tests). */
  dbFile?: string;
  smtpPort?: number;
  httpPort?: number;
}

/** Starts Mailpit on loopback and waits until its API answers. */
export async function startMailpit(options: MailpitOptions): Promise<EmbeddedMailpit> {
  const smtpPort = options.smtpPort ?? (await freePort());
  const httpPort = options.httpPort ?? (await freePort());
  const args = [
    '--smtp',
    `127.0.0.1:${smtpPort}`,
    '--listen',
    `127.0.0.1:${httpPort}`,
    '--disable-version-check',
    '--quiet',
    // A local catcher: no reverse DNS of 127.0.0.1, no link checks reaching out.
    '--smtp-disable-rdns',
    '--max',
    '5000',
  ];
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--database', options.dbFile);
  }
  const child = killedWithThisProcess(spawn(options.executable, args, { stdio: ['ignore', 'ignore', 'pipe'] }));
  const uiUrl = `http://127.0.0.1:${httpPort}`;
  await waitUntilReady(uiUrl, child, 30_000);
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    uiUrl,
    pid: child.pid ?? -1,
    exited: unexpectedExit(child),
    stop: () => stopChild(child),
  };
}

function waitUntilReady(uiUrl: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  return waitForChild(child, `Mailpit at ${uiUrl}`, timeoutMs, async () => {
    const res = await fetch(`${uiUrl}/readyz`, { signal: AbortSignal.timeout(1_000) });
    if (!res.ok) throw new Error(`readyz ${res.status}`);
  });
}
