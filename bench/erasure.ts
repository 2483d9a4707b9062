// Benchmark 5 (issue 5): the right-to-erasure cascade of one person with 10,000 tickets, 100,000 messages and
// 10,000 attachments, among 20 other tenants. Three identically seeded subjects in three tenants: A is erased by
// the real workflow (requested through the API as the tenant's owner), B by raw batched SQL doing the same
// deletions (same pick queries, same batch size, same order, one statement per batch, no Temporal, no progress
// bookkeeping), C by one
// `delete from tickets` (messages and attachments cascade) plus one `delete from contacts` (the rest cascades): the
// physical reference. PostgreSQL's pg_stat_activity is sampled during A and B for the longest transaction, and a
// read/write probe through the API on another tenant runs while idle, during A and during B.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Sql } from '../src/db/client';
import { createSql } from '../src/db/client';
import { insertAccountWithOwner } from '../src/db/signup';
import { erasurePlan } from '../src/domain/erasure-plan';
import { STEP_SQL } from '../src/activities/erasure-steps';
import { hashPassword } from '../src/security/passwords';
import { erasureWorkflowId } from '../src/temporal/ids';
import { expectStatus, httpJson } from './http';
import type { AppStack, BenchBase } from './stack';
import { cpuByProgram, cpuSpent } from './cpu';
import { distribution, now, round, sleep } from './stats';
import type { Distribution } from './stats';
import { SIGNUP_PASSWORD } from './throughput';

export interface ErasureOptions {
  tickets: number;
  messagesPerTicket: number;
  /** One attachment for every this many messages (the first message of each ticket when equal to messagesPerTicket). */
  messagesPerAttachment: number;
  attachmentBytes: number;
  /** Tenants besides the three subjects' and the probe's, of the same shape (scaled down if seeding is slow). */
  bystanders: number;
  /** Seconds of seeding allowed for everything; bystanders are scaled down to fit. */
  seedBudgetSec: number;
  batchSize: number;
  idleProbeSec: number;
  sampleIntervalMs: number;
}

export interface ProbeStats {
  requests: number;
  all: Distribution;
  read: Distribution;
  write: Distribution;
}

export interface XactStats {
  /** Transactions seen by at least one sample. */
  observed: number;
  /** Longest age (now − xact_start) seen by any sample of one of these transactions; true length < this + interval. */
  longestMs: number;
  longestQuery: string;
  /** Ages of the observed transactions at their last sample. */
  ages: Distribution;
}

export interface ErasureResult {
  subjectRows: Record<string, number>;
  subjectRowsTotal: number;
  seeding: {
    fullTenantMs: number;
    tenants: number;
    bystanderScale: number;
    bystanderTickets: number;
    totalMs: number;
    tableRows: Record<string, number>;
  };
  /** Two runs each, in the order raw, workflow, workflow, raw, so drift hits both sides alike. */
  workflow: {
    runs: WorkflowRun[];
    /** Mean of the runs. */
    totalMs: number;
    dbMs: number;
    /** All subjects' rows ÷ the runs' total time. */
    rowsPerSec: number;
    /** The runs' longest batch transaction. */
    batchXacts: XactStats;
    samples: number;
    meanSampleIntervalMs: number;
  };
  rawSql: {
    runs: RawRun[];
    totalMs: number;
    rowsPerSec: number;
    batches: number;
    xacts: XactStats;
  };
  cascade: {
    ticketsDeleteMs: number;
    contactDeleteMs: number;
    totalMs: number;
    rowsPerSec: number;
  };
  /** workflow rows/s ÷ raw SQL rows/s; goal ≥ 0.8. */
  ratio: number;
  ratioGoal: number;
  longestBatchGoalMs: number;
  probe: {
    idle: ProbeStats;
    duringWorkflow: ProbeStats;
    duringRawSql: ProbeStats;
    /** p99 during the workflow ÷ idle p99; goal ≤ 2. */
    p99Ratio: number;
    p99Goal: number;
  };
  /**
   * The unmeasured warm-up runs: a subject a tenth of the size in a tenant that also holds a full-size subject,
   * i.e. a small person in a big tenant. Not a goal; shows how the picks scale with the tenant, not the person.
   */
  warmUp: { rows: number; workflowMs: number; rawSqlMs: number };
  firstBatchPickMs: Record<string, number>;
  firstBatchPickPlans: Record<string, string>;
  checks: { subjectsEmpty: boolean; bystandersUnchanged: boolean; receiptRowsMatch: boolean; passed: boolean };
  meetsGoals: { throughput: boolean; longestBatch: boolean; probe: boolean };
}

