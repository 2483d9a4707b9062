import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../temporal/search-attributes';
import { killedWithThisProcess, stopChild, unexpectedExit, waitForChild } from './child-process';
import { freePort } from './postgres';

/** A Temporal server this process started. */
export interface EmbeddedTemporal {
  readonly kind: 'dev-server' | 'test-server';
  readonly address: string;
  /** Web UI address; the Java test server has none. */
  readonly uiUrl: string | undefined;
  readonly pid: number;
  /** Resolves, saying how, if the server dies without stop(). */
  readonly exited: Promise<string>;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  /** Path of the `temporal` CLI binary. */
  executable: string;
  /** SQLite file for durable state; in-memory when undefined (tests). */
  dbFile?: string;
  port?: number;
  uiPort?: number;
  /** No Web UI (tests). */
  headless?: boolean;
  namespace?: string;
  /** Server dynamic configuration (`--dynamic-config-value KEY=JSON`), e.g. lower history limits in tests. */
  dynamicConfig?: Record<string, unknown>;
}

/**
 * Starts `temporal server start-dev` with Lethe's search attributes registered, and waits until it answers.
 * WAL with synchronous=NORMAL makes the SQLite file several times faster and stays crash-safe for the database.
 */
export async function startDevServer(options: DevServerOptions): Promise<EmbeddedTemporal> {
  const port = options.port ?? (await freePort());
  const uiPort = options.headless ? undefined : (options.uiPort ?? 8233);
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'];
  // 'default' always exists; naming it again is refused.
  if (options.namespace && options.namespace !== 'default') args.push('--namespace', options.namespace);
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push(
      '--db-filename',
      options.dbFile,
      '--sqlite-pragma',
      'journal_mode=wal',
      '--sqlite-pragma',
      'synchronous=normal',
    );
  }
  if (uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  for (const [name, type] of Object.entries(CUSTOM_SEARCH_ATTRIBUTES))
    args.push('--search-attribute', `${name}=${type}`);
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {})) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  // Metrics would take a random port; nothing here scrapes them.
  args.push('--metrics-port', String(await freePort()));
  const child = killedWithThisProcess(spawn(options.executable, args, { stdio: ['ignore', 'ignore', 'pipe'] }));
  const address = `127.0.0.1:${port}`;
  await waitUntilServing(address, child, 60_000);
  return {
    kind: 'dev-server',
    address,
    uiUrl: uiPort === undefined ? undefined : `http://127.0.0.1:${uiPort}`,
    pid: child.pid ?? -1,
    exited: unexpectedExit(child),
    stop: () => stopChild(child),
  };
}

/**
 * Starts the Java time-skipping test server as an in-memory stand-in for the dev server (the fallback when the
 * CLI could not be provisioned). Nothing survives a restart and there is no Web UI.
 */
export async function startTestServerAsTemporal(executable: string, port?: number): Promise<EmbeddedTemporal> {
  const chosen = port ?? (await freePort());
  const child = killedWithThisProcess(spawn(executable, [String(chosen)], { stdio: ['ignore', 'ignore', 'pipe'] }));
  const address = `127.0.0.1:${chosen}`;
  await waitUntilServing(address, child, 30_000);
  return {
    kind: 'test-server',
    address,
    uiUrl: undefined,
    pid: child.pid ?? -1,
    exited: unexpectedExit(child),
    stop: () => stopChild(child),
  };
}

/** Waits until the server answers gRPC (`getSystemInfo`), or fails with its last words. */
function waitUntilServing(address: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  return waitForChild(child, `Temporal server at ${address}`, timeoutMs, async () => {
    const connection = await Connection.connect({ address, connectTimeout: 1_000 });
    try {
      await connection.withDeadline(Date.now() + 2_000, () => connection.workflowService.getSystemInfo({}));
    } finally {
      await connection.close();
    }
  });
}
