import { createSql } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';
import { tenantWithBigSubject } from '../helpers/big-subject';
import { startOwnPostgres } from '../helpers/own-postgres';
import type { OwnPostgres } from '../helpers/own-postgres';
import { startStack, until } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

// issue 10 §3: PostgreSQL of the test's own, SIGKILLed (every process of it) in the middle of a large erasure and
// started again on the same data. Each batch deletes and counts in one statement, so what committed is counted and
// what did not is redone: the receipt must hold exact counts.
describe('PostgreSQL killed in the middle of a large erasure', () => {
  let pg: OwnPostgres;
  let stack: Stack;

  beforeAll(async () => {
    pg = await startOwnPostgres(async (url) => {
      const sql = createSql(url, { max: 1 });
      await migrate(sql);
      await sql.end();
    });
    stack = await startStack({ DATABASE_URL: pg.url });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await pg?.stop();
  }, 60_000);

  it('completes after recovery with exact counts, the bystander untouched', async () => {
    const { auth, contact, bystander, subjectMessagesLeft } = await tenantWithBigSubject(stack, 2000);
    const before = await bystander();
    const accepted = await stack.http('POST', `/v1/contacts/${contact}/erasure`, {}, auth);
    expect(accepted.status).toBe(202);
    const progress = () =>
      stack.http('GET', `/v1/erasure-requests/${accepted.body.requestId}`, undefined, auth).catch(() => ({
        status: 0,
        body: undefined as any,
      }));
    const midway = await until(progress, (r) => (r.body?.progress?.contact_messages ?? 0) >= 2_000, 60_000);
    await pg.kill();
    expect(midway.body.progress.contact_messages).toBeLessThan(20_000);
    await new Promise((r) => setTimeout(r, 3_000));
    await pg.restart();

    const done = await until(progress, (r) => r.body?.status === 'completed', 120_000);
    expect(done.body.receipt.counts).toMatchObject({ contact_messages: 20_000, contact_tickets: 2_000, contact: 1 });
    expect(await subjectMessagesLeft()).toBe(0);
    expect(await bystander()).toEqual(before);
  }, 240_000);
});