export interface WorkflowRun {
  /** POST /v1/contacts/:id/erasure sent → the workflow's result (awaited through Temporal); then GET shows `completed`. */
  totalMs: number;
  /** completed_at − requested_at as stored by the database. */
  dbMs: number;
  rowsPerSec: number;
  receiptCounts: Record<string, number>;
  /** From the workflow's history. */
  activities: ActivityTiming[];
  /** totalMs − the activities' run time: Temporal scheduling, API, polling. */
  outsideActivitiesMs: number;
  batchXacts: XactStats;
  otherXacts: XactStats;
  samples: number;
  meanSampleIntervalMs: number;
  load: PhaseLoad;
}

/** What kept the machine busy during a run: CPU ms per program and the bench process's event-loop utilisation. */
export interface PhaseLoad {
  cpuMs: Record<string, number>;
  /** Share of the run the bench's event loop (API, in-process worker, probe client) was busy, 0..1. */
  eventLoop: number;
  probeRequests: number;
}

function startLoad(): () => Omit<PhaseLoad, 'probeRequests'> {
  const cpu0 = cpuByProgram();
  const elu0 = performance.eventLoopUtilization();
  return () => ({
    cpuMs: cpuSpent(cpu0, cpuByProgram()),
    eventLoop: round(performance.eventLoopUtilization(elu0).utilization, 3),
  });
}

export interface RawRun {
  totalMs: number;
  rowsPerSec: number;
  rows: number;
  batches: number;
  stepMs: Record<string, number>;
  xacts: XactStats;
  load: PhaseLoad;
}

interface Subject {
  accountId: string;
  contactId: string;
}

const SUBJECT_TABLES = [
  'attachments',
  'messages',
  'tickets',
  'contact_identities',
  'oauth_tokens',
  'portal_sessions',
  'saved_searches',
  'consents',
  'contacts',
] as const;

/** One person of the benchmark's shape in `accountId`: tickets, messages, attachments and the small satellites. */
async function seedPerson(
  sql: Sql,
  accountId: string,
  label: string,
  tickets: number,
  o: ErasureOptions,
  analyze = false,
): Promise<Subject> {
  const [owner] = await sql<{ id: string }[]>`select id from users where account_id = ${accountId} and role = 'owner'`;
  const email = `person-${label}@customer.example`;
  const [contact] = await sql<{ id: string }[]>`
    insert into contacts (account_id, email, name, phone, address, ip)
    values (${accountId}, ${email}, ${`Person ${label}`}, '+15550100', '1 Main Street', '203.0.113.7') returning id`;
  const contactId = contact!.id;
  await sql`
    insert into tickets (account_id, contact_id, channel, subject, status, created_at)
    select ${accountId}, ${contactId}, (array['email','chat','phone','portal'])[1 + g % 4], 'Ticket ' || g,
           (array['open','pending','solved','closed'])[1 + g % 4], now() - make_interval(mins => g)
    from generate_series(1, ${tickets}::int) g`;
  // The first person goes into empty tables: fresh statistics keep the planner off plans made for zero rows.
  if (analyze) await sql`analyze tickets`;
  // Attachments go on the first message of every `messagesPerAttachment`, taken from the inserted rows themselves
  // (no join for the planner to get wrong on fresh tables).
  await sql`
    with m as (
      insert into messages (account_id, ticket_id, author_kind, author_user_id, author_contact_id, body, created_at)
      select t.account_id, t.id, case when g % 2 = 1 then 'contact' else 'agent' end,
             case when g % 2 = 0 then ${owner!.id}::uuid end, case when g % 2 = 1 then ${contactId}::uuid end,
             'Message ' || g || ' of ' || t.subject || repeat(' lorem ipsum dolor', 6),
             t.created_at + make_interval(secs => g)
      from tickets t cross join generate_series(1, ${o.messagesPerTicket}::int) g
      where t.account_id = ${accountId} and t.contact_id = ${contactId}
      returning id, account_id, body)
    insert into attachments (account_id, message_id, filename, content_type, size, bytes)
    select m.account_id, m.id, 'file.txt', 'text/plain', ${o.attachmentBytes}::int,
           convert_to(repeat('x', ${o.attachmentBytes}::int), 'UTF8')
    from (select m.*, row_number() over () as n from m) m
    where (m.n - 1) % ${o.messagesPerAttachment}::int = 0`;
  await sql`
    insert into contact_identities (account_id, contact_id, provider, provider_user_id, email, password_hash)
    values (${accountId}, ${contactId}, 'password', null, ${email}, 'x'),
           (${accountId}, ${contactId}, 'google', ${`g-${label}`}, ${email}, null)`;
  await sql`
    insert into oauth_tokens (account_id, identity_id, sealed)
    select account_id, id, convert_to('sealed token', 'UTF8') from contact_identities
    where contact_id = ${contactId} and provider = 'google'`;
  await sql`
    insert into portal_sessions (account_id, contact_id, token_hash, expires_at)
    select ${accountId}, ${contactId}, md5(${contactId}::text || g), now() + interval '1 day' from generate_series(1, 5) g`;
  await sql`
    insert into saved_searches (account_id, contact_id, name, query)
    select ${accountId}, ${contactId}, 'Search ' || g, 'status:open ' || g from generate_series(1, 3) g`;
  await sql`
    insert into consents (account_id, contact_id, purpose, notice_version, granted, ip)
    select ${accountId}, ${contactId}, 'marketing', 'v' || g, g % 2 = 0, '203.0.113.7' from generate_series(1, 5) g`;
  return { accountId, contactId };
}

