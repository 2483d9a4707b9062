import { erasureWorkflowId, TASK_QUEUE } from '../../src/temporal/ids';
import { erasureWorkflow, requestClockWorkflow } from '../../src/workflows';
import { waitForMails } from '../helpers/mailbox';
import { signUpAndSignIn, startStack, until } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { FIXTURE_PASSWORD } from '../helpers/tenants';

const DAY = 86_400_000;

describe('the legal clock on data-subject requests (issue 15 §3, Art. 12(3) and 12(5))', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('dates every request, extends one once with the person told why, lists the overdue, reminds the owner', async () => {
    const t = await signUpAndSignIn(stack, 'clock');
    const api = (method: string, path: string, body?: unknown, auth = t.auth) => stack.http(method, path, body, auth);
    const contact = async (email: string) =>
      (await api('POST', '/v1/contacts', { email, name: email.split('@')[0] })).body.id as string;

    // A request that runs at once: due one month after it was received.
    const quick = await api('POST', `/v1/contacts/${await contact(`quick-${t.tag}@example.test`)}/erasure`, {});
    const done = await until(
      () => api('GET', `/v1/erasure-requests/${quick.body.requestId as string}`),
      (r) => r.body?.status === 'completed',
    );
    const month = Date.parse(done.body.dueAt as string) - Date.parse(done.body.requestedAt as string);
    expect(month).toBeGreaterThanOrEqual(28 * DAY);
    expect(month).toBeLessThanOrEqual(31 * DAY);

    // A request still waiting (received while its workflow cannot run yet), made as the API records one.
    const rita = `rita-${t.tag}@example.test`;
    const ritaId = await contact(rita);
    const [waiting] = await stack.sql<{ id: string }[]>`
      insert into erasure_requests (account_id, kind, subject_id, requested_by)
      values (${t.id}, 'erasure', ${ritaId}, 'user:test') returning id`;
    const requestId = waiting?.id ?? '';

    const reason = 'Your tickets span three systems we must search by hand';
    const extended = await api('POST', `/v1/erasure-requests/${requestId}/extension`, { reason });
    expect(extended.status).toBe(200);
    const [dates] = await stack.sql<{ requestedAt: Date; dueAt: Date }[]>`
      select requested_at, due_at from erasure_requests where id = ${requestId}`;
    expect(extended.body.dueAt).toBe(dates?.dueAt.toISOString());
    const months = (dates?.dueAt.getTime() ?? 0) - (dates?.requestedAt.getTime() ?? 0);
    expect(months).toBeGreaterThanOrEqual(89 * DAY);
    expect(months).toBeLessThanOrEqual(92 * DAY);
    const [told] = await waitForMails(rita, 1);
    expect(told?.subject).toContain('will be answered by');
    expect(told?.text).toContain(reason);
    // Once only; not for a finished request; not by an agent; not from another tenant.
    expect((await api('POST', `/v1/erasure-requests/${requestId}/extension`, { reason })).status).toBe(409);
    expect(
      (await api('POST', `/v1/erasure-requests/${quick.body.requestId as string}/extension`, { reason })).status,
    ).toBe(409);
    await api('POST', '/v1/agents', {
      email: `agent-${t.tag}@example.test`,
      name: 'A',
      role: 'agent',
      password: FIXTURE_PASSWORD,
    });
    const agent = await stack.http('POST', '/v1/auth/login', {
      subdomain: t.subdomain,
      email: `agent-${t.tag}@example.test`,
      password: FIXTURE_PASSWORD,
    });
    const asAgent = { authorization: `Bearer ${agent.body.token as string}` };
    expect((await api('POST', `/v1/erasure-requests/${requestId}/extension`, { reason }, asAgent)).status).toBe(403);
    const other = await signUpAndSignIn(stack, 'clockb');
    expect((await api('POST', `/v1/erasure-requests/${requestId}/extension`, { reason }, other.auth)).status).toBe(404);

    // Overdue: open past its due date; the finished one is not.
    await stack.sql`update erasure_requests set due_at = now() - interval '1 day' where id = ${requestId}`;
    const overdue = await api('GET', '/v1/erasure-requests?overdue=true');
    expect(overdue.body.requests.map((r: { id: string }) => r.id)).toEqual([requestId]);

    // The hourly clock reminds the owner: overdue now, and a second request falling due within the week.
    const [soon] = await stack.sql<{ id: string }[]>`
      insert into erasure_requests (account_id, kind, subject_id, requested_by, due_at)
      values (${t.id}, 'registration', ${await contact(`sam-${t.tag}@example.test`)}, 'user:test',
              now() + interval '3 days') returning id`;
    for (let run = 0; run < 2; run++) {
      await stack.temporal.client.workflow.execute(requestClockWorkflow, {
        taskQueue: TASK_QUEUE,
        workflowId: `request-clock-test-${t.tag}-${run}`,
        args: [{}],
      });
    }
    const reminders = await waitForMails(t.email, 2);
    const subjects = reminders.map((m) => m.subject).sort();
    expect(subjects[0]).toContain('is due on');
    expect(subjects[1]).toContain('is overdue');
    // Two runs, two reminders: one per request and kind.
    const [queued] = await stack.sql<{ n: number }[]>`
      select count(*)::int as n from notification_outbox
      where account_id = ${t.id} and kind in ('request_overdue', 'request_due_soon')`;
    expect(queued?.n).toBe(2);
    expect(soon?.id).toBeDefined();

    // The waiting request finally runs: the person is erased, and the extension's reason (staff's words) goes too.
    await stack.temporal.client.workflow.execute(erasureWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: erasureWorkflowId(t.id, requestId),
      args: [{ accountId: t.id, requestId, kind: 'erasure' }],
    });
    const finished = await api('GET', `/v1/erasure-requests/${requestId}`);
    expect(finished.body).toMatchObject({ status: 'completed', extendedAt: expect.any(String) });
    expect(finished.body.extensionReason).toBeUndefined();
  });

  it('records a refusal as manifestly unfounded or excessive, with its reason, and tells the person', async () => {
    const t = await signUpAndSignIn(stack, 'refuse');
    const email = `vex-${t.tag}@example.test`;
    const id = (await stack.http('POST', '/v1/contacts', { email, name: 'Vex' }, t.auth)).body.id as string;
    const reason = 'The fortieth identical request this week';
    const refused = await stack.http('POST', `/v1/contacts/${id}/erasure-refusal`, { reason }, t.auth);
    expect(refused.status).toBe(201);
    const request = await stack.http(
      'GET',
      `/v1/erasure-requests/${refused.body.requestId as string}`,
      undefined,
      t.auth,
    );
    expect(request.body).toMatchObject({ kind: 'erasure', status: 'refused', refusalReason: reason });
    // Nothing was erased.
    expect((await stack.http('GET', `/v1/contacts/${id}`, undefined, t.auth)).status).toBe(200);
    const [mail] = await waitForMails(email, 1);
    expect(mail?.subject).toContain('was refused');
    expect(mail?.text).toContain(reason);
    expect(mail?.text).toContain('supervisory authority');
    // A later request of the same person is accepted as usual: a refusal is not an open request.
    expect((await stack.http('POST', `/v1/contacts/${id}/erasure`, {}, t.auth)).status).toBe(202);
  });
});
