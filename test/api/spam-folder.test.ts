import { ownerToken, useAppWithFreshTenant } from '../helpers/app';
import type { TestApp } from '../helpers/app';
import { call } from '../helpers/http';
import { composeMail, inboundHeaders } from '../helpers/inbound-mail';
import { FIXTURE_PASSWORD, seedTenant } from '../helpers/tenants';
import type { SeededTenant } from '../helpers/tenants';

/** Unmistakable spam, in the corpus's own idiom. */
const SPAM = {
  subject: 'FREE!!! Lose weight fast - 100% GUARANTEED - limited offer',
  text:
    'Dear friend, CLICK HERE http://cheap-pills.example.biz/order to get your FREE bonus! ' +
    'Earn $$$ from home, no risk, money back guarantee. Unsubscribe: remove me from this mailing list. ' +
    'Order now!!! Viagra, cheap meds, casino, credit card, act now, this offer expires today.',
};
const HAM = {
  subject: 'Question about my invoice from last week',
  text: 'Hello, I think the invoice you sent on Tuesday has the wrong VAT number. Could you check it? Thanks, Vera',
};

describe('the spam folder and a filter that learns from agents', () => {
  let t: TestApp;
  let tenant: SeededTenant;
  let token: string;
  let sent = 0;

  useAppWithFreshTenant(
    (app) => (t = app),
    async (seeded) => {
      tenant = seeded;
      token = await ownerToken(t, tenant);
    },
  );

  async function deliver(content: { subject: string; text: string }, from = 'sender@example.test') {
    const raw = await composeMail({ from, ...content, messageId: `<m${++sent}-${Date.now()}@mail.example>` });
    const res = await t.app.request(`/v1/inbound/email?subdomain=${tenant.subdomain}`, {
      method: 'POST',
      headers: inboundHeaders(raw),
      body: raw,
    });
    return (await res.json()) as { ticketId: string; spam: boolean };
  }
  const list = async (query = '') =>
    (await call(t, `/v1/tickets${query}`, { token })).body.tickets as { id: string; status: string }[];
  const model = async () => {
    const [row] = await t.deps.sql<Record<string, string>[]>`
      select spam_docs, ham_docs, spam_tokens, ham_tokens from spam_model_totals where account_id = ${tenant.accountId}`;
    return row ?? { spamDocs: '0', hamDocs: '0', spamTokens: '0', hamTokens: '0' };
  };

  it('files obvious spam in the spam folder and a real question in the queue', async () => {
    const spam = await deliver(SPAM);
    const ham = await deliver(HAM);
    expect([spam.spam, ham.spam]).toEqual([true, false]);
    expect((await list()).map((x) => x.id)).toEqual([ham.ticketId]);
    expect((await list('?status=spam')).map((x) => x.id)).toEqual([spam.ticketId]);
    const ticket = (await call(t, `/v1/tickets/${spam.ticketId}`, { token })).body;
    expect(ticket.status).toBe('spam');
    expect(ticket.spamProbability).toBeGreaterThan(0.9);
  });

  it('screens public chats on arrival too', async () => {
    const chat = await call(t, '/v1/chats', {
      body: {
        subdomain: tenant.subdomain,
        name: 'Bot',
        email: 'bot@example.test',
        message: `${SPAM.subject} ${SPAM.text}`,
        consent: { granted: true, noticeVersion: '2026-01' },
      },
    });
    expect(chat.status).toBe(201);
    expect((await list('?status=spam')).map((x) => x.id)).toEqual([chat.body.ticketId]);
  });

  it('learns from "spam" and "not spam", moving the counts exactly when an agent changes their mind', async () => {
    const { ticketId } = await deliver(HAM);
    expect(await model()).toEqual({ spamDocs: '0', hamDocs: '0', spamTokens: '0', hamTokens: '0' });
    const marked = await call(t, `/v1/tickets/${ticketId}/spam`, { token, method: 'POST' });
    expect(marked).toMatchObject({ status: 200, body: { id: ticketId, status: 'spam' } });
    const asSpam = await model();
    expect(Number(asSpam.spamDocs)).toBe(1);
    expect(Number(asSpam.spamTokens)).toBeGreaterThan(5);
    expect((await list('?status=spam')).map((x) => x.id)).toEqual([ticketId]);
    // Again: nothing more is learned.
    await call(t, `/v1/tickets/${ticketId}/spam`, { token, method: 'POST' });
    expect(await model()).toEqual(asSpam);

    const unmarked = await call(t, `/v1/tickets/${ticketId}/not-spam`, { token, method: 'POST' });
    expect(unmarked.body.status).toBe('open');
    expect(await model()).toEqual({
      spamDocs: '0',
      hamDocs: '1',
      spamTokens: '0',
      hamTokens: asSpam.spamTokens,
    });
    expect((await list()).map((x) => x.id)).toEqual([ticketId]);
    const audit = await t.deps.sql<{ action: string }[]>`
      select action from audit_log where account_id = ${tenant.accountId} and target_id = ${ticketId} order by id`;
    expect(audit.map((a) => a.action)).toEqual(['ticket.marked_spam', 'ticket.marked_spam', 'ticket.marked_not_spam']);
  });

  it('keeps learning: what agents keep marking as spam is filed as spam next time', async () => {
    // Plausible mail the shipped model lets through, which this tenant's agents know to be a scam.
    const scam = {
      subject: 'Your parcel is waiting at the depot',
      text: 'Your parcel could not be delivered. Pay the customs fee of 2 EUR at parcel-depot-release today.',
    };
    const first = await deliver(scam);
    expect(first.spam).toBe(false);
    let caught = false;
    let marks = 0;
    let previous = (await call(t, `/v1/tickets/${first.ticketId}`, { token })).body.spamProbability as number;
    let ticketId = first.ticketId;
    while (!caught && marks < 10) {
      await call(t, `/v1/tickets/${ticketId}/spam`, { token, method: 'POST' });
      marks++;
      const next = await deliver(scam, `scammer${marks}@example.test`);
      const probability = (await call(t, `/v1/tickets/${next.ticketId}`, { token })).body.spamProbability as number;
      expect(probability).toBeGreaterThanOrEqual(previous);
      previous = probability;
      caught = next.spam;
      ticketId = next.ticketId;
    }
    expect(caught).toBe(true);
    // And the real question still reaches the agents.
    expect((await deliver(HAM)).spam).toBe(false);
  });

  it('lets agents mark, keeps other tenants out, and refuses trashed or unknown tickets', async () => {
    const { ticketId } = await deliver(HAM);
    const other = await seedTenant(t.deps.sql, { agents: 0, sessionsPerUser: 0 });
    const otherToken = (
      await call(t, '/v1/auth/login', {
        body: { subdomain: other.subdomain, email: other.ownerEmail, password: FIXTURE_PASSWORD },
      })
    ).body.token as string;
    expect((await call(t, `/v1/tickets/${ticketId}/spam`, { token: otherToken, method: 'POST' })).status).toBe(404);
    expect((await call(t, '/v1/tickets?status=open', { token: otherToken })).body.tickets).toEqual([]);
    expect(await model()).toEqual({ spamDocs: '0', hamDocs: '0', spamTokens: '0', hamTokens: '0' });

    await call(t, '/v1/agents', {
      token,
      body: { email: 'agent@example.test', name: 'Agent', role: 'agent', password: FIXTURE_PASSWORD },
    });
    const agentToken = (
      await call(t, '/v1/auth/login', {
        body: { subdomain: tenant.subdomain, email: 'agent@example.test', password: FIXTURE_PASSWORD },
      })
    ).body.token as string;
    expect((await call(t, `/v1/tickets/${ticketId}/spam`, { token: agentToken, method: 'POST' })).status).toBe(200);
    expect((await call(t, `/v1/tickets/${ticketId}/spam`, { method: 'POST' })).status).toBe(401);

    expect((await call(t, `/v1/tickets/${ticketId}`, { token, method: 'DELETE' })).status).toBe(204);
    expect((await call(t, `/v1/tickets/${ticketId}/not-spam`, { token, method: 'POST' })).status).toBe(404);
    expect(
      (await call(t, `/v1/tickets/00000000-0000-4000-8000-000000000000/spam`, { token, method: 'POST' })).status,
    ).toBe(404);
    expect((await call(t, '/v1/tickets?status=junk', { token })).status).toBe(400);
    expect((await call(t, '/v1/tickets?limit=1e2', { token })).status).toBe(400);
  });

  it('learns from tickets staff entered before the filter saw them (features made on the first verdict)', async () => {
    const contactId = (await call(t, '/v1/contacts', { token, body: { email: 'p@example.test', name: 'P' } })).body
      .id as string;
    const ticketId = (
      await call(t, '/v1/tickets', {
        token,
        body: { contactId, channel: 'phone', subject: 'Call', body: 'Called in.' },
      })
    ).body.id as string;
    expect((await call(t, `/v1/tickets/${ticketId}`, { token })).body.spamProbability).toBeNull();
    await call(t, `/v1/tickets/${ticketId}/not-spam`, { token, method: 'POST' });
    expect(Number((await model()).hamDocs)).toBe(1);
  });

  it('stays exact under 50 concurrent verdicts on the same tickets', async () => {
    const tickets = [(await deliver(HAM)).ticketId, (await deliver(SPAM)).ticketId];
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(t, `/v1/tickets/${tickets[i % 2] ?? ''}/${i % 3 === 0 ? 'spam' : 'not-spam'}`, { token, method: 'POST' }),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // Whatever order they ran in, the model is the sum of the labels the features ended with.
    const [expected] = await t.deps.sql<Record<string, string>[]>`
      select count(*) filter (where label = 'spam') as spam_docs, count(*) filter (where label = 'ham') as ham_docs,
             coalesce(sum(n) filter (where label = 'spam'), 0) as spam_tokens,
             coalesce(sum(n) filter (where label = 'ham'), 0) as ham_tokens
      from (select label, (select sum(c) from unnest(counts) c) as n from spam_features
            where account_id = ${tenant.accountId}) f`;
    expect(await model()).toEqual(expected);
  });
});
