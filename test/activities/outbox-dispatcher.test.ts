import { createAccountActivities } from '../../src/activities/account-activities';
import { insertMail } from '../../src/db/outbox';
import { loadTenantKey } from '../../src/db/tenant-keys';
import { FIRST_RETRY_MS } from '../../src/domain/mail-delivery';
import { createLogger } from '../../src/logger';
import { formatDeadlineShort } from '../../src/notifications/mail-templates';
import { outboxPayloadContext, startOutboxDispatcher } from '../../src/notifications/outbox-dispatcher';
import type { OutboxDispatcher } from '../../src/notifications/outbox-dispatcher';
import { createLogSender } from '../../src/notifications/sender';
import type { NotificationSender } from '../../src/notifications/sender';
import { createSmtpSender } from '../../src/notifications/smtp-sender';
import { seal } from '../../src/security/secret-box';
import { capturingLogger } from '../helpers/app';
import { testSql, truncateAll } from '../helpers/db';
import { mailpitMailsTo, startProgrammableSmtp, testSmtpUrl, waitForMails } from '../helpers/mailbox';
import type { ProgrammableSmtp } from '../helpers/mailbox';
import { seedTenant, TEST_MASTER_KEY } from '../helpers/tenants';

const FROM = 'Lethe <no-reply@lethe.test>';
const DAY = 86_400_000;

