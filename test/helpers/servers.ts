// State shared between global-setup.ts and global-teardown.ts (same process; jest runs them in its parent).
import type { EmbeddedMailpit } from '../../src/embedded/mailpit';
import type { EmbeddedPostgres } from '../../src/embedded/postgres';
import type { EmbeddedTemporal } from '../../src/embedded/temporal-server';

export interface TestServers {
  postgres: EmbeddedPostgres;
  devServer: EmbeddedTemporal;
  mailpit: EmbeddedMailpit;
}

const KEY = Symbol.for('lethe.testServers');

export function getTestServers(): TestServers | undefined {
  return (globalThis as Record<symbol, TestServers | undefined>)[KEY];
}

export function setTestServers(servers: TestServers | undefined): void {
  (globalThis as Record<symbol, TestServers | undefined>)[KEY] = servers;
}
