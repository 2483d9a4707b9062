import { startAccountWorkflow } from '../../src/temporal/account-client';
import { accountWorkflowId } from '../../src/temporal/ids';
import { paymentSucceededSignal } from '../../src/workflows/account-messages';
import { testSql } from '../helpers/db';
import { DEFAULT_POLICY, settled, useDevServerWorker } from '../helpers/temporal';
import { seedTenant } from '../helpers/tenants';

const payloadText = (p: { data?: Uint8Array | null } | null | undefined): string | undefined =>
  p?.data ? (JSON.parse(Buffer.from(p.data).toString()) as string) : undefined;

// Issue 11 §4, on the dev server (the server whose Web UI operators read): the history reads as the lifecycle.
describe('accountWorkflow in the Temporal Web UI', () => {
  const sql = testSql();
  const frame = useDevServerWorker(sql);

  it('carries a summary, current details and labelled timers and activities, with no personal data', async () => {
    const t = await seedTenant(sql);
    const env = frame.env();
    await startAccountWorkflow(env.client, t.accountId, DEFAULT_POLICY, Date.now());
    const handle = env.client.workflow.getHandle(accountWorkflowId(t.accountId));
    await settled(handle);
    expect(await (await handle.describe()).staticSummary()).toBe('account · trial · paid=false');

    const details = async () =>
      (await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata')).currentDetails;
    expect(await details()).toMatch(/^\*\*state\*\* trial · \*\*plan\*\* trial\n\n\*\*next\*\* trial ends at \d{4}-/);

    await handle.signal(paymentSucceededSignal, { eventId: 'evt_story', occurredAt: Date.now() });
    await settled(handle);
    expect(await details()).toContain('**since** trial → active (payment_succeeded)');

    const events = (await handle.fetchHistory()).events ?? [];
    const summaries = (has: (e: (typeof events)[number]) => unknown) =>
      events.filter((e) => has(e) != null).map((e) => payloadText(e.userMetadata?.summary));
    // The trial's reminder came first, and was waited for; the payment recorded the new state.
    expect(summaries((e) => e.timerStartedEventAttributes)[0]).toBe('reminder: trial ending');
    expect(summaries((e) => e.activityTaskScheduledEventAttributes)).toContain('record state: active');

    // Every string and every payload's bytes as text, so a name anywhere in the history would show.
    const texts: string[] = [];
    const walk = (value: unknown): void => {
      if (value instanceof Uint8Array) texts.push(Buffer.from(value).toString('utf8'));
      else if (typeof value === 'string') texts.push(value);
      else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
    };
    walk(events);
    const everything = texts.join('\n') + (await details());
    expect(everything).toContain('record state: active');
    for (const personal of [t.subdomain, t.ownerEmail, t.ownerName]) expect(everything).not.toContain(personal);
    await handle.terminate('test done');
  });
});
