import type { Sql } from '../../src/db/client';
import { TASK_QUEUE } from '../../src/temporal/ids';
import { findIdentifiers } from '../../src/verify/forgotten';
import { emptyTrashWorkflow } from '../../src/workflows';
import { composeMail } from '../helpers/inbound-mail';
import { signUpAndSignIn, startStack, until } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

/** The tenant's whole model, count for count. */
async function modelOf(sql: Sql, accountId: string) {
  const [totals] = await sql<Record<string, string>[]>`
    select spam_docs, ham_docs, spam_tokens, ham_tokens, vocabulary from spam_model_totals where account_id = ${accountId}`;
  const tokens = await sql<{ token: string; spam: number; ham: number }[]>`
    select token, spam, ham from spam_token_counts where account_id = ${accountId} order by token`;
  return { totals, tokens };
}

describe('the spam filter forgets an erased person exactly (HTTP → erasure workflow → PostgreSQL)', () => {
  let stack: Stack;
  let tenant: Awaited<ReturnType<typeof signUpAndSignIn>>;
  let sent = 0;

  beforeAll(async () => {
    stack = await startStack();
    tenant = await signUpAndSignIn(stack, 'forget');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const api = (method: string, path: string, body?: unknown) => stack.http(method, path, body, tenant.auth);
  async function mail(from: string, subject: string, text: string, inReplyTo?: string) {
    const messageId = `<m${++sent}.${tenant.tag}@mail.example>`;
    const raw = await composeMail({ from, subject, text, messageId, ...(inReplyTo ? { inReplyTo } : {}) });
    const received = await stack.inbound(tenant.subdomain, raw);
    expect(received.status).toBe(201);
    return { ...(received.body as { ticketId: string; messageId: string }), id: messageId };
  }
  const mark = async (ticketId: string, verdict: 'spam' | 'not-spam') =>
    expect((await api('POST', `/v1/tickets/${ticketId}/${verdict}`)).status).toBe(200);
  const finished = (requestId: string) =>
    until(
      () => api('GET', `/v1/erasure-requests/${requestId}`),
      (r) => r.body?.status === 'completed',
    );

  it('erasing a person leaves the model equal, count for count, to one never trained on them', async () => {
    // Two other people, marked by agents: the model without Ana.
    const bea = await mail('Bea Brand <bea@example.test>', 'Delivery question', 'When does my order ship? Bea');
    const cid = await mail('cid@example.test', 'WIN BIG cash prize now', 'Claim your casino bonus today, click here');
    await mark(bea.ticketId, 'not-spam');
    await mark(cid.ticketId, 'spam');
    const withoutAna = await modelOf(stack.sql, tenant.id);

    // Ana writes twice, and once into Bea's conversation; agents judge all of it.
    const ana = 'ana.zlatkova@example.test';
    const own = await mail(`Ana Zlatkova <${ana}>`, 'Refund for Zlatkova order', 'Please refund me. Ana Zlatkova');
    const spammy = await mail(ana, 'Zlatkova crypto offer', 'Invest with Zlatkova capital, guaranteed returns');
    const reply = await mail(ana, 'Re: Delivery question', 'Same problem here, Zlatkova', bea.id);
    expect(reply.ticketId).toBe(bea.ticketId);
    await mark(own.ticketId, 'not-spam');
    await mark(spammy.ticketId, 'spam');
    await mark(bea.ticketId, 'not-spam');
    const withAna = await modelOf(stack.sql, tenant.id);
    expect(withAna).not.toEqual(withoutAna);
    expect(Number(withAna.totals?.hamDocs)).toBe(Number(withoutAna.totals?.hamDocs) + 2);

    const identifiers = [ana, 'Zlatkova'];
    const verify = () =>
      findIdentifiers({
        sql: stack.sql,
        identifiers,
        accountId: tenant.id,
        masterKey: stack.config.masterKey,
        temporal: stack.temporal.client,
      });
    // The verifier sees her in the model before (the hashed tokens of her name), so it can see a failure.
    const before = await verify();
    expect(before.filter((h) => h.where === 'spam-model').length).toBeGreaterThan(0);

    const [contact] = await stack.sql<{ contactId: string }[]>`
      select contact_id from tickets where id = ${own.ticketId}`;
    const requested = await api('POST', `/v1/contacts/${contact?.contactId ?? ''}/erasure`, { reference: 'DSR-7' });
    expect(requested.status).toBe(202);
    const done = await finished(requested.body.requestId as string);
    expect(done.body.status).toBe('completed');

    expect(await modelOf(stack.sql, tenant.id)).toEqual(withoutAna);
    expect(await verify()).toEqual([]);
    // Bea's conversation stays, without Ana's reply, still known to the model as Bea's.
    const beaTicket = await api('GET', `/v1/tickets/${bea.ticketId}`);
    expect(beaTicket.body.messages.map((m: { body: string }) => m.body)).toEqual(['When does my order ship? Bea']);
  });

  it('a ticket deleted forever, and spam left 30 days in the folder, are unlearned with their receipts', async () => {
    const before = await modelOf(stack.sql, tenant.id);
    const forever = await mail('dan@example.test', 'Cheap watches', 'Replica watches, best price, order now');
    await mark(forever.ticketId, 'spam');
    const deletion = await api('DELETE', `/v1/tickets/${forever.ticketId}?forever=true`);
    expect(deletion.status).toBe(202);
    await finished(deletion.body.requestId as string);
    expect(await modelOf(stack.sql, tenant.id)).toEqual(before);

    const junk = await mail('eve@example.test', 'Lottery winner', 'You won the lottery, send your bank details');
    await mark(junk.ticketId, 'spam');
    const young = await mail('fay@example.test', 'Lottery winner again', 'You won again, send details');
    await mark(young.ticketId, 'spam');
    expect(await modelOf(stack.sql, tenant.id)).not.toEqual(before);
    await stack.sql`update tickets set spam_at = now() - interval '31 days' where id = ${junk.ticketId}`;

    const deleted = await stack.temporal.client.workflow.execute(emptyTrashWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: `empty-spam-test-${tenant.tag}`,
      args: [{}],
    });
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await stack.sql`select id from tickets where id = ${junk.ticketId}`).toHaveLength(0);
    expect(await stack.sql`select id from tickets where id = ${young.ticketId}`).toHaveLength(1);
    const [request] = await stack.sql`
      select status, requested_by, receipt->'counts' as counts from erasure_requests where subject_id = ${junk.ticketId}`;
    expect(request).toEqual({
      status: 'completed',
      requestedBy: 'system:spam',
      counts: { ticket: 1, ticket_messages: 1 },
    });
    // What is left is the model of the young spam alone on top of what was there before.
    await api('POST', `/v1/tickets/${young.ticketId}/not-spam`);
    await stack.sql`delete from tickets where id = ${young.ticketId}`;
    expect(await modelOf(stack.sql, tenant.id)).toEqual(before);
  });
});
