import { randomBytes } from 'node:crypto';
import { EMPTY_TRASH_SCHEDULE_ID, ensureSchedules } from '../../src/temporal/schedules';
import { TASK_QUEUE } from '../../src/temporal/ids';
import { emptyTrashWorkflow } from '../../src/workflows';
import { startStack } from '../helpers/stack';
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
      select status, requested_by, receipt is not null as has_receipt from erasure_requests where subject_id = ${old}`;
    expect(request).toEqual({ status: 'completed', requestedBy: 'system:trash', hasReceipt: true });
    expect(accountId).toBeDefined();
  });

  it('runs from a Temporal Schedule created once, whatever the number of workers', async () => {
    await ensureSchedules(stack.temporal.client);
    await ensureSchedules(stack.temporal.client);
    const description = await stack.temporal.client.schedule.getHandle(EMPTY_TRASH_SCHEDULE_ID).describe();
    expect(description.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'emptyTrashWorkflow',
      taskQueue: TASK_QUEUE,
    });
    expect(description.spec.intervals?.[0]?.every).toBe(3_600_000);
  });
});
