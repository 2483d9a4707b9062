import { CancelledFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createErasureActivities } from '../../src/activities/erasure-activities';
import { StatementDeadlineError } from '../../src/db/client';
import { erasurePlan } from '../../src/domain/erasure-plan';
import type { ErasureStep } from '../../src/domain/erasure-plan';
import { receiptPublicKeyPem, verifyReceipt } from '../../src/security/receipts';
import type { ErasureReceipt } from '../../src/security/receipts';
import { testConfig } from '../helpers/config';
import { testSql, truncateAll } from '../helpers/db';
import { databaseDigest, seedTenant, TEST_MASTER_KEY } from '../helpers/tenants';

describe('erasure activities', () => {
  const sql = testSql();
  const policy = testConfig().lifecycle;
  const activities = createErasureActivities({
    sql,
    masterKey: TEST_MASTER_KEY,
    policy,
    batchSize: 50,
    heartbeatEveryMs: 0,
  });
  afterAll(() => sql.end());

  /** A tenant with one subject owning `tickets` tickets of `perTicket` messages (every 5th with an attachment). */
  async function subjectWithTickets(tickets: number, perTicket: number) {
    const t = await seedTenant(sql, { agents: 0, sessionsPerUser: 0 });
    const [contact] = await sql<{ id: string }[]>`
      insert into contacts (account_id, email, name, phone) values (${t.accountId}, 'subject@example.test', 'Sub Ject', '+1 555 0100')
      returning id`;
    await sql`insert into tickets (account_id, contact_id, channel, subject)
              select ${t.accountId}, ${contact!.id}, 'email', 'ticket ' || g from generate_series(1, ${tickets}) g`;
    await sql`insert into messages (account_id, ticket_id, author_kind, author_contact_id, body)
              select t.account_id, t.id, 'contact', t.contact_id, 'message ' || g
              from tickets t, generate_series(1, ${perTicket}) g where t.contact_id = ${contact!.id}`;
    await sql`insert into attachments (account_id, message_id, filename, content_type, size, bytes)
              select account_id, id, 'a.txt', 'text/plain', 4, '\\x61626364'::bytea from messages
              where author_contact_id = ${contact!.id} and (substring(body from 9)::int % 5) = 0`;
    await sql`insert into consents (account_id, contact_id, purpose, notice_version, granted) values (${t.accountId}, ${contact!.id}, 'chat', 'v1', true)`;
    const [request] = await sql<{ id: string }[]>`
      insert into erasure_requests (account_id, kind, subject_id, requested_by) values (${t.accountId}, 'erasure', ${contact!.id}, 'test')
      returning id`;
    return { accountId: t.accountId, contactId: contact!.id, requestId: request!.id };
  }

  const runStep = (
    ref: { accountId: string; requestId: string },
    step: ErasureStep,
    env = new MockActivityEnvironment(),
  ): Promise<number> => env.run(activities.runErasureStep, { ...ref, step });

  it('resumes an interrupted cascade to exactly the counts and end state of an uninterrupted one', async () => {
    await truncateAll(sql);
    const interrupted = await subjectWithTickets(30, 10);
    const straight = await subjectWithTickets(30, 10);
    const bystander = await subjectWithTickets(5, 3);
    const bystanderRows = async () =>
      sql`select (select count(*) from messages where account_id = ${bystander.accountId})::int as m,
                 (select count(*) from tickets where account_id = ${bystander.accountId})::int as t`;
    const before = await bystanderRows();

    for (const ref of [interrupted, straight]) await activities.startErasure(ref);
    const progressOf = async (step: ErasureStep) =>
      (
        await sql<{ n: number }[]>`
        select coalesce((progress->>${step})::int, 0) as n from erasure_requests where id = ${interrupted.requestId}`
      )[0]?.n;
    // Cancel every step of the first cascade at its second batch, then run it again.
    const interruptedSteps: ErasureStep[] = [];
    for (const step of erasurePlan('erasure')) {
      const env = new MockActivityEnvironment();
      let batches = 0;
      env.on('heartbeat', () => {
        if (++batches === 2) env.cancel();
      });
      const outcome = await runStep(interrupted, step, env).then(
        () => 'finished',
        (error: unknown) => error,
      );
      if (outcome !== 'finished') {
        // Stopped between batches, after the second (50 rows, then 50 or the last 10), by the cancellation.
        expect(outcome).toBeInstanceOf(CancelledFailure);
        expect(await progressOf(step)).toBe(step === 'contact_attachments' ? 60 : 100);
        interruptedSteps.push(step);
      }
      await runStep(interrupted, step);
      await runStep(straight, step);
    }
    // The steps with more than two batches of rows (300 messages, 60 attachments) were really interrupted.
    expect(interruptedSteps).toEqual(['contact_attachments', 'contact_messages']);
    await activities.completeErasure(interrupted);
    await activities.completeErasure(straight);

    const receipts = await sql<{ receipt: ErasureReceipt; signature: string }[]>`
      select receipt, signature from erasure_requests where id in ${sql([interrupted.requestId, straight.requestId])} order by requested_at`;
    expect(receipts[0]!.receipt.counts).toEqual(receipts[1]!.receipt.counts);
    expect(receipts[0]!.receipt.counts).toMatchObject({
      contact_tickets: 30,
      contact_messages: 300,
      contact: 1,
      contact_consents: 1,
    });
    const pem = receiptPublicKeyPem(TEST_MASTER_KEY);
    for (const r of receipts) expect(verifyReceipt(pem, r.receipt, r.signature)).toBe(true);
    for (const ref of [interrupted, straight]) {
      const [left] = await sql`
        select (select count(*) from contacts where id = ${ref.contactId})::int + (select count(*) from tickets where contact_id = ${ref.contactId})::int
             + (select count(*) from messages where account_id = ${ref.accountId})::int + (select count(*) from attachments where account_id = ${ref.accountId})::int as n`;
      expect(left?.n).toBe(0);
    }
    expect(await bystanderRows()).toEqual(before);
  });

  it('changes nothing when a finished step or the completion runs again', async () => {
    await truncateAll(sql);
    const ref = await subjectWithTickets(3, 2);
    await activities.startErasure(ref);
    for (const step of erasurePlan('erasure')) await runStep(ref, step);
    await activities.completeErasure(ref);
    const digest = await databaseDigest(sql);
    await activities.startErasure(ref);
    for (const step of erasurePlan('erasure')) await runStep(ref, step);
    await activities.completeErasure(ref);
    expect(await databaseDigest(sql)).toEqual(digest);
  });

  it("erases every message on the person's tickets and the person's messages on others' tickets, batch after batch", async () => {
    await truncateAll(sql);
    const small = createErasureActivities({
      sql,
      masterKey: TEST_MASTER_KEY,
      policy,
      batchSize: 2,
      heartbeatEveryMs: 0,
    });
    const t = await seedTenant(sql, { agents: 0, sessionsPerUser: 0 });
    const [person, other] = await sql<{ id: string }[]>`
      insert into contacts (account_id, email, name) values
        (${t.accountId}, 'person@example.test', 'Per Son'), (${t.accountId}, 'other@example.test', 'Oth Er')
      returning id`;
    const [own, foreign] = await sql<{ id: string }[]>`
      insert into tickets (account_id, contact_id, channel, subject) values
        (${t.accountId}, ${person!.id}, 'email', 'own'), (${t.accountId}, ${other!.id}, 'email', 'foreign')
      returning id`;
    // On the person's ticket: the person twice, the other contact, an agent; on the other's ticket: the person
    // twice and the other contact (who keeps that message).
    await sql`insert into messages (account_id, ticket_id, author_kind, author_contact_id, body) values
      (${t.accountId}, ${own!.id}, 'contact', ${person!.id}, 'p1'), (${t.accountId}, ${own!.id}, 'contact', ${person!.id}, 'p2'),
      (${t.accountId}, ${own!.id}, 'contact', ${other!.id}, 'o1'), (${t.accountId}, ${own!.id}, 'agent', null, 'a1'),
      (${t.accountId}, ${foreign!.id}, 'contact', ${person!.id}, 'p3'), (${t.accountId}, ${foreign!.id}, 'contact', ${person!.id}, 'p4'),
      (${t.accountId}, ${foreign!.id}, 'contact', ${other!.id}, 'kept')`;
    await sql`insert into attachments (account_id, message_id, filename, content_type, size, bytes)
              select account_id, id, 'a.txt', 'text/plain', 1, '\\x61'::bytea from messages where account_id = ${t.accountId}`;
    const [request] = await sql<{ id: string }[]>`
      insert into erasure_requests (account_id, kind, subject_id, requested_by) values (${t.accountId}, 'erasure', ${person!.id}, 'test')
      returning id`;
    const ref = { accountId: t.accountId, requestId: request!.id };

    await small.startErasure(ref);
    const env = new MockActivityEnvironment();
    for (const step of erasurePlan('erasure')) await env.run(small.runErasureStep, { ...ref, step });
    await small.completeErasure(ref);

    const [done] = await sql<
      { progress: Record<string, number> }[]
    >`select progress from erasure_requests where id = ${request!.id}`;
    expect(done!.progress).toMatchObject({
      contact_messages: 6,
      contact_attachments: 6,
      contact_tickets: 1,
      contact: 1,
    });
    const left = await sql<{ body: string }[]>`select body from messages where account_id = ${t.accountId}`;
    expect(left.map((m) => m.body)).toEqual(['kept']);
    const [attachments] = await sql<
      { n: number }[]
    >`select count(*)::int as n from attachments where account_id = ${t.accountId}`;
    expect(attachments!.n).toBe(1);
  });

  it('gives up on a batch stuck behind a lock after its own limit, and the retry ends with exact counts', async () => {
    const subject = await subjectWithTickets(2, 3);
    const limited = createErasureActivities({
      sql,
      masterKey: TEST_MASTER_KEY,
      policy,
      batchSize: 50,
      batchTimeoutMs: 300,
    });
    await limited.startErasure(subject);
    const consents: ErasureStep = 'contact_consents';
    const holder = testSql();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    // A long migration, or a stuck transaction elsewhere, holds the table the batch deletes from.
    const holding = holder.begin(async (tx) => {
      await tx`lock table consents in access exclusive mode`;
      locked();
      await released;
    });
    try {
      await isLocked;
      const started = Date.now();
      const step = new MockActivityEnvironment().run(limited.runErasureStep, { ...subject, step: consents });
      await expect(step).rejects.toBeInstanceOf(StatementDeadlineError);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      release();
      await holding;
      await holder.end();
    }
    // The cancelled batch changed nothing; its retry counts the one consent once.
    expect(await new MockActivityEnvironment().run(limited.runErasureStep, { ...subject, step: consents })).toBe(1);
    const [left] = await sql<
      { n: number }[]
    >`select count(*)::int as n from consents where contact_id = ${subject.contactId}`;
    expect(left!.n).toBe(0);
  });
});