describe('outbox dispatcher', () => {
  const sql = testSql();
  const silent = createLogger('silent');
  const activities = createAccountActivities({ sql, masterKey: TEST_MASTER_KEY, logger: silent });
  const dispatchers: OutboxDispatcher[] = [];
  const dispatcher = (sender: NotificationSender, logger = silent): OutboxDispatcher => {
    const d = startOutboxDispatcher(sql, sender, logger, { masterKey: TEST_MASTER_KEY, intervalMs: 600_000 });
    dispatchers.push(d);
    return d;
  };
  const rows = (accountId: string) =>
    sql<
      {
        id: string;
        kind: string;
        status: string;
        recipient: string | null;
        attempts: number;
        lastError: string | null;
        dueInMs: number;
      }[]
    >`
      select id, kind, status, recipient, attempts, last_error,
             (extract(epoch from (next_attempt_at - now())) * 1000)::int as due_in_ms
      from notification_outbox where account_id = ${accountId} order by created_at, kind`;
  /** Makes every deferred row due now, as if the backoff had passed. */
  const skipBackoff = () => sql`update notification_outbox set next_attempt_at = now() where status = 'pending'`;

  beforeEach(() => truncateAll(sql));
  afterEach(async () => {
    await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
  });
  afterAll(() => sql.end());

  it('mails each notice once through SMTP with the tenant, the exact deadline and a Message-ID of its row', async () => {
    const t = await seedTenant(sql);
    const trialEndsAt = Date.parse('2026-12-13T09:30:15Z');
    await activities.enqueueNotification({
      accountId: t.accountId,
      kind: 'trial_ending',
      dedupeKey: 'trial_ending:0',
      deadlineAt: trialEndsAt,
    });
    await activities.enqueueNotification({
      accountId: t.accountId,
      kind: 'suspended',
      dedupeKey: 'suspended:1',
      deadlineAt: trialEndsAt + 60 * DAY,
    });
    const d = dispatcher(createSmtpSender({ smtpUrl: testSmtpUrl(), mailFrom: FROM }));
    expect(await d.dispatchOnce()).toBe(2);
    expect(await d.dispatchOnce()).toBe(0);

    const mails = await waitForMails(t.ownerEmail, 2);
    expect(mails).toHaveLength(2);
    const [ending, suspended] = mails;
    const [tenant] = await sql<{ name: string }[]>`select name from accounts where id = ${t.accountId}`;
    expect(ending?.to).toEqual([t.ownerEmail]);
    expect(ending?.subject).toBe(`Your trial of ${tenant?.name} ends on ${formatDeadlineShort(trialEndsAt)}`);
    expect(ending?.text).toContain('Sunday, 13 December 2026 at 09:30 UTC (2026-12-13T09:30:15Z)');
    expect(ending?.html).toContain('2026-12-13T09:30:15Z');
    expect(suspended?.subject).toBe(`${tenant?.name} is suspended`);
    expect(suspended?.text).toContain('(2027-02-11T09:30:15Z)');

    const sent = await rows(t.accountId);
    expect(sent.map((r) => [r.kind, r.status, r.recipient])).toEqual([
      ['trial_ending', 'sent', null],
      ['suspended', 'sent', null],
    ]);
    expect(mails.map((m) => m.messageId).sort()).toEqual(sent.map((r) => `<${r.id}@lethe.test>`).sort());
  });

  it('resends a mail whose outcome was lost in a crash with the same Message-ID', async () => {
    const t = await seedTenant(sql);
    await activities.enqueueNotification({ accountId: t.accountId, kind: 'removed', dedupeKey: 'removed:3' });
    const smtp = createSmtpSender({ smtpUrl: testSmtpUrl(), mailFrom: FROM });
    // The relay accepts the mail, then the process dies before the row's commit: the transaction rolls back.
    const crashing: NotificationSender = {
      async send(n) {
        await smtp.send(n);
        throw new Error('process died after the relay accepted the mail');
      },
    };
    await expect(dispatcher(crashing).dispatchOnce()).rejects.toThrow('process died');
    expect((await rows(t.accountId))[0]).toMatchObject({ status: 'pending', recipient: t.ownerEmail });

    expect(await dispatcher(smtp).dispatchOnce()).toBe(1);
    const mails = await waitForMails(t.ownerEmail, 2);
    expect(mails[0]?.messageId).toBe(mails[1]?.messageId);
    expect((await rows(t.accountId))[0]?.status).toBe('sent');
  });

  describe('when the relay fails', () => {
    let relay: ProgrammableSmtp;
    beforeEach(async () => {
      relay = await startProgrammableSmtp();
    });
    afterEach(() => relay.close());

    it('keeps rows pending while the relay is down, backs off, and sends them all once it is back', async () => {
      const t = await seedTenant(sql);
      for (const kind of ['suspended', 'removed'] as const) {
        await activities.enqueueNotification({ accountId: t.accountId, kind, dedupeKey: kind });
      }
      await relay.close(); // down: connections are refused
      const down = dispatcher(createSmtpSender({ smtpUrl: relay.url, mailFrom: FROM }));
      expect(await down.dispatchOnce()).toBe(0);
      let state = await rows(t.accountId);
      // The round ends at the first transient failure: the other row is untouched, nothing is lost.
      expect(state.map((r) => [r.status, r.attempts, r.recipient])).toEqual([
        ['pending', 1, t.ownerEmail],
        ['pending', 0, t.ownerEmail],
      ]);
      expect(state[0]?.lastError).toBe('ESOCKET'); // connection refused
      expect(state[0]?.dueInMs).toBeGreaterThan(FIRST_RETRY_MS - 5_000);
      expect(state[0]?.dueInMs).toBeLessThanOrEqual(FIRST_RETRY_MS);
      expect(await down.dispatchOnce()).toBe(0);
      await skipBackoff();
      expect(await down.dispatchOnce()).toBe(0);
      state = await rows(t.accountId);
      expect(state.map((r) => r.attempts).sort()).toEqual([1, 2]);
      // The second failure of the same row waits twice as long.
      expect(Math.max(...state.map((r) => r.dueInMs))).toBeGreaterThan(2 * FIRST_RETRY_MS - 5_000);

      relay = await startProgrammableSmtp();
      await skipBackoff();
      expect(await dispatcher(createSmtpSender({ smtpUrl: relay.url, mailFrom: FROM })).dispatchOnce()).toBe(2);
      expect(relay.received.map((m) => m.to)).toEqual([[t.ownerEmail], [t.ownerEmail]]);
      expect((await rows(t.accountId)).map((r) => r.status)).toEqual(['sent', 'sent']);
    });

    it('records a permanent rejection once and never retries it, and sends the rest', async () => {
      const bounced = await seedTenant(sql);
      const fine = await seedTenant(sql);
      relay.rejectPermanently.add(bounced.ownerEmail);
      await activities.enqueueNotification({ accountId: bounced.accountId, kind: 'suspended', dedupeKey: 's' });
      await activities.enqueueNotification({ accountId: fine.accountId, kind: 'suspended', dedupeKey: 's' });
      const { logger, lines } = capturingLogger();
      const d = dispatcher(createSmtpSender({ smtpUrl: relay.url, mailFrom: FROM }), logger);
      expect(await d.dispatchOnce()).toBe(1);
      expect(await rows(bounced.accountId)).toEqual([
        expect.objectContaining({ status: 'failed', lastError: '550', attempts: 1, recipient: null }),
      ]);
      expect((await rows(fine.accountId))[0]?.status).toBe('sent');
      await skipBackoff();
      expect(await d.dispatchOnce()).toBe(0);
      expect(relay.received.map((m) => m.to)).toEqual([[fine.ownerEmail]]);
      expect(lines.join('')).toContain('mail rejected permanently');
      expect(lines.join('')).not.toContain(bounced.ownerEmail);
    });

    it('retries a temporary 4xx rejection later', async () => {
      const t = await seedTenant(sql);
      relay.rejectTemporarily.add(t.ownerEmail);
      await activities.enqueueNotification({ accountId: t.accountId, kind: 'removed', dedupeKey: 'r' });
      const d = dispatcher(createSmtpSender({ smtpUrl: relay.url, mailFrom: FROM }));
      expect(await d.dispatchOnce()).toBe(0);
      expect(await rows(t.accountId)).toEqual([
        expect.objectContaining({ status: 'pending', lastError: '451', attempts: 1, recipient: t.ownerEmail }),
      ]);
      relay.rejectTemporarily.clear();
      await skipBackoff();
      expect(await d.dispatchOnce()).toBe(1);
      expect(relay.received).toHaveLength(1);
    });
  });

  it('opens a sealed one-off code for its mail, and drops it unsent once it expired', async () => {
    const t = await seedTenant(sql);
    const key = await loadTenantKey(sql, TEST_MASTER_KEY, t.accountId);
    if (!key) throw new Error('seeded tenant has no key');
    const sealedFor = async (recipient: string, expiresAt: Date, code: string) => {
      await insertMail(sql, {
        accountId: t.accountId,
        kind: 'portal_verification',
        recipient,
        dedupeKey: recipient,
        expiresAt,
      });
      const [row] = await sql<{ id: string }[]>`select id from notification_outbox where dedupe_key = ${recipient}`;
      const id = row?.id ?? '';
      await sql`update notification_outbox set sealed_payload = ${seal(key, Buffer.from(JSON.stringify({ code })), outboxPayloadContext(id))}
                where id = ${id}`;
    };
    const live = `live-${t.subdomain}@example.test`;
    const stale = `stale-${t.subdomain}@example.test`;
    await sealedFor(live, new Date(Date.now() + 60_000), '482913');
    await sealedFor(stale, new Date(Date.now() - 1_000), '111111');
    expect(await dispatcher(createSmtpSender({ smtpUrl: testSmtpUrl(), mailFrom: FROM })).dispatchOnce()).toBe(1);
    const [mail] = await waitForMails(live, 1);
    expect(mail?.text).toContain('482913');
    expect(await mailpitMailsTo(stale)).toEqual([]);
    const states = await sql`select recipient, status, sealed_payload from notification_outbox order by status`;
    expect(states).toEqual([
      { recipient: null, status: 'expired', sealedPayload: null },
      { recipient: null, status: 'sent', sealedPayload: null },
    ]);
  });

  it('logs with the log sender without the address', async () => {
    const t = await seedTenant(sql);
    await activities.enqueueNotification({ accountId: t.accountId, kind: 'suspended', dedupeKey: 'suspended:1' });
    const { logger, lines } = capturingLogger();
    expect(await dispatcher(createLogSender(logger), logger).dispatchOnce()).toBe(1);
    expect(lines.join('')).toContain('"kind":"suspended"');
    expect(lines.join('')).not.toContain(t.ownerEmail);
  });
});
