// Benchmark 4: a worker SIGKILLed in the middle of a large tenant deletion. The worker is a separate process
// (`node dist/src/worker.js`, configured by environment like production). The baseline is the same deletion of an
// identically seeded tenant by the same kind of worker process, uninterrupted, in the same run.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Client } from '@temporalio/client';
import type { LifecyclePolicy } from '../src/domain/account-lifecycle';
import type { Sql } from '../src/db/client';
import { insertAccountWithOwner } from '../src/db/signup';
import { TENANT_DATA_TABLES } from '../src/db/tenant-tables';
import { stopChild } from '../src/embedded/child-process';
import { hashPassword } from '../src/security/passwords';
import { requestAccountDeletion, startAccountWorkflow } from '../src/temporal/account-client';
import { accountWorkflowId } from '../src/temporal/ids';
import { viewQuery } from '../src/workflows/account-messages';
import type { AccountView } from '../src/workflows/account-view';
import type { AppStack, BenchBase, Cleanup } from './stack';
import { now, pollUntil, round, sleep } from './stats';

export interface WorkerKillOptions {
  /** Tenant rows seeded (users + sessions + domain + settings). */
  rows: number;
  users: number;
  bystanderRows: number;
  /** SIGKILL once the cascade has deleted at least this many rows. */
  killAfterRows: number;
}

export interface DeletionRun {
  seededRows: number;
  /** requestDeletion sent → workflow view says `deleted`. */
  totalMs: number;
}

export interface WorkerKillResult {
  baseline: DeletionRun;
  killed: DeletionRun & {
    /** requestDeletion sent → SIGKILL. */
    timeToKillMs: number;
    /** Seeded rows gone when the poll that triggered the SIGKILL read the count. */
    rowsDeletedAtKillDecision: number;
    /** Seeded rows gone once the killed worker's last statement had settled (what the retry did not have to do). */
    rowsDeletedBeforeKill: number;
    /** New worker process spawned → it logged `worker running`. */
    newWorkerReadyMs: number;
    /** SIGKILL → the first row deleted by the retried activity. */
    killToResumeMs: number;
    /** New worker spawned → workflow view says `deleted`. */
    restartToDeletedMs: number;
  };
  /**
   * The heartbeat timeout the workflow gave the cascade activity (read from the workflow's history, so it follows
   * src/workflows/account-workflow.ts): the floor of killToResume.
   */
  heartbeatTimeoutMs: number;
  /** Killed total ÷ uninterrupted total. */
  ratio: number;
  checks: {
    liveRowsLeft: Record<string, number>;
    deletionNoticeRows: number;
    bystanderUnchanged: boolean;
    dataDeletedAuditRows: number;
    passed: boolean;
  };
}

const MINUTE = 60_000;
const SHORT_POLICY: LifecyclePolicy = {
  trialPeriodMs: 10 * MINUTE,
  paymentGracePeriodMs: 10 * MINUTE,
  suspensionPeriodMs: 10 * MINUTE,
  removalPeriodMs: 10 * MINUTE,
  backupRetentionPeriodMs: 10 * MINUTE,
  reactivationWindowMs: 10 * MINUTE,
};

interface ChildWorker {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<void>;
  stop(): Promise<void>;
}

function spawnWorker(base: BenchBase, cleanup: Cleanup, name: string): ChildWorker {
  const log = createWriteStream(join(base.resultsDir, `${name}.log`));
  const child = spawn(process.execPath, [join(base.root, 'dist', 'src', 'worker.js')], {
    cwd: base.root,
    env: {
      ...process.env,
      ...base.secrets,
      DATABASE_URL: base.databaseUrl,
      TEMPORAL_ADDRESS: base.devServer.address,
      TEMPORAL_NAMESPACE: base.config.temporalNamespace,
      LOG_LEVEL: 'info',
      TZ: 'UTC',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.trackChild(child);
  const stop = cleanup.add(`worker process ${name}`, () => stopChild(child));
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      if (line.includes('"msg":"worker running"')) resolve();
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`worker process ${name} exited (${code ?? signal}) before it was ready; see ${name}.log`)),
    );
  });
  ready.catch(() => undefined);
  void exited.then(() => log.end());
  return { child, ready, exited, stop };
}

