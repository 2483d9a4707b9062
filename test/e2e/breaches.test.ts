import { waitForMails } from '../helpers/mailbox';
import { signUpAndSignIn, startStack, until } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

const HOUR = 3_600_000;

describe('breach response on the 72-hour clock, through HTTP (issue 15 §1)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ DPO_EMAIL: 'dpo@lethe.example' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('notifies the owners with the DPO, runs the clock to overdue, wants the reasons, and writes the report', async () => {
    const a = await signUpAndSignIn(stack, 'brea');
    const b = await signUpAndSignIn(stack, 'breb');
    const untouched = await signUpAndSignIn(stack, 'brec');
    const breach = {
      // Aware almost 72 hours ago: the deadline is seconds away (the clock's own test skips the full 72 hours).
      awareAt: new Date(Date.now() - 72 * HOUR + 6_000).toISOString(),
      nature: 'A misconfigured export job wrote ticket messages to a public bucket',
      categories: ['ticket messages', 'contact names'],
      subjectsApprox: 340,
      recordsApprox: 2100,
      consequences: 'Messages may have been read by third parties',
      measures: 'Bucket closed within 2 hours, access logs reviewed, job fixed',
      accountIds: [a.id, b.id],
    };
    expect((await stack.http('POST', '/v1/admin/breaches', breach, a.auth)).status).toBe(401);
    const future = { ...breach, awareAt: new Date(Date.now() + HOUR).toISOString() };
    expect((await stack.http('POST', '/v1/admin/breaches', future, stack.operator)).status).toBe(400);
    const unknown = { ...breach, accountIds: ['00000000-0000-4000-8000-000000000000'] };
    expect((await stack.http('POST', '/v1/admin/breaches', unknown, stack.operator)).status).toBe(400);

    const opened = await stack.http('POST', '/v1/admin/breaches', breach, stack.operator);
    expect(opened.status).toBe(202);
    expect(opened.body).toMatchObject({ state: 'open', affectedTenants: 2, authorityNotifiedAt: null });
    const id = opened.body.id as string;

    // The affected tenants' owners hear of it at once, with the DPO as contact point; the third does not.
    for (const owner of [a.email, b.email]) {
      const [notice] = await waitForMails(owner, 1);
      expect(notice?.subject).toContain('Personal data breach');
      expect(notice?.text).toContain('dpo@lethe.example');
      expect(notice?.text).toContain('public bucket');
    }
    const [quiet] = await stack.sql<{ n: number }[]>`
      select count(*)::int as n from notification_outbox where account_id = ${untouched.id} and kind = 'breach_notice'`;
    expect(quiet?.n).toBe(0);

    // The reminders' points passed already; the deadline passes in seconds: overdue, in the timeline.
    const overdue = await until(
      () => stack.http('GET', `/v1/admin/breaches/${id}`, undefined, stack.operator),
      (r) => r.body?.timeline?.some((e: { action: string }) => e.action === 'overdue'),
      30_000,
    );
    expect(overdue.body.state).toBe('overdue');
    expect(overdue.body.timeline.map((e: { action: string }) => e.action)).toEqual([
      'opened',
      'owners_notified',
      'reminder_24h',
      'reminder_6h',
      'overdue',
    ]);
    expect(overdue.body.timeline[0].actor).toBe('staff:operator');

    // Late, so the reasons for the delay are required (Art. 33(1)).
    const late = await stack.http(
      'POST',
      `/v1/admin/breaches/${id}/authority-notification`,
      { reference: 'DPA-77' },
      stack.operator,
    );
    expect(late).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(late.body.errors[0].path).toBe('delayReason');
    const recorded = await stack.http(
      'POST',
      `/v1/admin/breaches/${id}/authority-notification`,
      { reference: 'DPA-77', delayReason: 'The scope was only established on day three' },
      stack.operator,
    );
    expect(recorded.body).toMatchObject({ state: 'notified', authorityReference: 'DPA-77' });
    expect(
      (await stack.http('POST', `/v1/admin/breaches/${id}/authority-notification`, { reference: 'x' }, stack.operator))
        .status,
    ).toBe(409);

    const report = await stack.http('GET', `/v1/admin/breaches/${id}/report`, undefined, stack.operator);
    expect(report.body).toMatchObject({
      article: 'GDPR Art. 33(3)',
      nature: {
        description: breach.nature,
        categoriesOfData: breach.categories,
        approximateDataSubjects: 340,
        approximateRecords: 2100,
        affectedTenants: 2,
      },
      contactPoint: { dataProtectionOfficer: 'dpo@lethe.example' },
      likelyConsequences: breach.consequences,
      measures: breach.measures,
      authorityNotification: { reference: 'DPA-77', reasonsForDelay: 'The scope was only established on day three' },
    });
    expect(report.body.timeline.at(-1)).toMatchObject({ action: 'authority_notified', actor: 'staff:operator' });
  });
});
