import { freePort } from '../../src/embedded/postgres';
import { TEST_ENV } from '../helpers/config';
import { dist, run, useBuiltProcesses, waitForOutput } from '../helpers/processes';

/** The production entry points (`node dist/src/server.js`, `worker.js`) as an operator runs them. */
describe('the production processes', () => {
  const started = useBuiltProcesses(2_000);

  it('answers 503 DATABASE_UNAVAILABLE with Retry-After while PostgreSQL is down, saying nothing secret', async () => {
    const port = await freePort();
    const api = started(
      run([dist('server.js')], {
        ...TEST_ENV,
        LOG_LEVEL: 'info',
        PORT: String(port),
        DATABASE_URL: `postgres://lethe:s3cret-db-pass@127.0.0.1:${await freePort()}/lethe`,
        TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '',
      }),
    );
    await waitForOutput(api, 'API listening');
    const res = await fetch(`http://127.0.0.1:${port}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subdomain: 'acme', email: 'someone@example.test', password: 'a long enough password' }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({ code: 'DATABASE_UNAVAILABLE', status: 503 });
    for (const secret of ['s3cret-db-pass', 'someone@example.test']) {
      expect(body + api.output()).not.toContain(secret);
    }
    api.child.kill('SIGTERM');
    expect(await api.exited).toEqual({ code: 0, signal: null });
  });

  it('stops the API on SIGTERM and the worker on SIGINT, cleanly, with exit code 0', async () => {
    const port = await freePort();
    const env = {
      ...TEST_ENV,
      LOG_LEVEL: 'info',
      PORT: String(port),
      DATABASE_URL: process.env.DATABASE_URL ?? '',
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '',
    };
    const api = started(run([dist('server.js')], env));
    const worker = started(run([dist('worker.js')], env));
    await Promise.all([waitForOutput(api, 'API listening'), waitForOutput(worker, 'worker running', 60_000)]);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

    const t0 = Date.now();
    api.child.kill('SIGTERM');
    worker.child.kill('SIGINT');
    expect(await api.exited).toEqual({ code: 0, signal: null });
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(api.output()).toContain('shutting down');
    expect(worker.output()).toContain('worker stopped');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('exits at once on a second signal while the first one’s stop is still running', async () => {
    // The shutdown handler of both entry points, with a stop that would take a minute.
    const script = `
      const { onShutdownSignal } = require(${JSON.stringify(dist('shutdown.js'))});
      const { createLogger } = require(${JSON.stringify(dist('logger.js'))});
      onShutdownSignal(createLogger('info'), () => new Promise((r) => setTimeout(r, 60000)));
      console.log('ready');
      setInterval(() => {}, 1000);`;
    const p = started(run(['-e', script], {}));
    await waitForOutput(p, 'ready');
    p.child.kill('SIGINT');
    await waitForOutput(p, 'shutting down');
    const t0 = Date.now();
    p.child.kill('SIGINT');
    expect(await p.exited).toEqual({ code: 130, signal: null });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(p.output()).toContain('second signal');
  });
});
