import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/embedded/postgres';
import { TEST_ENV } from '../helpers/config';
import { dist, run, useBuiltProcesses, waitForOutput } from '../helpers/processes';

// Issue 12 §3: npm start on ports of its own choosing beside anything else, saying what it runs with, and when it
// cannot start, saying why and what to do.
describe('npm start, started and refused', () => {
  const started = useBuiltProcesses(5_000);
  // The run's own servers are the tests' business: these npm starts must start their own.
  const { DATABASE_URL: _d, TEMPORAL_ADDRESS: _t, SMTP_URL: _s, ...baseEnv } = process.env;
  const folders: string[] = [];
  afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'lethe-startup-'));
    folders.push(dir);
    return dir;
  };
  const ports = async () => ({
    PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    MAILPIT_SMTP_PORT: String(await freePort()),
    MAILPIT_UI_PORT: String(await freePort()),
  });
  const start = (env: Record<string, string>) =>
    started(run([dist('start.js')], { ...TEST_ENV, LOG_LEVEL: 'warn', ...env }, baseEnv));

  it('runs on the ports it is given with no socket in /tmp, shows its periods, and refuses a second start on its folder or ports', async () => {
    const dataDir = folder();
    const mine = await ports();
    const first = start({ ...mine, LETHE_DATA_DIR: dataDir, TRIAL_PERIOD: '3d', REMOVAL_PERIOD: '36h' });
    await waitForOutput(first, 'Lethe is running.', 180_000);
    expect(first.output()).toContain('trial 3d · payment grace 7d · suspension 60d · removal 1d12h');
    expect(first.output()).toContain(`Temporal UI   http://127.0.0.1:${mine.TEMPORAL_UI_PORT}`);
    expect((await fetch(`http://127.0.0.1:${mine.PORT}/readyz`)).status).toBe(200);
    // PostgreSQL listens on TCP only: nothing in /tmp for a second PostgreSQL on that port to trip over.
    expect(existsSync(`/tmp/.s.PGSQL.${mine.EMBEDDED_PG_PORT}`)).toBe(false);
    expect(existsSync(join(dataDir, 'lethe.pid'))).toBe(true);

    // The same folder, other ports: refused before anything starts, naming the folder's holder and the fix.
    const sameFolder = start({ ...(await ports()), LETHE_DATA_DIR: dataDir });
    expect((await sameFolder.exited).code).toBe(1);
    expect(sameFolder.output()).toContain(`Lethe could not start: the data folder ${dataDir} is in use by process`);
    expect(sameFolder.output()).toContain('LETHE_DATA_DIR');

    // Another folder, the same ports: each taken one named with its variable.
    const samePorts = start({ ...mine, LETHE_DATA_DIR: folder() });
    expect((await samePorts.exited).code).toBe(1);
    const said = samePorts.output();
    for (const variable of ['PORT', 'EMBEDDED_PG_PORT', 'TEMPORAL_PORT', 'TEMPORAL_UI_PORT', 'MAILPIT_SMTP_PORT']) {
      expect(said).toContain(`port ${mine[variable as keyof typeof mine]} (${variable})`);
    }
    expect(said).toContain('set those variables to free ports');

    // The first one was left alone, and stops cleanly, giving its folder back.
    expect((await fetch(`http://127.0.0.1:${mine.PORT}/readyz`)).status).toBe(200);
    first.child.kill('SIGINT');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir, 'lethe.pid'))).toBe(false);
  }, 300_000);

  it('names a bad port variable and starts nothing', async () => {
    const refused = start({ ...(await ports()), EMBEDDED_PG_PORT: '99999', LETHE_DATA_DIR: folder() });
    expect((await refused.exited).code).toBe(1);
    expect(refused.output()).toContain('Lethe could not start: EMBEDDED_PG_PORT must be a port from 1 to 65535');
  });
});
