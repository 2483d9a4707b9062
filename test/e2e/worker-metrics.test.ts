import { freePort } from '../../src/embedded/postgres';
import { TEST_ENV } from '../helpers/config';
import { testSmtpUrl } from '../helpers/mailbox';
import { dist, run, useBuiltProcesses, waitForOutput } from '../helpers/processes';
import { signUpAndSignIn, startStack, until } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

// Issue 12 §2: the production worker's Prometheus endpoint (WORKER_METRICS_PORT), scraped after it carried an
// account through a timer-driven transition: the SDK's metrics and Lethe's, with no id in any label.
describe('worker metrics', () => {
  const started = useBuiltProcesses(10_000);
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ TRIAL_PERIOD: '3s' });
    // Only the production worker below runs workflows and activities.
    await stack.stopWorker();
  }, 120_000);
  afterAll(() => stack?.stop());

  it('counts transitions, their lateness and mails sent, beside the SDK’s own metrics', async () => {
    const port = await freePort();
    const worker = started(
      run([dist('worker.js')], {
        ...TEST_ENV,
        LOG_LEVEL: 'info',
        DATABASE_URL: process.env.DATABASE_URL ?? '',
        TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '',
        SMTP_URL: testSmtpUrl(),
        WORKER_METRICS_PORT: String(port),
      }),
    );
    await waitForOutput(worker, 'worker running', 120_000);
    const a = await signUpAndSignIn(stack, 'metrics');
    await until(
      async () => (await stack.http('GET', `/v1/accounts/${a.id}`, undefined, stack.operator)).body?.state,
      (state) => state === 'suspended',
      60_000,
    );
    const scrape = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const text = await until(scrape, (t) => /lethe_outbox_mail\S*\{[^}]*outcome="sent"/.test(t), 60_000);

    expect(text).toMatch(/lethe_account_transitions\S*\{[^}]*cause="trial_expired"[^}]*\} 1/);
    expect(text).toMatch(/lethe_account_transitions\S*\{[^}]*from="trial"/);
    expect(text).toMatch(/lethe_deadline_lateness\S*_bucket\{[^}]*cause="trial_expired"/);
    expect(text).toMatch(/^temporal_\w+/m);
    for (const id of [a.id, a.subdomain, a.email]) expect(text).not.toContain(id);
  }, 240_000);
});
