import { randomBytes, randomUUID } from 'node:crypto';
import { formatDeadline, formatDeadlineShort } from '../../src/notifications/mail-templates';
import { waitForMails } from '../helpers/mailbox';
import { FIXTURE_PASSWORD } from '../helpers/tenants';
import { startStack, until } from '../helpers/stack';
import { settled } from '../helpers/temporal';
import type { Stack } from '../helpers/stack';
import { rowsOfAccount } from '../helpers/tenants';

// Periods of seconds (DESIGN §6 variables) so whole lifecycles run through HTTP, worker and dev server.
const PERIODS = {
  TRIAL_PERIOD: '3s',
  PAYMENT_GRACE_PERIOD: '3s',
  SUSPENSION_PERIOD: '3s',
  REMOVAL_PERIOD: '3s',
  BACKUP_RETENTION_PERIOD: '3s',
  REACTIVATION_WINDOW: '4s',
};

/** An ISO time to the second, as the mails print it. */
const isoSeconds = (iso: string) => iso.replace(/\.\d{3}Z$/, 'Z');

describe('account lifecycle end to end (HTTP → API → Temporal dev server → worker → PostgreSQL)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack(PERIODS);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function signup() {
    const tag = randomBytes(4).toString('hex');
    const subdomain = `e2e-${tag}`;
    const email = `owner-${tag}@example.test`;
    const res = await stack.http('POST', '/v1/accounts', {
      subdomain,
      name: `Tenant ${tag}`,
      owner: { email, name: `Owner ${tag}`, password: FIXTURE_PASSWORD },
    });
    expect(res.status).toBe(201);
    return {
      id: res.body.account.id as string,
      ownerId: res.body.ownerId as string,
      name: `Tenant ${tag}`,
      subdomain,
      email,
      view: res.body.account,
    };
  }

  const view = (id: string) => stack.http('GET', `/v1/accounts/${id}`, undefined, stack.operator);
  const stateOf = async (id: string) => (await view(id)).body?.state as string | undefined;
  const waitFor = (id: string, state: string) =>
    until(
      () => stateOf(id),
      (s) => s === state,
    );
  const login = (subdomain: string, email: string, password = FIXTURE_PASSWORD) =>
    stack.http('POST', '/v1/auth/login', { subdomain, email, password });
  const payment = (accountId: string, type: 'payment.succeeded' | 'payment.failed', id = `evt_${randomUUID()}`) =>
    stack.billing({
      id,
      type,
      accountId,
      occurredAt: new Date().toISOString(),
      data: { invoiceId: 'inv_1', amountCents: 4900, currency: 'EUR' },
    });

  it('runs trial → suspended → removed → deleted → purged with real effects at each step', async () => {
    const a = await signup();
    expect(a.view).toMatchObject({ state: 'trial', plan: 'trial', subdomain: a.subdomain });
    expect((await login(a.subdomain, a.email)).status).toBe(200);
    expect((await stack.http('GET', `/v1/tenants/${a.subdomain}`)).status).toBe(200);

    expect(await waitFor(a.id, 'suspended')).toBe('suspended');
    const suspended = (await view(a.id)).body;
    expect(suspended.suspendedReason).toBe('trial_expired');
    // The owner's mailbox: the trial reminder half-way through the short trial, then the suspension notice, each
    // naming the tenant and the exact deadline ahead.
    const [reminder, notice] = await waitForMails(a.email, 2);
    expect(reminder?.subject).toBe(
      `Your trial of ${a.name} ends on ${formatDeadlineShort(Date.parse(a.view.deadlines.trialEndsAt as string))}`,
    );
    expect(reminder?.text).toContain(`(${isoSeconds(a.view.deadlines.trialEndsAt as string)})`);
    expect(notice?.subject).toBe(`${a.name} is suspended`);
    expect(notice?.text).toContain(`removed on ${formatDeadline(Date.parse(suspended.deadlines.removalAt as string))}`);
    expect(notice?.to).toEqual([a.email]);
    await until(
      () => login(a.subdomain, a.email),
      (r) => r.status === 403,
    );
    expect((await login(a.subdomain, a.email)).body.code).toBe('ACCOUNT_SUSPENDED');

    expect(await waitFor(a.id, 'removed')).toBe('removed');
    const gone = await until(
      () => stack.http('GET', `/v1/tenants/${a.subdomain}`),
      (r) => r.status === 410,
    );
    expect(gone.body.code).toBe('TENANT_GONE');
    expect((await login(a.subdomain, a.email)).body.code).toBe('ACCOUNT_REMOVED');

    expect(await waitFor(a.id, 'deleted')).toBe('deleted');
    const rows = await until(
      () => rowsOfAccount(stack.sql, a.id),
      (r) => r.users === 0,
    );
    expect(rows.users).toBe(0);
    expect(rows.account_backups).toBe(1);

    const purged = await until(
      () => view(a.id),
      (r) => r.status === 404,
    );
    expect(purged.status).toBe(404);
    const left = await until(
      () => rowsOfAccount(stack.sql, a.id),
      (r) => r.accounts === 0,
    );
    expect(
      Object.entries(left)
        .filter(([, n]) => n > 0)
        .map(([t]) => t)
        .sort(),
    ).toEqual(['audit_log', 'purged_accounts']);
  });

  it('follows billing: payment → active, replay is a duplicate, failure → grace → suspended, chat reactivation, payment', async () => {
    const a = await signup();
    const first = await payment(a.id, 'payment.succeeded', `evt_${a.id}_1`);
    expect(first).toEqual({ status: 200, body: { received: true, duplicate: false } });
    expect(await waitFor(a.id, 'active')).toBe('active');
    const replay = await payment(a.id, 'payment.succeeded', `evt_${a.id}_1`);
    expect(replay).toEqual({ status: 200, body: { received: true, duplicate: true } });

    expect((await payment(a.id, 'payment.failed')).status).toBe(200);
    expect(await waitFor(a.id, 'past_due')).toBe('past_due');
    expect((await login(a.subdomain, a.email)).status).toBe(200);
    expect(await waitFor(a.id, 'suspended')).toBe('suspended');
    expect((await view(a.id)).body.suspendedReason).toBe('payment_failed');

    const reactivated = await stack.http(
      'POST',
      `/v1/support/accounts/${a.id}/reactivate`,
      { channel: 'chat', reference: 'CHAT-1' },
      stack.operator,
    );
    expect(reactivated.status).toBe(200);
    expect(reactivated.body.state).toBe('past_due');
    expect((await login(a.subdomain, a.email)).status).toBe(200);

    expect((await payment(a.id, 'payment.succeeded')).status).toBe(200);
    expect(await waitFor(a.id, 'active')).toBe('active');
    const causes = (await view(a.id)).body.transitions.map((t: { cause: string }) => t.cause);
    expect(causes).toEqual([
      'payment_succeeded',
      'payment_failed',
      'grace_expired',
      'reactivated_chat',
      'payment_succeeded',
    ]);
    const [audit] =
      await stack.sql`select count(*)::int as n from audit_log where account_id = ${a.id} and action = 'support.reactivated_chat' and reference = 'CHAT-1'`;
    expect(audit?.n).toBe(1);
  });

  it('delivers a billing event whose earlier delivery failed to signal, and only then calls its replays duplicates', async () => {
    const a = await signup();
    const id = `evt_${randomUUID()}`;
    // What an outage leaves: the event arrived, its signal failed (503), nothing reached the account.
    await stack.sql`insert into billing_events (id, account_id, type) values (${id}, ${a.id}, 'payment.succeeded')`;
    const retried = await payment(a.id, 'payment.succeeded', id);
    expect(retried).toMatchObject({ status: 200, body: { received: true, duplicate: false } });
    expect(await waitFor(a.id, 'active')).toBe('active');
    expect((await payment(a.id, 'payment.succeeded', id)).body).toEqual({ received: true, duplicate: true });
    const [row] = await stack.sql`select delivered_at is not null as delivered from billing_events where id = ${id}`;
    expect(row).toEqual({ delivered: true });
  });

  it('applies payment events in the order they happened: a stale failure cannot undo a newer payment', async () => {
    const a = await signup();
    const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
    const send = (type: string, occurredAt: string, id = `evt_${randomUUID()}`) =>
      stack.billing({ id, type, accountId: a.id, occurredAt, data: { invoiceId: 'inv_9' } });
    expect((await send('payment.succeeded', at(0))).status).toBe(200);
    await waitFor(a.id, 'active');
    // Delivered late: this failure happened an hour before the payment that was applied.
    const staleId = `evt_${randomUUID()}`;
    expect((await send('payment.failed', at(-3_600_000), staleId)).body).toEqual({ received: true, duplicate: false });
    await settled(stack.temporal.client.workflow.getHandle(`account-${a.id}`));
    const view = (await stack.http('GET', `/v1/accounts/${a.id}`, undefined, stack.operator)).body;
    expect(view.state).toBe('active');
    expect(view.transitions.map((x: { to: string }) => x.to)).toEqual(['active']);
    // Recorded all the same: its redelivery is a duplicate.
    expect((await send('payment.failed', at(-3_600_000), staleId)).body).toEqual({ received: true, duplicate: true });
  });

  it('reactivates a removed account by email: configuration and subdomain come back', async () => {
    const a = await signup();
    expect(await waitFor(a.id, 'removed')).toBe('removed');
    const res = await stack.http(
      'POST',
      `/v1/support/accounts/${a.id}/reactivate`,
      { channel: 'email', reference: 'MAIL-77' },
      stack.operator,
    );
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('trial');
    expect((await stack.http('GET', `/v1/tenants/${a.subdomain}`)).status).toBe(200);
    expect((await login(a.subdomain, a.email)).status).toBe(200);
    // Support deletes only when the account is named twice, by id and by subdomain; a refusal says why.
    const supportDeletion = (body: Record<string, string>) =>
      stack.http(
        'POST',
        `/v1/support/accounts/${a.id}/deletion`,
        { channel: 'email', reference: 'MAIL-78', ...body },
        stack.operator,
      );
    expect((await supportDeletion({})).body.code).toBe('VALIDATION_FAILED');
    expect((await supportDeletion({ confirm: `${a.subdomain}x` })).body.code).toBe('CONFIRMATION_MISMATCH');
    expect(await stateOf(a.id)).toBe('trial');
    expect(await supportDeletion({ confirm: a.subdomain })).toMatchObject({ status: 202, body: { state: 'deleting' } });
    const again = await supportDeletion({ confirm: a.subdomain });
    expect(again).toMatchObject({ status: 409, body: { code: 'INVALID_TRANSITION', reason: expect.any(String) } });
    expect(['DELETION_IN_PROGRESS', 'ACCOUNT_DELETED']).toContain(again.body.reason);
    expect(['deleting', 'deleted', 'purged']).toContain(again.body.state);
    expect(again.body.allowed).toEqual([]);
  });

  it('deletes at the owner’s request after password re-check and confirmation, refusing bad attempts unchanged', async () => {
    const a = await signup();
    const session = (await login(a.subdomain, a.email)).body.token as string;
    const auth = { authorization: `Bearer ${session}` };
    const path = `/v1/accounts/${a.id}/deletion`;

    expect((await stack.http('POST', path, { confirm: 'not-it', password: FIXTURE_PASSWORD }, auth)).body.code).toBe(
      'CONFIRMATION_MISMATCH',
    );
    expect((await stack.http('POST', path, { confirm: a.subdomain, password: 'wrong password!!' }, auth)).status).toBe(
      401,
    );
    expect((await stack.http('POST', path, { confirm: a.subdomain, password: FIXTURE_PASSWORD })).status).toBe(401);
    expect(await stateOf(a.id)).toBe('trial');

    const res = await stack.http('POST', path, { confirm: a.subdomain, password: FIXTURE_PASSWORD }, auth);
    expect(res.status).toBe(202);
    expect(res.body.state).toBe('deleting');
    expect(await waitFor(a.id, 'deleted')).toBe('deleted');
    // Owner deletion wins: a later payment or reactivation does not bring the account back.
    await payment(a.id, 'payment.succeeded');
    const late = await stack.http(
      'POST',
      `/v1/support/accounts/${a.id}/reactivate`,
      { channel: 'chat', reference: 'C-9' },
      stack.operator,
    );
    expect(late).toMatchObject({
      status: 409,
      body: { code: 'INVALID_TRANSITION', reason: 'ACCOUNT_DELETED', state: 'deleted', allowed: [] },
    });
  });

  it('answers bad input with the right status and changes nothing', async () => {
    const a = await signup();
    const before = await rowsOfAccount(stack.sql, a.id);

    const invalid = await stack.http('POST', '/v1/accounts', {
      subdomain: 'Bad_Sub',
      name: '',
      owner: { email: 'x', name: 'n', password: 'short' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'name',
      'owner.email',
      'owner.password',
      'subdomain',
    ]);
    const taken = await stack.http('POST', '/v1/accounts', {
      subdomain: a.subdomain,
      name: 'x',
      owner: { email: 'o@example.test', name: 'o', password: FIXTURE_PASSWORD },
    });
    expect(taken).toMatchObject({ status: 409, body: { code: 'SUBDOMAIN_TAKEN' } });
    expect((await stack.http('POST', '/v1/accounts', '{"subdomain":')).body.code).toBe('MALFORMED_JSON');

    const event = {
      id: `evt_${randomUUID()}`,
      type: 'payment.succeeded',
      accountId: a.id,
      occurredAt: new Date().toISOString(),
      data: { invoiceId: 'i' },
    };
    expect((await stack.billing(event, { secret: 'x'.repeat(40) })).body.code).toBe('SIGNATURE_INVALID');
    expect((await stack.billing(event, { at: Math.floor(Date.now() / 1000) - 301 })).status).toBe(401);
    expect((await stack.http('POST', '/v1/billing/events', JSON.stringify(event))).status).toBe(401);
    expect((await stack.billing({ ...event, type: 'payment.refunded' })).status).toBe(400);
    expect((await stack.billing({ ...event, accountId: randomUUID() })).status).toBe(404);
    const [seen] = await stack.sql`select count(*)::int as n from billing_events where id = ${event.id}`;
    expect(seen?.n).toBe(0);

    expect(
      (await stack.http('POST', `/v1/support/accounts/${a.id}/reactivate`, { channel: 'chat', reference: 'R-1' }))
        .status,
    ).toBe(401);
    expect(
      (
        await stack.http(
          'POST',
          `/v1/support/accounts/${a.id}/reactivate`,
          { channel: 'phone', reference: 'R-1' },
          stack.operator,
        )
      ).status,
    ).toBe(400);
    const notSuspended = await stack.http(
      'POST',
      `/v1/support/accounts/${a.id}/reactivate`,
      { channel: 'chat', reference: 'R-1' },
      stack.operator,
    );
    expect(notSuspended).toMatchObject({
      status: 409,
      body: {
        code: 'INVALID_TRANSITION',
        reason: 'NOT_SUSPENDED',
        state: 'trial',
        allowed: ['deletion'],
        detail: 'The account is trial: it allows deletion',
      },
    });
    expect((await stack.http('GET', `/v1/accounts/${randomUUID()}`, undefined, stack.operator)).status).toBe(404);
    expect((await stack.http('GET', `/v1/accounts/not-a-uuid`, undefined, stack.operator)).status).toBe(400);
    expect((await login(a.subdomain, a.email, 'wrong password!!')).body.code).toBe('INVALID_CREDENTIALS');
    expect((await login('no-such-tenant', a.email)).body.code).toBe('INVALID_CREDENTIALS');

    // Only the trail of what was refused grows: the audit log and the failed-login counter.
    expect(await rowsOfAccount(stack.sql, a.id)).toMatchObject({
      ...before,
      audit_log: expect.any(Number),
      login_throttles: 1,
    });
    expect(await stateOf(a.id)).toBe('trial');
  });

  it('lists accounts by state from Temporal visibility for operators', async () => {
    const a = await signup();
    const listed = await until(
      () => stack.http('GET', '/v1/admin/accounts?state=trial&limit=1000', undefined, stack.operator),
      (r) => r.body?.accounts?.some((x: { accountId: string }) => x.accountId === a.id),
      15_000,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.accounts.find((x: { accountId: string }) => x.accountId === a.id)).toMatchObject({
      state: 'trial',
      plan: 'trial',
    });
    expect((await stack.http('GET', '/v1/admin/accounts?state=bogus', undefined, stack.operator)).status).toBe(400);
    expect((await stack.http('GET', '/v1/admin/accounts')).status).toBe(401);
  });
});
