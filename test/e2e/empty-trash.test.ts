import { randomBytes } from 'node:crypto';
import { EMPTY_TRASH_SCHEDULE_ID, ensureSchedules } from '../../src/temporal/schedules';
import { TASK_QUEUE } from '../../src/temporal/ids';
import { emptyTrashWorkflow } from '../../src/workflows';
import { startStack, until } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { FIXTURE_PASSWORD } from '../helpers/tenants';

describe('emptying the ticket trash', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** A fresh tenant with one trashed ticket. */
  async function tenantWithTrashedTicket() {
    const tag = randomBytes(4).toString('hex');
    await stack.http('POST', '/v1/accounts', {
      subdomain: `bin-${tag}`,
      name: 'Bin Co',
      owner: { email: `b-${tag}@example.test`, name: 'B', password: FIXTURE_PASSWORD },
    });
    const token = (
      await stack.http('POST', '/v1/auth/login', {
        subdomain: `bin-${tag}`,
        email: `b-${tag}@example.test`,
        password: FIXTURE_PASSWORD,
      })
    ).body.token as string;
    const auth = { authorization: `Bearer ${token}` };
    const contact = (await stack.http('POST', '/v1/contacts', { email: 'u@example.test', name: 'U' }, auth)).body
      .id as string;
    const ticket = (
      await stack.http('POST', '/v1/tickets', { contactId: contact, channel: 'email', subject: 's', body: 'b' }, auth)
    ).body.id as string;
    expect((await stack.http('DELETE', `/v1/tickets/${ticket}`, undefined, auth)).status).toBe(204);
    return { ticket };
  }

  it('deletes tickets trashed over 30 days ago, each with a receipt, and keeps younger trash', async () => {
    const tag = randomBytes(4).toString('hex');
    const signup = await stack.http('POST', '/v1/accounts', {
      subdomain: `trash-${tag}`,
      name: 'Trash Co',
      owner: { email: `o-${tag}@example.test`, name: 'O', password: FIXTURE_PASSWORD },
    });
    const accountId = signup.body.account.id as string;
    const token = (
      await stack.http('POST', '/v1/auth/login', {
        subdomain: `trash-${tag}`,
        email: `o-${tag}@example.test`,
        password: FIXTURE_PASSWORD,
      })
    ).body.token as string;
    const auth = { authorization: `Bearer ${token}` };
    const contact = (await stack.http('POST', '/v1/contacts', { email: 't@example.test', name: 'T' }, auth)).body
      .id as string;
    const ticket = async () =>
      (await stack.http('POST', '/v1/tickets', { contactId: contact, channel: 'email', subject: 's', body: 'b' }, auth))
        .body.id as string;
    const [old, young] = [await ticket(), await ticket()];
    await stack.http('DELETE', `/v1/tickets/${old}`, undefined, auth);
    await stack.http('DELETE', `/v1/tickets/${young}`, undefined, auth);
    await stack.sql`update tickets set trashed_at = now() - interval '31 days' where id = ${old}`;

    const deleted = await stack.temporal.client.workflow.execute(emptyTrashWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: `empty-trash-test-${tag}`,
      args: [{}],
    });
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await stack.sql`select id from tickets where id = ${old}`).toHaveLength(0);
    expect(await stack.sql`select id from tickets where id = ${young}`).toHaveLength(1);
    const [request] = await stack.sql`
      select account_id, status, requested_by, receipt->'counts' as counts from erasure_requests
      where subject_id = ${old}`;
    expect(request).toEqual({
      accountId,
      status: 'completed',
      requestedBy: 'system:trash',
      counts: { ticket: 1, ticket_messages: 1 },
    });
  });

  it('runs from one Temporal Schedule however many workers start at once, and the Schedule really fires', async () => {
    // Five workers starting together all ask for the schedule; exactly one exists afterwards.
    await Promise.all(Array.from({ length: 5 }, () => ensureSchedules(stack.temporal.client)));
    const schedules: string[] = [];
    for await (const s of stack.temporal.client.schedule.list()) schedules.push(s.scheduleId);
    expect(schedules.filter((id) => id === EMPTY_TRASH_SCHEDULE_ID)).toEqual([EMPTY_TRASH_SCHEDULE_ID]);
    const handle = stack.temporal.client.schedule.getHandle(EMPTY_TRASH_SCHEDULE_ID);
    const description = await handle.describe();
    expect(description.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'emptyTrashWorkflow',
      taskQueue: TASK_QUEUE,
    });
    expect(description.spec.intervals?.[0]?.every).toBe(3_600_000);

    // An expired ticket, then the Schedule fired now (as its hourly interval would): the ticket goes.
    const { ticket: expired } = await tenantWithTrashedTicket();
    await stack.sql`update tickets set trashed_at = now() - interval '31 days' where id = ${expired}`;
    const before = (await handle.describe()).info.recentActions.length;
    await handle.trigger();
    const fired = await until(
      () => handle.describe(),
      (d) => d.info.recentActions.length > before,
    );
    const run = fired.info.recentActions.at(-1)?.action;
    expect(run?.type).toBe('startWorkflow');
    const runHandle = stack.temporal.client.workflow.getHandle(
      run?.workflow.workflowId ?? '',
      run?.workflow.firstExecutionRunId,
    );
    await runHandle.result();
    expect((await runHandle.describe()).type).toBe('emptyTrashWorkflow');
    expect(await stack.sql`select id from tickets where id = ${expired}`).toHaveLength(0);
  });
});
