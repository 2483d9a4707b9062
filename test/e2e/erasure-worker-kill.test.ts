import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { projectRoot } from '../../src/embedded/project-root';
import { stopChild } from '../../src/embedded/child-process';
import { findIdentifiers } from '../../src/verify/forgotten';
import { buildDistOnce } from '../helpers/build';
import { TEST_ENV } from '../helpers/config';
import { startStack, until } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { FIXTURE_PASSWORD } from '../helpers/tenants';

// The worker runs as its own process (the production entry point, built here) so it can be SIGKILLed mid-cascade.
describe('a worker SIGKILLed in the middle of a large erasure', () => {
  const root = projectRoot();
  let stack: Stack;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    buildDistOnce();
    stack = await startStack();
    await stack.stopWorker();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => stopChild(w, 5_000)));
    await stack?.stop();
  });

  function startWorker(): ChildProcess {
    const child = spawn(process.execPath, [join(root, 'dist', 'src', 'worker.js')], {
      env: {
        ...process.env,
        ...TEST_ENV,
        DATABASE_URL: process.env.DATABASE_URL,
        TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
        LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    });
    workers.push(child);
    return child;
  }

  it('resumes in a new worker and ends with exactly the result of an uninterrupted run', async () => {
    const tag = randomBytes(4).toString('hex');
    const subdomain = `kill-${tag}`;
    const signup = await stack.http('POST', '/v1/accounts', {
      subdomain,
      name: 'Kill Co',
      owner: { email: `o-${tag}@example.test`, name: 'O', password: FIXTURE_PASSWORD },
    });
    const accountId = signup.body.account.id as string;
    const token = (
      await stack.http('POST', '/v1/auth/login', {
        subdomain,
        email: `o-${tag}@example.test`,
        password: FIXTURE_PASSWORD,
      })
    ).body.token as string;
    const auth = { authorization: `Bearer ${token}` };
    const contact = (
      await stack.http('POST', '/v1/contacts', { email: `big-${tag}@example.test`, name: 'Big Subject' }, auth)
    ).body.id as string;
    const other = (
      await stack.http('POST', '/v1/contacts', { email: `other-${tag}@example.test`, name: 'Other' }, auth)
    ).body.id as string;
    await stack.sql`insert into tickets (account_id, contact_id, channel, subject)
                    select ${accountId}, c, 'email', 'ticket ' || g from generate_series(1, 2000) g, unnest(${[contact, other]}::uuid[]) c`;
    await stack.sql`insert into messages (account_id, ticket_id, author_kind, author_contact_id, body)
                    select t.account_id, t.id, 'contact', t.contact_id, 'message ' || g || ' from ' || t.contact_id
                    from tickets t, generate_series(1, 10) g where t.account_id = ${accountId}`;
    const otherBefore =
      await stack.sql`select count(*)::int as n, md5(string_agg(id::text, ',' order by id)) as d from messages where author_contact_id = ${other}`;

    const accepted = await stack.http('POST', `/v1/contacts/${contact}/erasure`, {}, auth);
    expect(accepted.status).toBe(202);
    const progress = () => stack.http('GET', `/v1/erasure-requests/${accepted.body.requestId}`, undefined, auth);
    const first = startWorker();
    const midway = await until(progress, (r) => (r.body?.progress?.contact_messages ?? 0) >= 2_000, 60_000);
    first.kill('SIGKILL');
    const deletedAtKill = midway.body.progress.contact_messages as number;
    expect(deletedAtKill).toBeLessThan(20_000);

    startWorker();
    const done = await until(progress, (r) => r.body?.status === 'completed', 90_000);
    expect(done.body.status).toBe('completed');
    expect(done.body.receipt.counts).toMatchObject({ contact_messages: 20_000, contact_tickets: 2_000, contact: 1 });
    const [left] =
      await stack.sql`select count(*)::int as n from messages where account_id = ${accountId} and author_contact_id = ${contact}`;
    expect(left?.n).toBe(0);
    expect(
      await stack.sql`select count(*)::int as n, md5(string_agg(id::text, ',' order by id)) as d from messages where author_contact_id = ${other}`,
    ).toEqual(otherBefore);
    const hits = await findIdentifiers({
      sql: stack.sql,
      identifiers: [`big-${tag}@example.test`, 'Big Subject'],
      accountId,
      temporal: stack.temporal.client,
    });
    expect(hits).toEqual([]);
  }, 180_000);
});
