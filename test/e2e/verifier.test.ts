import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/embedded/project-root';
import { findIdentifiers } from '../../src/verify/forgotten';
import { buildDistOnce } from '../helpers/build';
import { startStack, until } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { FIXTURE_PASSWORD } from '../helpers/tenants';

const run = promisify(execFile);

/** The verifier of DESIGN §7 (`npm run verify-forgotten`) finds what it claims to: rows, histories, log lines. */
describe('the forgotten-verifier', () => {
  let stack: Stack;
  let accountId: string;
  const planted = `planted-${randomBytes(4).toString('hex')}@example.test`;
  const plantedWorkflowId = () => `erasure-${accountId}-${randomUUID()}`;

  beforeAll(async () => {
    buildDistOnce();
    stack = await startStack();
    const tag = randomBytes(4).toString('hex');
    const signup = await stack.http('POST', '/v1/accounts', {
      subdomain: `verify-${tag}`,
      name: 'Verify Co',
      owner: { email: `o-${tag}@example.test`, name: 'O', password: FIXTURE_PASSWORD },
    });
    accountId = signup.body.account.id as string;
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  /** A workflow of the account whose input carries the identifier, as a leaking history would. Nobody runs it. */
  async function plantInHistory(): Promise<string> {
    const workflowId = plantedWorkflowId();
    await stack.temporal.client.workflow.start('leakyWorkflow', {
      taskQueue: `nobody-polls-${randomUUID()}`,
      workflowId,
      args: [{ note: planted }],
    });
    return workflowId;
  }

  it('finds an identifier in the account’s workflow histories, and only with Temporal searched', async () => {
    const workflowId = await plantInHistory();
    try {
      const hits = await until(
        () => findIdentifiers({ sql: stack.sql, identifiers: [planted], accountId, temporal: stack.temporal.client }),
        (h) => h.length > 0,
      );
      expect(hits).toEqual([{ where: 'temporal', location: workflowId, ref: '1', identifier: planted }]);
      expect(await findIdentifiers({ sql: stack.sql, identifiers: [planted], accountId })).toEqual([]);
    } finally {
      await stack.temporal.client.workflow.getHandle(workflowId).terminate('verifier test done');
    }
  });

  it('as a command, prints every hit and exits 1 when something remains, 0 when nothing does', async () => {
    const logs = mkdtempSync(join(tmpdir(), 'lethe-verify-'));
    const log = join(logs, 'api.log');
    const logged = `logged-${randomBytes(4).toString('hex')}@example.test`;
    writeFileSync(log, `line one\n{"msg":"oops","email":"${logged.toUpperCase()}"}\nline three\n`);
    const env = {
      ...process.env,
      DATABASE_URL: process.env.DATABASE_URL ?? '',
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '',
    };
    const cli = join(projectRoot(), 'dist', 'src', 'cli', 'verify-forgotten.js');

    const found = await run(process.execPath, [cli, '--account', accountId, '--identifiers', logged, '--logs', log], {
      env,
    }).then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(found?.code).toBe(1);
    expect(found?.stdout).toContain(`log\t${log}\t2\t${logged}`);
    expect(found?.stdout).toContain('1 hit(s)');

    const clean = await run(process.execPath, [cli, '--account', accountId, '--identifiers', 'nobody@example.test'], {
      env,
    });
    expect(clean.stdout).toContain('nothing found: forgotten');

    const usage = await run(process.execPath, [cli], { env }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(usage?.code).toBe(2);
    expect(usage?.stderr).toContain('usage:');
  });
});
