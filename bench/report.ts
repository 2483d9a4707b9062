// The readable table printed at the end of `npm run bench`, and the JSON written to bench/results/latest.json.
import { writeFileSync } from 'node:fs';
import type { ErasureResult } from './erasure';
import type { WebhookLatencyResult } from './webhook-latency';
import type { LifecycleResult } from './lifecycle';
import type { ThroughputResult } from './throughput';
import type { WorkerKillResult } from './worker-kill';
import type { SpamBenchResult } from './spam';
import type { SpamDatabaseResult } from './spam-database';

export interface BenchResults {
  meta: {
    startedAt: string;
    durationMs: number;
    node: string;
    platform: string;
    cpus: number;
    cpuModel: string;
    startupMs: Record<string, number>;
    temporalCli: string;
    testServer: string;
    notes: string[];
  };
  tenantCreation?: ThroughputResult;
  webhookLatency?: WebhookLatencyResult;
  lifecycle?: LifecycleResult;
  workerKill?: WorkerKillResult;
  erasure?: ErasureResult;
  spam?: SpamBenchResult & { database?: SpamDatabaseResult };
  errors: string[];
}

type ProbeStatsLike = ErasureResult['probe']['idle'];

const fmt = (value: number, digits = 1): string =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';
const ms = (value: number, digits = 0): string => `${fmt(value, digits)} ms`;
const verdict = (ok: boolean): string => (ok ? 'meets goal' : 'MISSES goal');

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}

