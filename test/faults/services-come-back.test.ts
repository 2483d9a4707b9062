import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from '../../src/embedded/postgres';
import { readProvisionManifest } from '../../src/embedded/provision-manifest';
import { startDevServer } from '../../src/embedded/temporal-server';
import type { EmbeddedTemporal } from '../../src/embedded/temporal-server';
import { createSql } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';
import { signWebhook } from '../../src/security/webhook-signature';
import { TEST_ENV } from '../helpers/config';
import { startOwnPostgres } from '../helpers/own-postgres';
import type { OwnPostgres } from '../helpers/own-postgres';
import { childProcesses, dist, isAlive, run, useBuiltProcesses, waitForOutput } from '../helpers/processes';
import { until } from '../helpers/stack';

/** The API of a running Lethe, from outside, over HTTP. */
function client(base: string) {
  const http = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    } catch {
      return { status: 0, body: undefined };
    }
  };
  const operator = { authorization: `Bearer ${TEST_ENV.OPERATOR_TOKENS.split(',')[0]}` };
  return {
    http,
    async signup(): Promise<{ status: number; id?: string }> {
      const subdomain = `up-${randomUUID().slice(0, 8)}`;
      const res = await http('POST', '/v1/accounts', {
        subdomain,
        name: 'Still Up',
        owner: { email: `owner@${subdomain}.test`, name: 'Owner', password: 'a long enough password' },
      });
      return { status: res.status, id: res.body?.account?.id };
    },
    /** The account's state as its workflow answers a query: only a polling worker can answer. */
    async stateOf(id: string): Promise<string | undefined> {
      const res = await http('GET', `/v1/accounts/${id}`, undefined, operator);
      return res.status === 200 ? (res.body.state as string) : undefined;
    },
    async pay(accountId: string): Promise<number> {
      const raw = JSON.stringify({
        id: `evt_${randomUUID()}`,
        type: 'payment.succeeded',
        accountId,
        occurredAt: new Date().toISOString(),
        data: { invoiceId: 'inv_1' },
      });
      const t = Math.floor(Date.now() / 1000);
      const res = await http('POST', '/v1/billing/events', raw, {
        'lethe-signature': signWebhook(TEST_ENV.BILLING_WEBHOOK_SECRET, raw, t),
      });
      return res.status;
    },
  };
}
type Client = ReturnType<typeof client>;

/** Signs up, then pays: the API, the worker's workflow and its activities (PostgreSQL) all take part. */
async function everythingWorks(api: Client): Promise<void> {
  const signup = await until(
    () => api.signup(),
    (r) => r.status === 201,
    60_000,
  );
  const id = signup.id as string;
  expect(
    await until(
      () => api.stateOf(id),
      (s) => s === 'trial',
      30_000,
    ),
  ).toBe('trial');
  expect(
    await until(
      () => api.pay(id),
      (s) => s === 202 || s === 200,
      30_000,
    ),
  ).toBeLessThan(300);
  expect(
    await until(
      () => api.stateOf(id),
      (s) => s === 'active',
      30_000,
    ),
  ).toBe('active');
}

describe('services that die and come back', () => {
  const started = useBuiltProcesses(5_000);

  it('npm start restarts an embedded server that dies, and its API and worker carry on', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lethe-start-'));
    const port = await freePort();
    // Ports of its own, beside a developer's npm start on the defaults.
    const embeddedPorts = {
      EMBEDDED_PG_PORT: String(await freePort()),
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      MAILPIT_SMTP_PORT: String(await freePort()),
      MAILPIT_UI_PORT: String(await freePort()),
    };
    // The run's own servers are the tests' business: this npm start must start its own.
    const { DATABASE_URL: _d, TEMPORAL_ADDRESS: _t, SMTP_URL: _s, ...baseEnv } = process.env;
    const start = started(
      run(
        [dist('start.js')],
        { ...TEST_ENV, ...embeddedPorts, LOG_LEVEL: 'info', PORT: String(port), LETHE_DATA_DIR: dataDir },
        baseEnv,
      ),
    );
    await waitForOutput(start, 'Lethe is running.', 180_000);
    const api = client(`http://127.0.0.1:${port}`);
    await everythingWorks(api);

    const pid = start.child.pid as number;
    const [temporal] = childProcesses(pid, 'start-dev');
    expect(temporal).toBeDefined();
    process.kill(temporal as number, 'SIGKILL');
    await waitForOutput(start, 'Temporal server died: restarting it');
    await waitForOutput(start, 'Temporal server restarted', 60_000);
    await everythingWorks(api);

    const postmaster = Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(postmaster, 'SIGKILL');
    await waitForOutput(start, 'PostgreSQL died: restarting it');
    await waitForOutput(start, 'PostgreSQL restarted', 60_000);
    await everythingWorks(api);

    const [mailpit] = childProcesses(pid, 'mailpit');
    process.kill(mailpit as number, 'SIGKILL');
    await waitForOutput(start, 'Mailpit restarted', 60_000);

    // Ctrl-C stops every server, the restarted ones included.
    const servers = [
      ...childProcesses(pid, 'start-dev'),
      ...childProcesses(pid, 'mailpit'),
      Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]),
    ];
    expect(servers).toHaveLength(3);
    expect(servers.filter(isAlive)).toHaveLength(3);
    start.child.kill('SIGINT');
    expect(await start.exited).toEqual({ code: 0, signal: null });
    expect(servers.filter(isAlive)).toEqual([]);
    rmSync(dataDir, { recursive: true, force: true });
  }, 600_000);

  it('the production API and worker carry on, without a restart, when Temporal and PostgreSQL come back', async () => {
    const cli = readProvisionManifest().temporalCli.path;
    if (cli === undefined) throw new Error('the Temporal CLI is not provisioned');
    const pg: OwnPostgres = await startOwnPostgres(async (url) => {
      const sql = createSql(url, { max: 1 });
      await migrate(sql);
      await sql.end();
    });
    const temporalOptions = {
      executable: cli,
      headless: true,
      dbFile: join(mkdtempSync(join(tmpdir(), 'lethe-temporal-')), 'temporal.sqlite'),
      port: await freePort(),
    };
    let temporal: EmbeddedTemporal = await startDevServer(temporalOptions);
    try {
      const port = await freePort();
      const env = {
        ...TEST_ENV,
        LOG_LEVEL: 'info',
        DATABASE_URL: pg.url,
        TEMPORAL_ADDRESS: temporal.address,
      };
      started(run([dist('worker.js')], env));
      const apiProcess = started(run([dist('server.js')], { ...env, PORT: String(port) }));
      await waitForOutput(apiProcess, 'API listening');
      const api = client(`http://127.0.0.1:${port}`);
      await everythingWorks(api);

      process.kill(temporal.pid, 'SIGKILL');
      await temporal.exited;
      expect((await api.signup()).status).toBe(503);
      temporal = await startDevServer(temporalOptions);
      await everythingWorks(api);

      await pg.kill();
      expect((await api.signup()).status).toBe(503);
      await pg.restart();
      await everythingWorks(api);
    } finally {
      await temporal.stop();
      await pg.stop();
      rmSync(dirname(temporalOptions.dbFile), { recursive: true, force: true });
    }
  }, 600_000);
});
