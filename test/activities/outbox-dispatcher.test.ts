import { createAccountActivities } from '../../src/activities/account-activities';
import { createLogger } from '../../src/logger';
import { startOutboxDispatcher } from '../../src/notifications/outbox-dispatcher';
import type { OutgoingNotification } from '../../src/notifications/sender';
import { capturingLogger } from '../helpers/app';
import { testSql, truncateAll } from '../helpers/db';
import { seedTenant, TEST_MASTER_KEY } from '../helpers/tenants';
import { createLogSender } from '../../src/notifications/sender';

describe('outbox dispatcher', () => {
  const sql = testSql();
  const activities = createAccountActivities({ sql, masterKey: TEST_MASTER_KEY, logger: createLogger('silent') });

  beforeEach(() => truncateAll(sql));
  afterAll(() => sql.end());

  it('sends each pending notification once, then clears its recipient', async () => {
    const t = await seedTenant(sql);
    await activities.enqueueNotification({ accountId: t.accountId, kind: 'suspended', dedupeKey: 'suspended:1' });
    await activities.enqueueNotification({ accountId: t.accountId, kind: 'removed', dedupeKey: 'removed:2' });
    const sent: OutgoingNotification[] = [];
    const dispatcher = startOutboxDispatcher(
      sql,
      { send: (n) => Promise.resolve(void sent.push(n)) },
      createLogger('silent'),
      60_000,
    );
    try {
      expect(await dispatcher.dispatchOnce()).toBe(2);
      expect(await dispatcher.dispatchOnce()).toBe(0);
    } finally {
      await dispatcher.stop();
    }
    expect(sent.map((n) => [n.kind, n.recipient])).toEqual([
      ['suspended', t.ownerEmail],
      ['removed', t.ownerEmail],
    ]);
    const rows = await sql`select status, recipient from notification_outbox where account_id = ${t.accountId}`;
    expect(rows).toEqual([
      { status: 'sent', recipient: null },
      { status: 'sent', recipient: null },
    ]);
  });

  it('logs with the default sender without the address', async () => {
    const t = await seedTenant(sql);
    await activities.enqueueNotification({ accountId: t.accountId, kind: 'suspended', dedupeKey: 'suspended:1' });
    const { logger, lines } = capturingLogger();
    const dispatcher = startOutboxDispatcher(sql, createLogSender(logger), logger, 60_000);
    await dispatcher.dispatchOnce();
    await dispatcher.stop();
    expect(lines.join('')).toContain('"kind":"suspended"');
    expect(lines.join('')).not.toContain(t.ownerEmail);
  });
});
