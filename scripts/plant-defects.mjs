#!/usr/bin/env node
// Plants known defects one at a time in the I/O-heavy code that mutation testing cannot reach in time, runs the
// jest tests that should catch each, restores the file, and reports which were caught (issue 16 §3).
//
//   node scripts/plant-defects.mjs            every defect; exit 1 if any survives
//   node scripts/plant-defects.mjs 3 7        only these
//
// A defect is a literal text replacement in one file. If the text is no longer there the defect is "stale" and the
// run fails too: the catalogue must follow the code it attacks.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);

/** @type {{ what: string, file: string, find: string, replace: string, jest: string[] }[]} */
export const DEFECTS = [
  {
    what: 'the seen billing ids are dropped on continue-as-new',
    file: 'src/workflows/account-workflow.ts',
    find: 'await continueAsNew<typeof accountWorkflow>({ ...input, lifecycle });',
    replace:
      'await continueAsNew<typeof accountWorkflow>({ ...input, lifecycle: { ...lifecycle, seenBillingEventIds: [] } });',
    jest: ['--selectProjects', 'workflows', '-t', 'continues as new'],
  },
  {
    what: 'the erasure batches no longer check for cancellation',
    file: 'src/activities/erasure-activities.ts',
    find: "if (context.cancellationSignal.aborted) throw new CancelledFailure('erasure interrupted between batches');",
    replace: '',
    jest: ['--selectProjects', 'workflows', '-t', 'cancelled through Temporal'],
  },
  {
    what: 'the erasure-request read and list routes bypass row-level security',
    file: 'src/api/routes/erasure.ts',
    find: "const rows = await c.get('db')<RequestRow[]>`",
    replace: 'const rows = await deps.sql<RequestRow[]>`',
    jest: ['--selectProjects', 'api', '-t', 'tenant isolation'],
  },
  {
    what: 'receipts carry a constant subjectHash',
    file: 'src/activities/erasure-activities.ts',
    find: 'subject_hash = ${subjectHash(',
    replace: "subject_hash = ${'0'.repeat(64) || subjectHash(",
    jest: ['--selectProjects', 'e2e', '-t', 'erases a person completely'],
  },
  {
    what: 'the verifier no longer searches Temporal histories',
    file: 'src/verify/forgotten.ts',
    find: 'if (options.temporal) hits.push(',
    replace: 'if (options.temporal && false) hits.push(',
    jest: ['--selectProjects', 'e2e', '-t', 'forgotten-verifier'],
  },
  {
    what: 'tenant requests no longer drop to the row-level-security role',
    file: 'src/db/client.ts',
    find: 'await tx.unsafe(`set local role ${APP_ROLE}`);',
    replace: '',
    jest: ['--selectProjects', 'api', '-t', 'tenant isolation'],
  },
  {
    what: 'the webhook signature compare is short-circuited',
    file: 'src/security/webhook-signature.ts',
    find: 'matched = timingSafeEqual(candidate, expected) || matched;',
    replace: 'matched = true || timingSafeEqual(candidate, expected) || matched;',
    jest: ['--selectProjects', 'unit', '-t', 'verifyWebhookSignature'],
  },
  {
    what: 'a step (consents) is left out of the right to erasure',
    file: 'src/domain/erasure-plan.ts',
    find: "    ...REGISTRATION,\n    'contact_consents',\n    'contact',",
    replace: "    ...REGISTRATION,\n    'contact',",
    jest: ['--selectProjects', 'unit', 'activities', '-t', 'erasurePlan|resumes an interrupted cascade'],
  },
  {
    what: 'the sign-in throttle claims an attempt even while locked (no lock at all)',
    file: 'src/db/login-throttles.ts',
    find: 'where t.locked_until is null or t.locked_until <= now()',
    replace: 'where true',
    jest: ['--selectProjects', 'api', '-t', 'concurrent wrong passwords'],
  },
  {
    what: 'a sent notice keeps its recipient address',
    file: 'src/db/outbox.ts',
    find: 'recipient = null, sealed_payload = null,',
    replace: 'sealed_payload = null,',
    jest: ['--selectProjects', 'activities', '-t', 'outbox dispatcher'],
  },
  {
    what: 'a permanent mail rejection is retried forever',
    file: 'src/domain/mail-delivery.ts',
    find: "aboutThisMessage ? 'permanent' : 'transient';",
    replace: "aboutThisMessage && false ? 'permanent' : 'transient';",
    jest: ['--selectProjects', 'activities', '-t', 'permanent rejection'],
  },
  {
    what: 'the portal verification accepts any code',
    file: 'src/api/routes/portal-sign-up.ts',
    find: 'verificationCodeMatches(config.masterKey, pending.codeHash, tenant.id, input.email, input.code);',
    replace: 'true;',
    jest: ['--selectProjects', 'api', '-t', 'portal sign-up'],
  },
  {
    what: 'the pre-chat form joins an existing contact by its typed address',
    file: 'src/api/routes/chats.ts',
    find: '{ unverified: true },',
    replace: '{ unverified: false },',
    jest: ['--selectProjects', 'api', '-t', 'never touches a known person'],
  },
  {
    what: 'new accounts skip the reminders of short periods',
    file: 'src/config.ts',
    find: 'shortPeriodReminders: true,',
    replace: 'shortPeriodReminders: false,',
    jest: ['--selectProjects', 'e2e', '-t', 'runs trial → suspended'],
  },
  {
    what: 'a stale payment event (older than the newest applied) is applied',
    file: 'src/domain/account-lifecycle.ts',
    find: 'if (event.occurredAt !== undefined && newest !== undefined && event.occurredAt < newest) {',
    replace: 'if (false) {',
    jest: ['--selectProjects', 'e2e', '-t', 'order they happened'],
  },
  {
    what: 'a billing event whose signal failed is called a duplicate on redelivery',
    file: 'src/db/billing-events.ts',
    find: 'select delivered_at is not null as delivered from billing_events where id = ${event.id}',
    replace: 'select true as delivered from billing_events where id = ${event.id}',
    jest: ['--selectProjects', 'api', 'e2e', '-t', 'never "duplicate"|whose earlier delivery failed'],
  },
  {
    what: 'the payment signals are handled kind by kind again',
    file: 'src/workflows/account-workflow.ts',
    find: 'if (patched(PAYMENT_SIGNALS_IN_ARRIVAL_ORDER)) {',
    replace: 'if (!patched(PAYMENT_SIGNALS_IN_ARRIVAL_ORDER)) {',
    jest: ['--selectProjects', 'workflows', '-t', 'in the order they arrived'],
  },
  {
    what: 'requests have no deadline: a frozen database holds them as long as it is frozen',
    file: 'src/api/app.ts',
    find: "app.use('*', requestDeadline(deps.config.requestTimeoutMs));",
    replace: '',
    jest: ['--selectProjects', 'faults', '-t', 'answers every request 503 SERVICE_TIMEOUT'],
  },
  {
    what: 'npm start no longer watches its embedded servers',
    file: 'src/embedded/supervisor.ts',
    find: '  watch(first);\n',
    replace: '',
    jest: ['--selectProjects', 'faults', '-t', 'npm start restarts an embedded server'],
  },
  {
    what: 'the portal session opens a second transaction inside the first on DELETE /v1/portal/me',
    file: 'src/api/routes/portal.ts',
    find: "if (c.get('contactId') !== undefined) return next();",
    replace: '',
    jest: ['--selectProjects', 'e2e', '-t', 'workflow-starting routes under concurrency'],
  },
  {
    what: 'the console acts on a form without its CSRF token',
    file: 'src/api/routes/console.ts',
    find: "if (field(form, 'csrf') !== session.csrfToken) {",
    replace: "if (field(form, 'csrf') !== session.csrfToken && false) {",
    jest: ['--selectProjects', 'e2e', '-t', 'refuses a forged form'],
  },
  {
    what: 'signing out of the console leaves the session alive',
    file: 'src/api/console/session.ts',
    find: 'if (secret !== undefined) await this.sql`delete from console_sessions',
    replace: 'if (secret === "") await this.sql`delete from console_sessions',
    jest: ['--selectProjects', 'e2e', '-t', 'signs staff in with their token only'],
  },
  {
    what: 'deleting a labelled message no longer subtracts it from the spam model',
    file: 'src/db/migrations/0013_add_inbound_mail_and_spam_model.sql',
    find: "perform lethe_spam_learn('{}', (select array_agg(o::spam_features) from spam_features_old o));",
    replace: 'null;',
    jest: ['--selectProjects', 'activities', '-t', 'spam model sums'],
  },
  {
    what: 'inbound mail is stored without a valid signature',
    file: 'src/api/routes/inbound-email.ts',
    find: 'if (!check.ok) throw',
    replace: 'if (!check.ok && check.reason === "missing") throw',
    jest: ['--selectProjects', 'api', '-t', 'inbound mail becomes tickets'],
  },
  {
    what: 'the verifier no longer looks in the spam model',
    file: 'src/verify/forgotten.ts',
    find: 'if (options.accountId && options.masterKey) {',
    replace: 'if (options.accountId && options.masterKey && false) {',
    jest: ['--selectProjects', 'e2e', '-t', 'forgets an erased person'],
  },
  {
    what: 'an erased person’s address is not put on the suppression list',
    file: 'src/activities/erasure-activities.ts',
    find: 'await suppressAddresses(',
    replace: 'void suppressAddresses; await (async (..._: unknown[]) => undefined)(',
    jest: ['--selectProjects', 'e2e', '-t', 'suppression list'],
  },
  {
    what: 'a finished request can still be extended',
    file: 'src/api/routes/request-clock.ts',
    find: 'if (!request.open) throw',
    replace: 'if (!request.open && false) throw',
    jest: ['--selectProjects', 'e2e', '-t', 'legal clock'],
  },
  {
    what: 'objections to a sub-processor are taken after its window closed',
    file: 'src/api/routes/sub-processors.ts',
    find: "where s.id = ${id} and s.status = 'planned' and s.effective_at > now()",
    replace: 'where s.id = ${id}',
    jest: ['--selectProjects', 'e2e', '-t', 'sub-processors'],
  },
  {
    what: 'a breach notified after 72 hours is accepted without the reasons for the delay',
    file: 'src/api/routes/breaches.ts',
    find: '&& !input.delayReason) {',
    replace: '&& !input.delayReason && false) {',
    jest: ['--selectProjects', 'e2e', '-t', 'breach response'],
  },
  {
    what: 'staff read a tenant’s data without a live grant',
    file: 'src/api/routes/access-grants.ts',
    find: 'if (!(await hasLiveGrant(db, accountId, member.name))) {',
    replace: 'if (!(await hasLiveGrant(db, accountId, member.name)) && false) {',
    jest: ['--selectProjects', 'e2e', '-t', 'owner’s approval'],
  },
];

