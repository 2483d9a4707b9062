// Starts the real servers once for the whole run: embedded PostgreSQL (a throw-away cluster), the Temporal dev
// server (in-memory, headless; for visibility and end-to-end tests), Mailpit (the mailbox the mail tests read), and
// checks that the Java time-skipping test
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
import { startMailpit } from '../../src/embedded/mailpit';
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
  if (manifest.mailpit?.path === undefined) throw new Error(`Mailpit unavailable: ${manifest.mailpit?.detail}`);
  const mailpitPath = manifest.mailpit.path;

  const started = Date.now();
  // jest skips globalTeardown when globalSetup throws: whatever did start is stopped here, or it would outlive us.
  const [pg, dev, mail] = await Promise.allSettled([
    startEmbeddedPostgres({ dataDir: mkdtempSync(join(tmpdir(), 'lethe-test-pg-')), persistent: false }),
    startDevServer({ executable: manifest.temporalCli.path, headless: true }),
    startMailpit({ executable: mailpitPath }),
  ]);
  if (pg.status === 'rejected' || dev.status === 'rejected' || mail.status === 'rejected') {
    await Promise.allSettled([
      pg.status === 'fulfilled' && pg.value.stop(),
      dev.status === 'fulfilled' && dev.value.stop(),
      mail.status === 'fulfilled' && mail.value.stop(),
    ]);
    const failed = [pg, dev, mail].find((r): r is PromiseRejectedResult => r.status === 'rejected');
    throw failed?.reason;
  }
  const postgres = pg.value;
  const devServer = dev.value;
  const mailpit = mail.value;
  setTestServers({ postgres, devServer, mailpit });

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
    await Promise.allSettled([postgres.stop(), devServer.stop(), mailpit.stop()]);
    throw error;
  }

  process.env.DATABASE_URL = databaseUrl;
  process.env.TEST_PG_ADMIN_URL = postgres.adminUrl;
  process.env.TEMPORAL_ADDRESS = devServer.address;
  process.env.TEMPORAL_TEST_SERVER = manifest.testServer.path;
  process.env.TEST_SMTP_URL = mailpit.smtpUrl;
  process.env.TEST_MAILPIT_URL = mailpit.uiUrl;
  process.stderr.write(
    `\ntest servers: PostgreSQL :${postgres.port}, Temporal dev server ${devServer.address}, Mailpit ${mailpit.uiUrl} (${Date.now() - started} ms)\n`,
  );
}