export function renderReport(results: BenchResults): string {
  const rows: string[][] = [['#', 'benchmark', 'measured', 'baseline (same run)', 'ratio', 'goal', 'result']];
  const details: string[] = [];
  const t = results.tenantCreation;
  if (t) {
    rows.push([
      '1',
      `tenant creation, HTTP signup (n=${t.count}, c=${t.concurrency})`,
      `${fmt(t.signupsPerSec)} signups/s`,
      `${fmt(t.bareStartsPerSec)} bare workflow starts/s`,
      fmt(t.ratio, 3),
      `≥ ${fmt(t.goal, 2)}`,
      verdict(t.meetsGoal),
    ]);
    const a = t.argon2;
    details.push(
      `1  signup latency p50/p99 ${ms(t.signupLatencyMs.p50, 1)} / ${ms(t.signupLatencyMs.p99, 1)}; ` +
        `bare start p50/p99 ${ms(t.bareStartLatencyMs.p50, 1)} / ${ms(t.bareStartLatencyMs.p99, 1)}`,
      `   argon2id alone (19 MiB, t=2, c=${t.concurrency}): ${fmt(a.hashesPerSec)} hashes/s = ${ms(a.hashMsPerOp, 1)}/op ` +
        `of the ${ms(a.signupMsPerOp - a.bareMsPerOp, 1)}/op gap (signup ${ms(a.signupMsPerOp, 1)}/op vs bare ` +
        `${ms(a.bareMsPerOp, 1)}/op): explains ${fmt(a.shareOfGapExplained * 100, 0)}% of it; ` +
        `estimated ratio without the hash ${a.ratioWithoutHashEstimate === null ? 'n/a' : fmt(a.ratioWithoutHashEstimate, 2)}`,
    );
  }
  const w = results.webhookLatency;
  if (w) {
    rows.push([
      '2',
      `billing webhook → visible state (p99, n=${w.accountsPerSide})`,
      ms(w.webhookToVisibleMs.p99, 1),
      `${ms(w.bareSignalToQueryMs.p99, 1)} bare signal + query`,
      fmt(w.p99Ratio, 2),
      `≤ bare + ${w.goalP99SlackMs} ms`,
      `${verdict(w.meetsGoal)} (+${fmt(w.p99DifferenceMs, 1)} ms)`,
    ]);
    const d = (x: WebhookLatencyResult['webhookToVisibleMs']) =>
      `min ${fmt(x.min)} p50 ${fmt(x.p50)} p90 ${fmt(x.p90)} p99 ${fmt(x.p99)} max ${fmt(x.max)} mean ${fmt(x.mean)} ms`;
    details.push(
      `2  webhook → GET shows past_due: ${d(w.webhookToVisibleMs)} (p50 ratio ${fmt(w.p50Ratio, 2)})`,
      `   bare signal → query shows it: ${d(w.bareSignalToQueryMs)}`,
      `   webhook answer alone: p50 ${ms(w.webhookResponseMs.p50, 1)}, p99 ${ms(w.webhookResponseMs.p99, 1)}; ` +
        `polls every ${w.pollIntervalMs} ms, mean polls ${fmt(w.meanPollsWebhook)} (webhook) / ${fmt(w.meanPollsBare)} (bare)`,
    );
  }
  const l = results.lifecycle;
  if (l) {
    rows.push([
      '3',
      `whole lifecycle, ${l.simulatedDays} days, time-skipping server`,
      `${ms(l.lifecycleWallMs.median)} (median of ${l.lifecycleWallMs.runs.length})`,
      `${ms(l.baselineHealthCheckMs.median, 1)} health-check workflow`,
      `${fmt(l.ratio, 1)}×`,
      `< ${ms(l.goalMs)}`,
      verdict(l.meetsGoal),
    ]);
    details.push(
      `3  runs ${l.lifecycleWallMs.runs.map((v) => fmt(v, 0)).join(', ')} ms; test server start-up ${ms(l.testServerStartMs)} ` +
        `(not included); worker start ${ms(l.workerStartMs)}`,
    );
  }
  const k = results.workerKill;
  if (k) {
    rows.push([
      '4',
      `worker SIGKILLed mid-deletion (${fmt(k.killed.seededRows, 0)} rows)`,
      `${ms(k.killed.totalMs)} total`,
      `${ms(k.baseline.totalMs)} uninterrupted`,
      `${fmt(k.ratio, 1)}×`,
      'same end state',
      k.checks.passed ? 'checks passed' : 'CHECKS FAILED',
    ]);
    details.push(
      `4  time to kill ${ms(k.killed.timeToKillMs)}; rows deleted before the kill ${fmt(k.killed.rowsDeletedBeforeKill, 0)} ` +
        `(${fmt(k.killed.rowsDeletedAtKillDecision, 0)} when the kill was decided); ` +
        `new worker ready after ${ms(k.killed.newWorkerReadyMs)}`,
      `   kill → deletion resumed ${ms(k.killed.killToResumeMs)} (heartbeat timeout ${ms(k.heartbeatTimeoutMs)}); ` +
        `restart → deleted ${ms(k.killed.restartToDeletedMs)}`,
      `   checks: live rows left ${JSON.stringify(k.checks.liveRowsLeft)}, deletion notice rows ${k.checks.deletionNoticeRows}, ` +
        `bystander unchanged ${k.checks.bystanderUnchanged}, audit account.data_deleted rows ${k.checks.dataDeletedAuditRows}`,
    );
  }
  const e = results.erasure;
  if (e) {
    const rows5 = fmt(e.subjectRowsTotal, 0);
    rows.push(
      [
        '5',
        `erasure of one person (${rows5} rows), workflow via API`,
        `${fmt(e.workflow.rowsPerSec, 0)} rows/s (${ms(e.workflow.totalMs)})`,
        `${fmt(e.rawSql.rowsPerSec, 0)} rows/s raw batched SQL (${ms(e.rawSql.totalMs)})`,
        fmt(e.ratio, 2),
        `≥ ${fmt(e.ratioGoal, 2)}`,
        verdict(e.meetsGoals.throughput),
      ],
      [
        '5',
        'longest erasure batch transaction (pg_stat_activity)',
        ms(e.workflow.batchXacts.longestMs, 1),
        `${ms(e.rawSql.xacts.longestMs, 1)} raw SQL batch`,
        fmt(e.workflow.batchXacts.longestMs / e.rawSql.xacts.longestMs, 2),
        `≤ ${ms(e.longestBatchGoalMs)}`,
        verdict(e.meetsGoals.longestBatch),
      ],
      [
        '5',
        'probe p99 on another tenant during the erasure',
        ms(e.probe.duringWorkflow.all.p99, 1),
        `${ms(e.probe.idle.all.p99, 1)} idle`,
        `${fmt(e.probe.p99Ratio, 2)}×`,
        `≤ ${fmt(e.probe.p99Goal, 0)}×`,
        verdict(e.meetsGoals.probe),
      ],
    );
    const p = (x: ProbeStatsLike) =>
      `p50 ${fmt(x.all.p50)} p99 ${fmt(x.all.p99)} max ${fmt(x.all.max)} ms (n=${x.requests})`;
    const load = (l: { cpuMs: Record<string, number>; eventLoop: number }) =>
      `${Object.entries(l.cpuMs)
        .slice(0, 3)
        .map(([k, v]) => `${k} ${fmt(v, 0)}`)
        .join(', ')}; ${fmt(l.eventLoop * 100, 0)} %`;
    const runs = (xs: { totalMs: number }[]) => xs.map((x) => fmt(x.totalMs, 0)).join(', ');
    details.push(
      `5  ${fmt(e.subjectRowsTotal, 0)} rows per subject (${JSON.stringify(e.subjectRows)}); runs in the order raw, ` +
        `workflow, workflow, raw: workflow ${runs(e.workflow.runs)} ms, raw SQL ${runs(e.rawSql.runs)} ms ` +
        `(${e.rawSql.batches} batches of ≤ 500)`,
      `   physical reference (delete tickets, then the contact; ON DELETE CASCADE): ${ms(e.cascade.totalMs)} = ` +
        `${fmt(e.cascade.rowsPerSec, 0)} rows/s (tickets ${ms(e.cascade.ticketsDeleteMs)}, contact ${ms(e.cascade.contactDeleteMs)})`,
      `   seeding ${fmt(e.seeding.totalMs / 1000, 0)} s: ${e.seeding.tenants} tenants, bystanders at scale ${e.seeding.bystanderScale} ` +
        `(${fmt(e.seeding.bystanderTickets, 0)} tickets each); workflow DB time ${ms(e.workflow.dbMs)} (mean); ` +
        `time outside activities ${e.workflow.runs.map((r) => fmt(r.outsideActivitiesMs, 0)).join(', ')} ms`,
      `   workflow steps (run ms): ${e.workflow.runs[0]?.activities.map((a) => `${a.activity} ${fmt(a.runMs, 0)}`).join(', ')}`,
      `   raw SQL steps (ms): ${Object.entries(e.rawSql.runs[0]?.stepMs ?? {})
        .map(([k, v]) => `${k} ${fmt(v, 0)}`)
        .join(', ')}`,
      `   longest batch: ${e.workflow.batchXacts.longestQuery.slice(0, 160)}; ${e.workflow.batchXacts.observed} batch ` +
        `transactions seen in ${e.workflow.samples} samples (every ${ms(e.workflow.meanSampleIntervalMs, 1)})`,
      `   load (CPU ms per program; event loop busy): workflow ${e.workflow.runs.map((r) => load(r.load)).join(' / ')}; ` +
        `raw SQL ${e.rawSql.runs.map((r) => load(r.load)).join(' / ')}`,
      `   warm-up (not counted), a ${fmt(e.warmUp.rows, 0)}-row person in a tenant with a full-size one: workflow ` +
        `${ms(e.warmUp.workflowMs)}, raw SQL ${ms(e.warmUp.rawSqlMs)}`,
      `   probe idle ${p(e.probe.idle)}; during workflow ${p(e.probe.duringWorkflow)}; during raw SQL ${p(e.probe.duringRawSql)}`,
      `   checks: subjects empty ${e.checks.subjectsEmpty}, bystanders unchanged ${e.checks.bystandersUnchanged}, ` +
        `receipt and raw row counts match ${e.checks.receiptRowsMatch}`,
    );
  }
  const sp = results.spam;
  if (sp) {
    const pct = (x: number) => `${fmt(x * 100, 2)} %`;
    const o = sp.base.overall;
    rows.push([
      '6',
      `spam filter, shipped model, corpus test split (n=${o.messages})`,
      `recall ${pct(o.spamRecall)}, ham FP ${pct(o.hamFalsePositiveRate)}`,
      `${o.spam} spam / ${o.ham} ham (corpus labels)`,
      '—',
      `≥ ${pct(sp.goals.minSpamRecall)}, ≤ ${pct(sp.goals.maxHamFalsePositiveRate)}`,
      verdict(sp.base.meetsGoal),
    ]);
    const db = sp.database;
    if (db) {
      rows.push(
        [
          '6',
          `spam scoring, tenant model in PostgreSQL (${fmt(db.learnt, 0)} learnt)`,
          `p99 ${ms(db.scoreMs.p99, 2)}`,
          `p99 ${ms(db.roundTripMs.p99, 2)} select 1`,
          fmt(db.scoreMs.p99 / db.roundTripMs.p99, 1),
          `≤ ${ms(sp.goals.maxScoreP99Ms)}`,
          verdict(db.scoreMs.p99 <= sp.goals.maxScoreP99Ms),
        ],
        [
          '6',
          `unlearn a ${db.personMessages}-mail person (delete their tickets)`,
          ms(db.unlearnPersonMs, 1),
          db.exact ? 'model equals one never trained on them' : 'MODEL DIFFERS',
          '—',
          '≤ 50 ms, exact',
          verdict(db.unlearnPersonMs <= 50 && db.exact),
        ],
      );
    }
    const folders = Object.entries(sp.base.byFolder)
      .map(([f, c]) => `${f} ${c.spam > 0 ? `recall ${pct(c.spamRecall)}` : `FP ${pct(c.hamFalsePositiveRate)}`}`)
      .join(', ');
    const to = sp.tenant.overall;
    details.push(
      `6  threshold ${sp.threshold}; accuracy ${pct(o.accuracy)}; missed ${o.missed} spam, ${o.falsePositives} false ` +
        `positive(s); by folder: ${folders}`,
      `   with a tenant model of ${fmt(sp.tenant.learnt, 0)} corpus mails on top (in memory): recall ` +
        `${pct(to.spamRecall)}, FP ${pct(to.hamFalsePositiveRate)}; tokenize + score p50/p99 ` +
        `${ms(sp.tenant.tokenizeAndScoreMs.p50, 2)} / ${ms(sp.tenant.tokenizeAndScoreMs.p99, 2)}; parse p99 ` +
        `${ms(sp.tenant.parseMs.p99, 1)}; in-memory unlearn of ${sp.tenant.personMessages} mails ` +
        `${ms(sp.tenant.removePersonMs, 1)}; model file ${fmt(sp.baseModel.bytes / 1e6, 2)} MB`,
      ...(db
        ? [
            `   in PostgreSQL: learnt ${fmt(db.learnPerSecond, 0)} marked mails/s through the triggers; vocabulary ` +
              `${fmt(db.vocabulary, 0)}; scoring p50 ${ms(db.scoreMs.p50, 2)}, max ${ms(db.scoreMs.max, 1)}`,
          ]
        : []),
    );
  }
  const head =
    `Lethe benchmarks, ${results.meta.startedAt} (${results.meta.cpus} × ${results.meta.cpuModel}, node ` +
    `${results.meta.node}); whole run ${fmt(results.meta.durationMs / 1000, 0)} s`;
  const errors = results.errors.map((e) => `ERROR ${e}`);
  return ['', head, '', table(rows), '', ...details, ...(errors.length > 0 ? ['', ...errors] : []), ''].join('\n');
}

/** Writes the results as JSON, formatted the way `prettier --check .` expects (the folder is not ignored). */
export async function writeResults(path: string, results: BenchResults): Promise<void> {
  let text = `${JSON.stringify(results, null, 2)}\n`;
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(path)) ?? {};
    text = await prettier.format(text, { ...options, filepath: path });
  } catch {
    // prettier is a dev dependency; without it the plain JSON is still valid.
  }
  writeFileSync(path, text);
}