function plant(defect) {
  const path = join(root, defect.file);
  const original = readFileSync(path, 'utf8');
  const at = original.indexOf(defect.find);
  if (at < 0 || original.indexOf(defect.find, at + 1) >= 0) return { status: 'stale', restore: () => undefined };
  writeFileSync(path, original.slice(0, at) + defect.replace + original.slice(at + defect.find.length));
  return { status: 'planted', restore: () => writeFileSync(path, original) };
}

const only = process.argv.slice(2).map(Number).filter(Number.isInteger);
const chosen = DEFECTS.map((d, i) => ({ ...d, n: i + 1 })).filter((d) => only.length === 0 || only.includes(d.n));
const results = [];
let restoreCurrent = () => undefined;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    restoreCurrent();
    process.exit(130);
  });
}

for (const defect of chosen) {
  const started = Date.now();
  const planted = plant(defect);
  restoreCurrent = planted.restore;
  let outcome = 'stale';
  try {
    if (planted.status === 'planted') {
      // A run that gives no verdict (a test server that did not start) is tried once more before it counts.
      for (let attempt = 1; attempt <= 2; attempt++) {
        const run = spawnSync('npx', ['jest', ...defect.jest], {
          cwd: root,
          env: { ...process.env, TZ: 'UTC' },
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
          // Jest's output with the SDK's warnings can be large; a truncated one would lose the summary line.
          maxBuffer: 256 * 1024 * 1024,
        });
        const summary = `${run.stdout}${run.stderr}`;
        // Caught means a test failed; a run that matched no test would "pass" and prove nothing.
        const ran = /Tests:.*\d+ (passed|failed)/.test(summary);
        outcome = !ran ? 'no tests ran' : run.status === 0 ? 'SURVIVED' : 'caught';
        if (ran) break;
        const why = run.error?.message ?? `exit ${run.status}${run.signal ? `, ${run.signal}` : ''}`;
        console.log(`--- defect ${defect.n}, attempt ${attempt}: no test summary (${why}); its last lines:`);
        console.log(`${summary.slice(-3000)}\n---`);
      }
    }
  } finally {
    planted.restore();
    restoreCurrent = () => undefined;
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  results.push({ n: defect.n, what: defect.what, outcome, seconds });
  console.log(
    `${String(defect.n).padStart(2)}  ${outcome.padEnd(12)} ${String(seconds).padStart(4)} s  ${defect.what}`,
  );
}

const bad = results.filter((r) => r.outcome !== 'caught');
console.log(`planted defects: ${results.length - bad.length} of ${results.length} caught`);
process.exit(bad.length === 0 ? 0 : 1);
