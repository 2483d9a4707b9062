import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/embedded/project-root';
import { stopChild } from '../../src/embedded/child-process';
import { findIdentifiers } from '../../src/verify/forgotten';
import { buildDistOnce } from '../helpers/build';
import { TEST_ENV } from '../helpers/config';
import { startStack, until } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { tenantWithBigSubject } from '../helpers/big-subject';

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
    const { accountId, auth, contact, subject, bystander, subjectMessagesLeft } = await tenantWithBigSubject(
      stack,
      2000,
    );
    const otherBefore = await bystander();

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
    expect(await subjectMessagesLeft()).toBe(0);
    expect(await bystander()).toEqual(otherBefore);
    const hits = await findIdentifiers({
      sql: stack.sql,
      identifiers: [subject.email, subject.name],
      accountId,
      temporal: stack.temporal.client,
    });
    expect(hits).toEqual([]);
  }, 180_000);
});
