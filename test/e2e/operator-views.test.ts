import { randomBytes, randomUUID } from 'node:crypto';
import { startStack, until } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { FIXTURE_PASSWORD } from '../helpers/tenants';

/** What an operator sees of the accounts in Temporal (search attributes), with the design's default periods. */
describe('accounts as operators find them in Temporal', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** The workflow ids an operator's visibility query (the Temporal UI's search box) finds. */
  const find = (query: string) => async () => {
    const ids: string[] = [];
    for await (const w of stack.temporal.client.workflow.list({ query })) ids.push(w.workflowId);
    return ids;
  };

  it('publishes NextTransitionAt: the trial’s end while in trial, nothing once active', async () => {
    const tag = randomBytes(4).toString('hex');
    const signup = await stack.http('POST', '/v1/accounts', {
      subdomain: `ops-${tag}`,
      name: 'Ops Co',
      owner: { email: `o-${tag}@example.test`, name: 'O', password: FIXTURE_PASSWORD },
    });
    const id = signup.body.account.id as string;
    const trialEndsAt = signup.body.account.deadlines.trialEndsAt as string;
    const workflowId = `account-${id}`;

    // A one-second window around the deadline, as an operator would ask: the dev server's SQLite visibility compares
    // datetimes as text and drops trailing zeros of the fraction (.100 is stored .1), so an exact bound can miss.
    const from = new Date(Date.parse(trialEndsAt) - 1_000).toISOString();
    const to = new Date(Date.parse(trialEndsAt) + 1_000).toISOString();
    const atTrialEnd = find(
      `WorkflowId = '${workflowId}' AND NextTransitionAt >= "${from}" AND NextTransitionAt <= "${to}" AND AccountState = 'trial'`,
    );
    expect(await until(atTrialEnd, (ids) => ids.length === 1)).toEqual([workflowId]);
    const described = await stack.temporal.client.workflow.getHandle(workflowId).describe();
    expect(described.searchAttributes.NextTransitionAt).toEqual([new Date(trialEndsAt)]);

    const raw = JSON.stringify({
      id: `evt_${randomUUID()}`,
      type: 'payment.succeeded',
      accountId: id,
      occurredAt: new Date().toISOString(),
      data: { invoiceId: 'inv_1' },
    });
    expect((await stack.billing(JSON.parse(raw))).status).toBe(200);
    const activeWithoutTimer = find(
      `WorkflowId = '${workflowId}' AND AccountState = 'active' AND AccountPlan = 'paid' AND NextTransitionAt IS NULL`,
    );
    expect(await until(activeWithoutTimer, (ids) => ids.length === 1)).toEqual([workflowId]);
  });
});