/** A tenant created by the real signup query, then filled with agents and sessions by generate_series. */
async function seedTenant(
  sql: Sql,
  masterKey: Buffer,
  label: string,
  rows: number,
  users: number,
  passwordHash: string,
): Promise<{ accountId: string; createdAt: Date; rows: number }> {
  const subdomain = `k${randomBytes(3).toString('hex')}-${label}`;
  const { accountId, createdAt } = await insertAccountWithOwner(sql, masterKey, {
    subdomain,
    name: `Kill Bench ${label}`,
    owner: { email: `owner@${subdomain}.example`, name: `Owner ${label}`, passwordHash },
  });
  // The signup made the owner, the domain and the settings: 3 rows.
  const sessions = rows - users - 2;
  await sql`
    insert into users (account_id, email, name, role, password_hash)
    select ${accountId}, 'agent-' || g || '@' || ${subdomain} || '.example', 'Agent ' || g, 'agent', ${passwordHash}
    from generate_series(1, ${users - 1}::int) g`;
  await sql`
    with u as (select array_agg(id order by id) as ids from users where account_id = ${accountId})
    insert into sessions (account_id, user_id, token_hash, expires_at)
    select ${accountId}, u.ids[1 + (g % cardinality(u.ids))],
           encode(sha256(convert_to(${accountId}::text || ':' || g, 'UTF8')), 'hex'), now() + interval '30 days'
    from u, generate_series(1, ${sessions}::int) g`;
  return { accountId, createdAt, rows: await seededRowsLeft(sql, accountId) };
}

/** Live tenant rows in every table the cascade deletes, without the deletion notice that must survive it. */
async function liveRowsByTable(sql: Sql, accountId: string): Promise<Record<string, number>> {
  // Columns named c0, c1, … so the pool's snake→camel transform leaves them alone.
  const parts = TENANT_DATA_TABLES.map(
    (table, i) =>
      `(select count(*)::int from ${table} where account_id = $1${
        table === 'notification_outbox' ? ` and dedupe_key <> 'deletion_done'` : ''
      }) as c${i}`,
  );
  const [row] = await sql.unsafe<Record<string, number>[]>(`select ${parts.join(', ')}`, [accountId]);
  return Object.fromEntries(TENANT_DATA_TABLES.map((table, i) => [table, row?.[`c${i}`] ?? Number.NaN]));
}

/** The tables the seeding fills. The lifecycle adds a notification or two of its own while deleting. */
const SEEDED_TABLES = ['sessions', 'users', 'account_domains', 'account_settings'] as const;

/** What is left of the seeded rows: the progress measure of the cascade, exactly 100,000 before it starts. */
async function seededRowsLeft(sql: Sql, accountId: string): Promise<number> {
  const parts = SEEDED_TABLES.map((table) => `(select count(*)::int from ${table} where account_id = $1)`);
  const [row] = await sql.unsafe<{ n: number }[]>(`select ${parts.join(' + ')} as n`, [accountId]);
  return row?.n ?? Number.NaN;
}

/** A digest of every row of the account in every tenant table, its accounts row and its key. */
async function tenantDigest(sql: Sql, accountId: string): Promise<string> {
  const digests: string[] = [];
  for (const table of [...TENANT_DATA_TABLES, 'tenant_keys']) {
    const [row] = await sql.unsafe<{ d: string }[]>(
      `select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as d from ${table} t where account_id = $1`,
      [accountId],
    );
    digests.push(`${table}:${row?.d}`);
  }
  const [account] = await sql<{ d: string }[]>`select md5(a::text) as d from accounts a where id = ${accountId}`;
  digests.push(`accounts:${account?.d}`);
  return digests.join(',');
}

/** The heartbeat timeout of the scheduled `deleteTenantData` activity, from the workflow's history. */
async function cascadeHeartbeatTimeoutMs(client: Client, accountId: string): Promise<number> {
  const history = await client.workflow.getHandle(accountWorkflowId(accountId)).fetchHistory();
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name !== 'deleteTenantData') continue;
    const timeout = scheduled.heartbeatTimeout;
    return Number(timeout?.seconds ?? 0) * 1000 + Math.round((timeout?.nanos ?? 0) / 1e6);
  }
  return Number.NaN;
}

/** Same starting conditions for both runs: no dead tuples of an earlier run, fresh statistics. */
async function vacuum(sql: Sql): Promise<void> {
  for (const table of TENANT_DATA_TABLES) await sql.unsafe(`vacuum analyze ${table}`);
}