/** The person's rows per table (what the erasure must remove). */
async function personRows(sql: Sql, s: Subject): Promise<Record<string, number>> {
  const [row] = await sql<Record<string, number>[]>`
    select
      (select count(*)::int from attachments a join messages m on m.id = a.message_id join tickets t on t.id = m.ticket_id
        where a.account_id = ${s.accountId} and (t.contact_id = ${s.contactId} or m.author_contact_id = ${s.contactId})) as c0,
      (select count(*)::int from messages m join tickets t on t.id = m.ticket_id
        where m.account_id = ${s.accountId} and (t.contact_id = ${s.contactId} or m.author_contact_id = ${s.contactId})) as c1,
      (select count(*)::int from tickets where account_id = ${s.accountId} and contact_id = ${s.contactId}) as c2,
      (select count(*)::int from contact_identities where contact_id = ${s.contactId}) as c3,
      (select count(*)::int from oauth_tokens o join contact_identities i on i.id = o.identity_id
        where i.contact_id = ${s.contactId}) as c4,
      (select count(*)::int from portal_sessions where contact_id = ${s.contactId}) as c5,
      (select count(*)::int from saved_searches where contact_id = ${s.contactId}) as c6,
      (select count(*)::int from consents where contact_id = ${s.contactId}) as c7,
      (select count(*)::int from contacts where id = ${s.contactId}) as c8`;
  return Object.fromEntries(SUBJECT_TABLES.map((t, i) => [t, row?.[`c${i}`] ?? Number.NaN]));
}

const total = (rows: Record<string, number>): number => Object.values(rows).reduce((a, b) => a + b, 0);

async function tenantDigest(sql: Sql, accountIds: string[]): Promise<string> {
  const parts: string[] = [];
  for (const table of ['contacts', 'tickets', 'messages', 'attachments', 'consents', 'contact_identities']) {
    const [row] = await sql.unsafe<{ d: string }[]>(
      `select count(*)::text || ':' || md5(coalesce(string_agg(id::text, ',' order by id), '')) as d from ${table}
       where account_id = any($1::uuid[])`,
      [accountIds],
    );
    parts.push(`${table}=${row?.d}`);
  }
  return parts.join(' ');
}

/** Samples pg_stat_activity every `intervalMs` and keeps every transaction seen, by (pid, xact_start). */
class XactSampler {
  private readonly xacts = new Map<string, { pid: number; maxMs: number; queries: Set<string> }>();
  private running = false;
  private loop: Promise<void> | undefined;
  samples = 0;
  private startedAt = 0;
  private stoppedAt = 0;

