// Starts the real servers once for the whole run: embedded PostgreSQL (a throw-away cluster), the Temporal dev
// server (in-memory, headless; for visibility and end-to-end tests), and checks that the Java time-skipping test
// server is provisioned (workflow test files start their own, as the SDK does). Tests read the addresses from env.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSql } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';
import { startEmbeddedPostgres } from '../../src/embedded/postgres';
import { projectRoot } from '../../src/embedded/project-root';
import { readProvisionManifest } from '../../src/embedded/provision-manifest';
import { startDevServer } from '../../src/embedded/temporal-server';
import { getTestServers, setTestServers } from './servers';

export default async function globalSetup(): Promise<void> {
  if (getTestServers()) return; // several projects share this setup
  const root = projectRoot();
  execFileSync(process.execPath, [join(root, 'scripts', 'provision.mjs'), '--quiet'], { stdio: 'inherit' });
  const manifest = readProvisionManifest(root);
  if (manifest.testServer.path === undefined)
    throw new Error(`Java test server unavailable: ${manifest.testServer.detail}`);
  if (manifest.temporalCli.path === undefined)
    throw new Error(`Temporal CLI unavailable: ${manifest.temporalCli.detail}`);

  const started = Date.now();
  // jest skips globalTeardown when globalSetup throws: whatever did start is stopped here, or it would outlive us.
  const [pg, dev] = await Promise.allSettled([
    startEmbeddedPostgres({ dataDir: mkdtempSync(join(tmpdir(), 'lethe-test-pg-')), persistent: false }),
    startDevServer({ executable: manifest.temporalCli.path, headless: true }),
  ]);
  if (pg.status === 'rejected' || dev.status === 'rejected') {
    await Promise.allSettled([
      pg.status === 'fulfilled' && pg.value.stop(),
      dev.status === 'fulfilled' && dev.value.stop(),
    ]);
    throw pg.status === 'rejected' ? pg.reason : (dev as PromiseRejectedResult).reason;
  }
  const postgres = pg.value;
  const devServer = dev.value;
  setTestServers({ postgres, devServer });

  let databaseUrl: string;
  try {
    databaseUrl = await postgres.createDatabase('lethe_test');
    const sql = createSql(databaseUrl, { max: 1 });
    try {
      await migrate(sql);
    } finally {
      await sql.end();
    }
  } catch (error) {
    setTestServers(undefined);
    await Promise.allSettled([postgres.stop(), devServer.stop()]);
    throw error;
  }

  process.env.DATABASE_URL = databaseUrl;
  process.env.TEST_PG_ADMIN_URL = postgres.adminUrl;
  process.env.TEMPORAL_ADDRESS = devServer.address;
  process.env.TEMPORAL_TEST_SERVER = manifest.testServer.path;
  process.stderr.write(
    `\ntest servers: PostgreSQL :${postgres.port}, Temporal dev server ${devServer.address} (${Date.now() - started} ms)\n`,
  );
}