export async function benchWorkerKill(
  base: BenchBase,
  app: Pick<AppStack, 'temporal'>,
  cleanup: Cleanup,
  options: WorkerKillOptions,
): Promise<WorkerKillResult> {
  const sql = base.benchSql;
  const client = app.temporal.client;
  const masterKey = base.config.masterKey;
  const passwordHash = await hashPassword('correct horse battery staple, kill bench');
  const view = (id: string): Promise<AccountView> => client.workflow.getHandle(accountWorkflowId(id)).query(viewQuery);
  const untilDeleted = async (id: string): Promise<void> => {
    await pollUntil(
      () => view(id),
      (v) => v.state === 'deleted',
      50,
      10 * MINUTE,
      `${id} deleted`,
    );
  };

  const first = spawnWorker(base, cleanup, 'worker-1');
  const bystander = await seedTenant(sql, masterKey, 'bystander', options.bystanderRows, 10, passwordHash);
  await startAccountWorkflow(client, bystander.accountId, SHORT_POLICY, bystander.createdAt.getTime());
  await first.ready;
  // Once its workflow has run its first task, the bystander is a live tenant at rest.
  await view(bystander.accountId);
  const bystanderBefore = await tenantDigest(sql, bystander.accountId);

  // Baseline: the same deletion, uninterrupted.
  const calm = await seedTenant(sql, masterKey, 'calm', options.rows, options.users, passwordHash);
  await vacuum(sql);
  await startAccountWorkflow(client, calm.accountId, SHORT_POLICY, calm.createdAt.getTime());
  const c0 = now();
  await requestAccountDeletion(client, calm.accountId, { by: 'support' });
  await untilDeleted(calm.accountId);
  const baselineMs = now() - c0;

  // The measured run: SIGKILL mid-cascade, then a fresh worker process.
  const victim = await seedTenant(sql, masterKey, 'victim', options.rows, options.users, passwordHash);
  await vacuum(sql);
  await startAccountWorkflow(client, victim.accountId, SHORT_POLICY, victim.createdAt.getTime());
  const k0 = now();
  await requestAccountDeletion(client, victim.accountId, { by: 'support' });
  const { value: leftAtDecision } = await pollUntil(
    () => seededRowsLeft(sql, victim.accountId),
    (n) => victim.rows - n >= options.killAfterRows,
    5,
    5 * MINUTE,
    `${options.killAfterRows} rows deleted`,
  );
  first.child.kill('SIGKILL');
  const killedAt = now();
  await first.exited;
  // A statement the dead worker had already sent may still commit; let it settle before counting.
  await sleep(500);
  const leftAtKill = await seededRowsLeft(sql, victim.accountId);

  const restartedAt = now();
  const second = spawnWorker(base, cleanup, 'worker-2');
  await second.ready;
  const readyMs = now() - restartedAt;
  await pollUntil(
    () => seededRowsLeft(sql, victim.accountId),
    (n) => n < leftAtKill,
    50,
    5 * MINUTE,
    'the retried deletion to resume',
  );
  const resumedAt = now();
  await untilDeleted(victim.accountId);
  const deletedAt = now();
  await pollUntil(
    () => sql<{ state: string }[]>`select state from accounts where id = ${victim.accountId}`,
    (rows) => rows[0]?.state === 'deleted',
    50,
    MINUTE,
    'accounts.state = deleted',
  );

  const heartbeatTimeoutMs = await cascadeHeartbeatTimeoutMs(client, victim.accountId);
  const liveRowsLeft = await liveRowsByTable(sql, victim.accountId);
  const [notice] = await sql<{ n: number }[]>`
    select count(*)::int as n from notification_outbox
    where account_id = ${victim.accountId} and dedupe_key = 'deletion_done'`;
  const [audit] = await sql<{ n: number }[]>`
    select count(*)::int as n from audit_log where account_id = ${victim.accountId} and action = 'account.data_deleted'`;
  const bystanderUnchanged = (await tenantDigest(sql, bystander.accountId)) === bystanderBefore;
  const dataDeletedAuditRows = audit?.n ?? 0;
  const deletionNoticeRows = notice?.n ?? 0;
  await second.stop();

  const killedTotal = deletedAt - k0;
  return {
    baseline: { seededRows: calm.rows, totalMs: round(baselineMs, 0) },
    killed: {
      seededRows: victim.rows,
      totalMs: round(killedTotal, 0),
      timeToKillMs: round(killedAt - k0, 0),
      rowsDeletedAtKillDecision: victim.rows - leftAtDecision,
      rowsDeletedBeforeKill: victim.rows - leftAtKill,
      newWorkerReadyMs: round(readyMs, 0),
      killToResumeMs: round(resumedAt - killedAt, 0),
      restartToDeletedMs: round(deletedAt - restartedAt, 0),
    },
    heartbeatTimeoutMs,
    ratio: round(killedTotal / baselineMs, 2),
    checks: {
      liveRowsLeft,
      deletionNoticeRows,
      bystanderUnchanged,
      dataDeletedAuditRows,
      passed:
        Object.values(liveRowsLeft).every((n) => n === 0) &&
        deletionNoticeRows === 1 &&
        bystanderUnchanged &&
        dataDeletedAuditRows === 1,
    },
  };
}