  constructor(
    private readonly sql: Sql,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.xacts.clear();
    this.samples = 0;
    this.running = true;
    this.startedAt = now();
    this.loop = (async () => {
      while (this.running) {
        const rows = await this.sql<{ pid: number; xactStart: Date; ms: number; q: string }[]>`
          select pid, xact_start, extract(epoch from clock_timestamp() - xact_start)::float8 * 1000 as ms,
                 left(query, 1000) as q
          from pg_stat_activity
          where pid <> pg_backend_pid() and xact_start is not null and backend_type = 'client backend'
            and datname = current_database()`;
        this.samples++;
        for (const r of rows) {
          const key = `${r.pid}@${r.xactStart.getTime()}`;
          const x = this.xacts.get(key) ?? { pid: r.pid, maxMs: 0, queries: new Set<string>() };
          x.maxMs = Math.max(x.maxMs, r.ms);
          x.queries.add(r.q.replace(/\s+/g, ' '));
          this.xacts.set(key, x);
        }
        await sleep(this.intervalMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.stoppedAt = now();
  }

  meanIntervalMs(): number {
    return round((this.stoppedAt - this.startedAt) / Math.max(1, this.samples), 1);
  }

  stats(filter: (x: { pid: number; queries: Set<string> }) => boolean): XactStats {
    const chosen = [...this.xacts.values()].filter(filter);
    const longest = chosen.reduce<(typeof chosen)[number] | undefined>(
      (a, b) => (a === undefined || b.maxMs > a.maxMs ? b : a),
      undefined,
    );
    return {
      observed: chosen.length,
      longestMs: round(longest?.maxMs ?? 0, 1),
      longestQuery: longest ? [...longest.queries].join(' | ').slice(0, 400) : '',
      ages: distribution(chosen.length > 0 ? chosen.map((x) => x.maxMs) : [0]),
    };
  }
}

/** Every batch statement, ours and raw SQL's, runs a pick (`limit $3`). */
const BATCH_QUERY = /limit \$3/;

interface ProbeRaw {
  reads: number[];
  writes: number[];
}

function probeStats(runs: ProbeRaw[]): ProbeStats {
  const reads = runs.flatMap((r) => r.reads);
  const writes = runs.flatMap((r) => r.writes);
  return {
    requests: reads.length + writes.length,
    all: distribution([...reads, ...writes]),
    read: distribution(reads),
    write: distribution(writes),
  };
}

/** Closed-loop probe through the API on another tenant: GET a ticket, then POST a message to another one. */
class Probe {
  private running = false;
  private loop: Promise<void> | undefined;
  private reads: number[] = [];
  private writes: number[] = [];
  private failure: Error | undefined;

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
    private readonly readTicket: string,
    private readonly writeTicket: string,
  ) {}

  start(): void {
    this.reads = [];
    this.writes = [];
    this.running = true;
    const body = JSON.stringify({ body: 'Probe reply from the benchmark' });
    this.loop = (async () => {
      while (this.running) {
        let t0 = now();
        const r = await httpJson(this.url, 'GET', `/v1/tickets/${this.readTicket}`, undefined, this.headers);
        this.reads.push(now() - t0);
        if (r.status !== 200) this.failure ??= new Error(`probe GET: HTTP ${r.status}`);
        t0 = now();
        const w = await httpJson(this.url, 'POST', `/v1/tickets/${this.writeTicket}/messages`, body, this.headers);
        this.writes.push(now() - t0);
        if (w.status !== 201) this.failure ??= new Error(`probe POST: HTTP ${w.status} ${JSON.stringify(w.body)}`);
      }
    })();
  }

  async stop(): Promise<ProbeRaw> {
    this.running = false;
    await this.loop;
    if (this.failure) throw this.failure;
    return { reads: this.reads, writes: this.writes };
  }
}

async function signupAndLogin(app: AppStack, label: string): Promise<{ accountId: string; token: string }> {
  const subdomain = `e${randomBytes(3).toString('hex')}-${label}`;
  const email = `owner@${subdomain}.example`;
  const created = expectStatus(
    await httpJson<{ account: { id: string } }>(
      app.server.url,
      'POST',
      '/v1/accounts',
      JSON.stringify({
        subdomain,
        name: `Erasure ${label}`,
        owner: { email, name: 'Owner', password: SIGNUP_PASSWORD },
      }),
    ),
    201,
    'signup',
  );
  const login = expectStatus(
    await httpJson<{ token: string }>(
      app.server.url,
      'POST',
      '/v1/auth/login',
      JSON.stringify({ subdomain, email, password: SIGNUP_PASSWORD }),
    ),
    200,
    'login',
  );
  return { accountId: created.account.id, token: login.token };
}

type Long = { toString(): string } | number | string | null | undefined;
const num = (x: Long): number => Number(x?.toString() ?? 0);
const ts = (t: { seconds?: Long; nanos?: number | null } | null | undefined): number =>
  num(t?.seconds) * 1000 + (t?.nanos ?? 0) / 1e6;

export interface ActivityTiming {
  activity: string;
  /** Scheduled → started: the task's wait for a worker poll. */
  queueMs: number;
  /** Started → completed. */
  runMs: number;
}

/** Each activity of the erasure workflow from its history: wait and run time; runErasureStep named by its step. */
async function activityTimings(app: AppStack, accountId: string, requestId: string): Promise<ActivityTiming[]> {
  const history = await app.temporal.client.workflow.getHandle(erasureWorkflowId(accountId, requestId)).fetchHistory();
  const scheduled = new Map<number, { name: string; at: number }>();
  const started = new Map<number, number>();
  const out: ActivityTiming[] = [];
  const plan = [...erasurePlan('erasure')];
  for (const e of history.events ?? []) {
    const at = ts(e.eventTime);
    const sch = e.activityTaskScheduledEventAttributes;
    if (sch) {
      let name = sch.activityType?.name ?? '?';
      if (name === 'runErasureStep') name = plan.shift() ?? name;
      scheduled.set(num(e.eventId), { name, at });
    }
    const st = e.activityTaskStartedEventAttributes;
    if (st) started.set(num(st.scheduledEventId), at);
    const done = e.activityTaskCompletedEventAttributes;
    if (done) {
      const sid = num(done.scheduledEventId);
      const s0 = scheduled.get(sid);
      const s1 = started.get(sid) ?? Number.NaN;
      out.push({ activity: s0?.name ?? '?', queueMs: round(s1 - (s0?.at ?? 0), 1), runMs: round(at - s1, 1) });
    }
  }
  return out;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** A one-line shape of an EXPLAIN plan: node types with their relation or index, children in brackets. */
function planShape(node: PlanNode): string {
  const on = node['Index Name'] ?? node['Relation Name'];
  const children = (node.Plans ?? []).map(planShape);
  return `${node['Node Type']}${on ? ` ${on}` : ''}${children.length > 0 ? ` [${children.join(', ')}]` : ''}`;
}

async function vacuum(sql: Sql): Promise<void> {
  for (const table of SUBJECT_TABLES) await sql.unsafe(`vacuum analyze ${table}`);
}

export async function benchErasure(base: BenchBase, app: AppStack, o: ErasureOptions): Promise<ErasureResult> {
  const sql = base.benchSql;
  const log = (text: string): void => console.log(`  ${text}`);
  const passwordHash = await hashPassword('bench 5 bystander password');
  const plainTenant = async (label: string): Promise<string> => {
    const subdomain = `e${randomBytes(3).toString('hex')}-${label}`;
    const { accountId } = await insertAccountWithOwner(sql, base.config.masterKey, {
      subdomain,
      name: `Erasure ${label}`,
      owner: { email: `owner@${subdomain}.example`, name: 'Owner', passwordHash },
    });
    return accountId;
  };

  // Seeding: the five subjects and the probe tenant at full size, then as many bystanders as the budget allows.
  const seed0 = now();
  const a1 = await signupAndLogin(app, 'workflow1');
  const a2 = await signupAndLogin(app, 'workflow2');
  const probeTenant = await signupAndLogin(app, 'probe');
  const f0 = now();
  const subjectA1 = await seedPerson(sql, a1.accountId, 'a1', o.tickets, o, true);
  const fullTenantMs = now() - f0;
  log(`seeded subject A1 (workflow) in ${Math.round(fullTenantMs)} ms`);
  // Seeded in the order A1, B1, B2, A2 and run in the order B1, A1, A2, B2: each method gets one early and one late
  // subject, so the table position of a subject's rows and drift during the run hit both alike.
  const subjectB1 = await seedPerson(sql, await plainTenant('raw1'), 'b1', o.tickets, o);
  const subjectB2 = await seedPerson(sql, await plainTenant('raw2'), 'b2', o.tickets, o);
  const subjectA2 = await seedPerson(sql, a2.accountId, 'a2', o.tickets, o);
  const subjectC = await seedPerson(sql, await plainTenant('cascade'), 'c', o.tickets, o);
  // Warm-up subjects (a tenth of the size) for one unmeasured run of each path: the worker's pool, code paths and
  // connections are fresh otherwise, and the first measured run paid for that alone.
  const warmUpTickets = Math.max(1, Math.round(o.tickets / 10));
  const warmUpA = await seedPerson(sql, a1.accountId, 'wa', warmUpTickets, o);
  const warmUpB = await seedPerson(sql, subjectB1.accountId, 'wb', warmUpTickets, o);
  const probePerson = await seedPerson(sql, probeTenant.accountId, 'p', o.tickets, o);
  const elapsedSec = (now() - seed0) / 1000;
  const perTenantSec = (now() - f0) / 6000;
  const budget = Math.max(0, o.seedBudgetSec - elapsedSec - 10);
  const bystanderScale = Math.min(1, Math.floor((budget / (o.bystanders * perTenantSec)) * 20) / 20);
  const bystanderTickets = Math.max(1, Math.round(o.tickets * bystanderScale));
  log(
    `6 full tenants in ${Math.round(elapsedSec)} s; ${o.bystanders} bystanders at scale ${bystanderScale} ` +
      `(${bystanderTickets} tickets each)`,
  );
  const bystanderIds: string[] = [];
  for (let i = 0; i < o.bystanders; i++) {
    const id = await plainTenant(`by${i}`);
    await seedPerson(sql, id, `by${i}`, bystanderTickets, o);
    bystanderIds.push(id);
  }
  await vacuum(sql);
  const seedMs = now() - seed0;
  const tableRows: Record<string, number> = {};
  for (const t of SUBJECT_TABLES) {
    const [r] = await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${t}`);
    tableRows[t] = r?.n ?? Number.NaN;
  }
  log(`seeding done in ${Math.round(seedMs / 1000)} s: ${JSON.stringify(tableRows)}`);

  const subjects = [subjectA1, subjectA2, subjectB1, subjectB2, subjectC];
  const subjectRows = await personRows(sql, subjectA1);
  const subjectRowsTotal = total(subjectRows);
  for (const s of subjects) {
    const n = total(await personRows(sql, s));
    if (n !== subjectRowsTotal) throw new Error(`subjects differ: ${n} vs ${subjectRowsTotal} rows`);
  }
  const bystandersBefore = await tenantDigest(sql, bystanderIds);

  // How long one pick takes on a fresh subject (C, before its reference delete); EXPLAIN ANALYZE does not delete.
  const firstBatchPickMs: Record<string, number> = {};
  const firstBatchPickPlans: Record<string, string> = {};
  for (const step of erasurePlan('erasure')) {
    const plan = await sql.unsafe<{ 'QUERY PLAN': unknown }[]>(
      `explain (analyze, format json) ${STEP_SQL[step].pick}`,
      [subjectC.accountId, subjectC.contactId, o.batchSize],
    );
    const json = Object.values(plan[0] ?? {})[0] as { 'Execution Time': number; Plan: PlanNode }[];
    firstBatchPickMs[step] = round(json[0]?.['Execution Time'] ?? Number.NaN, 2);
    if (json[0]) firstBatchPickPlans[step] = planShape(json[0].Plan);
  }
  log(`first-batch pick times (EXPLAIN ANALYZE on subject C): ${JSON.stringify(firstBatchPickMs)}`);
  log(`first-batch pick plans: ${JSON.stringify(firstBatchPickPlans)}`);

  const [readTicket, writeTicket] = await sql<{ id: string }[]>`
    select id from tickets where account_id = ${probeTenant.accountId} and contact_id = ${probePerson.contactId}
    order by created_at desc limit 2`;
  const headers = { authorization: `Bearer ${probeTenant.token}` };
  const probe = new Probe(app.server.url, headers, readTicket!.id, writeTicket!.id);
  const samplerSql = createSql(base.databaseUrl, { max: 1 });
  const sampler = new XactSampler(samplerSql, o.sampleIntervalMs);
  const probeSamples = { idle: [] as ProbeRaw[], workflow: [] as ProbeRaw[], raw: [] as ProbeRaw[] };

  // The probe while idle (sampler running too, so its own load is on both sides).
  const idleProbe = async (): Promise<void> => {
    sampler.start();
    probe.start();
    await sleep((o.idleProbeSec * 1000) / 2);
    probeSamples.idle.push(await probe.stop());
    await sampler.stop();
  };

  // A: the workflow, requested through the API as the tenant's owner.
  const workflowRun = async (subject: Subject, token: string): Promise<WorkflowRun> => {
    await vacuum(sql);
    const ownerHeaders = { authorization: `Bearer ${token}` };
    sampler.start();
    probe.start();
    const load = startLoad();
    const w0 = now();
    const accepted = expectStatus(
      await httpJson<{ requestId: string }>(
        app.server.url,
        'POST',
        `/v1/contacts/${subject.contactId}/erasure`,
        JSON.stringify({ reference: 'bench-5' }),
        ownerHeaders,
      ),
      202,
      'erasure request',
    );
    // The workflow's end is awaited through Temporal (a long poll): polling the API instead would add its own load
    // to the database during the workflow runs only. The status route is read once afterwards.
    await app.temporal.client.workflow.getHandle(erasureWorkflowId(subject.accountId, accepted.requestId)).result();
    const workflowMs = now() - w0;
    const used = load();
    const probed = await probe.stop();
    probeSamples.workflow.push(probed);
    await sampler.stop();
    const done = expectStatus(
      await httpJson<{ status: string; receipt?: { counts: Record<string, number> } }>(
        app.server.url,
        'GET',
        `/v1/erasure-requests/${accepted.requestId}`,
        undefined,
        ownerHeaders,
      ),
      200,
      'erasure request status',
    );
    if (done.status !== 'completed') throw new Error(`erasure request ${done.status}`);
    const [dbTimes] = await sql<{ ms: number }[]>`
      select extract(epoch from completed_at - requested_at)::float8 * 1000 as ms from erasure_requests
      where id = ${accepted.requestId}`;
    const activities = await activityTimings(app, subject.accountId, accepted.requestId);
    const run: WorkflowRun = {
      totalMs: round(workflowMs, 0),
      dbMs: round(dbTimes?.ms ?? Number.NaN, 0),
      rowsPerSec: round(subjectRowsTotal / (workflowMs / 1000), 0),
      receiptCounts: done.receipt?.counts ?? {},
      activities,
      outsideActivitiesMs: round(workflowMs - activities.reduce((sum, x) => sum + x.runMs, 0), 0),
      batchXacts: sampler.stats((x) => [...x.queries].some((q) => BATCH_QUERY.test(q))),
      otherXacts: sampler.stats((x) => ![...x.queries].some((q) => BATCH_QUERY.test(q))),
      samples: sampler.samples,
      meanSampleIntervalMs: sampler.meanIntervalMs(),
      load: { ...used, probeRequests: probed.reads.length + probed.writes.length },
    };
    log(
      `workflow: ${run.totalMs} ms, longest batch transaction seen ${run.batchXacts.longestMs} ms; load ` +
        `${JSON.stringify(run.load)}; activities ${JSON.stringify(activities.map((x) => [x.activity, x.queueMs, x.runMs]))}`,
    );
    return run;
  };

  // B: raw batched SQL, same picks, batch size and order, on its own connection: one autocommit
  // `delete … where id in (<pick>)` per batch, the plainest batched delete there is.
  const rawRun = async (subject: Subject): Promise<RawRun> => {
    await vacuum(sql);
    const raw = createSql(base.databaseUrl, { max: 1 });
    try {
      const [pidRow] = await raw<{ pid: number }[]>`select pg_backend_pid() as pid`;
      const rawPid = pidRow!.pid;
      const stepMs: Record<string, number> = {};
      let rows = 0;
      let batches = 0;
      sampler.start();
      probe.start();
      const load = startLoad();
      const r0 = now();
      for (const step of erasurePlan('erasure')) {
        const s0 = now();
        const { table, pick } = STEP_SQL[step];
        for (;;) {
          const n = (
            await raw.unsafe(`delete from ${table} where id in (${pick})`, [
              subject.accountId,
              subject.contactId,
              o.batchSize,
            ])
          ).count;
          batches++;
          rows += n;
          if (n < o.batchSize) break;
        }
        stepMs[step] = round(now() - s0, 0);
      }
      const rawMs = now() - r0;
      const used = load();
      const probed = await probe.stop();
      probeSamples.raw.push(probed);
      await sampler.stop();
      const run: RawRun = {
        totalMs: round(rawMs, 0),
        rowsPerSec: round(rows / (rawMs / 1000), 0),
        rows,
        batches,
        stepMs,
        xacts: sampler.stats((x) => x.pid === rawPid),
        load: { ...used, probeRequests: probed.reads.length + probed.writes.length },
      };
      log(
        `raw SQL: ${run.totalMs} ms for ${run.rows} rows; load ${JSON.stringify(run.load)}; steps ${JSON.stringify(run.stepMs)}`,
      );
      return run;
    } finally {
      await raw.end({ timeout: 5 });
    }
  };

  try {
    const warmUpRows = total(await personRows(sql, warmUpA));
    const warmUpWorkflow = await workflowRun(warmUpA, a1.token);
    const warmUpRaw = await rawRun(warmUpB);
    probeSamples.workflow.length = 0;
    probeSamples.raw.length = 0;
    log('warm-up runs done (not counted)');
    await idleProbe();
    const raw1 = await rawRun(subjectB1);
    const wf1 = await workflowRun(subjectA1, a1.token);
    const wf2 = await workflowRun(subjectA2, a2.token);
    const raw2 = await rawRun(subjectB2);
    await idleProbe();
    const wfRuns = [wf1, wf2];
    const rawRuns = [raw1, raw2];

    // C: the physical reference, two statements; ON DELETE CASCADE does the rest.
    await vacuum(sql);
    const c0 = now();
    await sql`delete from tickets where account_id = ${subjectC.accountId} and contact_id = ${subjectC.contactId}`;
    const c1 = now();
    await sql`delete from contacts where id = ${subjectC.contactId}`;
    const c2 = now();
    log(`cascade: tickets ${Math.round(c1 - c0)} ms, contact ${Math.round(c2 - c1)} ms`);

    const left = await Promise.all([...subjects, warmUpA, warmUpB].map(async (s) => total(await personRows(sql, s))));
    const subjectsEmpty = left.every((n) => n === 0);
    const bystandersUnchanged = (await tenantDigest(sql, bystanderIds)) === bystandersBefore;
    const receiptRowsMatch =
      wfRuns.every((r) => total(r.receiptCounts) === subjectRowsTotal) &&
      rawRuns.every((r) => r.rows === subjectRowsTotal);
    const sum = (xs: number[]): number => xs.reduce((x, y) => x + y, 0);
    const wfMs = sum(wfRuns.map((r) => r.totalMs));
    const rawMs = sum(rawRuns.map((r) => r.totalMs));
    const workflowRowsPerSec = (wfRuns.length * subjectRowsTotal) / (wfMs / 1000);
    const rawRowsPerSec = (rawRuns.length * subjectRowsTotal) / (rawMs / 1000);
    const ratio = workflowRowsPerSec / rawRowsPerSec;
    const longest = <T extends { longestMs: number }>(xs: T[]): T =>
      xs.reduce((x, y) => (y.longestMs > x.longestMs ? y : x));
    const batchXacts = longest(wfRuns.map((r) => r.batchXacts));
    const idle = probeStats(probeSamples.idle);
    const duringWorkflow = probeStats(probeSamples.workflow);
    const duringRawSql = probeStats(probeSamples.raw);
    const p99Ratio = duringWorkflow.all.p99 / idle.all.p99;
    return {
      subjectRows,
      subjectRowsTotal,
      seeding: {
        fullTenantMs: round(fullTenantMs, 0),
        tenants: 6 + o.bystanders,
        bystanderScale,
        bystanderTickets,
        totalMs: round(seedMs, 0),
        tableRows,
      },
      workflow: {
        runs: wfRuns,
        totalMs: round(wfMs / wfRuns.length, 0),
        dbMs: round(sum(wfRuns.map((r) => r.dbMs)) / wfRuns.length, 0),
        rowsPerSec: round(workflowRowsPerSec, 0),
        batchXacts,
        samples: sum(wfRuns.map((r) => r.samples)),
        meanSampleIntervalMs: round(sum(wfRuns.map((r) => r.meanSampleIntervalMs)) / wfRuns.length, 1),
      },
      rawSql: {
        runs: rawRuns,
        totalMs: round(rawMs / rawRuns.length, 0),
        rowsPerSec: round(rawRowsPerSec, 0),
        batches: raw1.batches,
        xacts: longest(rawRuns.map((r) => r.xacts)),
      },
      cascade: {
        ticketsDeleteMs: round(c1 - c0, 0),
        contactDeleteMs: round(c2 - c1, 0),
        totalMs: round(c2 - c0, 0),
        rowsPerSec: round(subjectRowsTotal / ((c2 - c0) / 1000), 0),
      },
      ratio: round(ratio, 3),
      ratioGoal: 0.8,
      longestBatchGoalMs: 250,
      probe: { idle, duringWorkflow, duringRawSql, p99Ratio: round(p99Ratio, 2), p99Goal: 2 },
      firstBatchPickMs,
      warmUp: { rows: warmUpRows, workflowMs: warmUpWorkflow.totalMs, rawSqlMs: warmUpRaw.totalMs },
      firstBatchPickPlans,
      checks: {
        subjectsEmpty,
        bystandersUnchanged,
        receiptRowsMatch,
        passed: subjectsEmpty && bystandersUnchanged && receiptRowsMatch,
      },
      meetsGoals: {
        throughput: ratio >= 0.8,
        longestBatch: batchXacts.longestMs <= 250,
        probe: p99Ratio <= 2,
      },
    };
  } finally {
    // A run that failed left the probe and the sampler looping: stop them before their pool ends, or the next
    // sample rejects unhandled and kills the bench before it has stopped the servers it started.
    await Promise.allSettled([probe.stop(), sampler.stop()]);
    await samplerSql.end({ timeout: 5 });
  }
}
