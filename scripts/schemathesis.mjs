#!/usr/bin/env node
// Fuzzes the running API against its own /openapi.json with Schemathesis (issue 12 §1): every check, a bounded number
// of examples per operation, as an anonymous caller, a tenant's owner and an operator. Exit 1 on any failure.
//
//   node scripts/schemathesis.mjs              # builds nothing: run `npm run build` (and provision) first
//   SCHEMATHESIS_EXAMPLES=50 node scripts/schemathesis.mjs
//
// Schemathesis comes from PyPI into a venv under .tools/ at the pinned version. The stack is the production
// composition root (dist/src/start.js: embedded PostgreSQL, Temporal dev server, Mailpit) in a data folder of its
// own, stopped and removed at the end.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const VERSION = '4.32.5';
const root = resolve(new URL('..', import.meta.url).pathname);
const venv = join(root, '.tools', 'schemathesis');
const st = join(venv, 'bin', 'st');
const examples = process.env.SCHEMATHESIS_EXAMPLES ?? '25';
const port = process.env.SCHEMATHESIS_PORT ?? '3300';
const api = `http://127.0.0.1:${port}`;

function ensureSchemathesis() {
  const have = existsSync(st) ? spawnSync(st, ['--version'], { encoding: 'utf8' }).stdout : '';
  if (have.includes(VERSION)) return;
  console.log(`== installing schemathesis ${VERSION} into .tools/schemathesis`);
  const steps = [
    ['python3', ['-m', 'venv', venv]],
    [join(venv, 'bin', 'pip'), ['install', '--quiet', `schemathesis==${VERSION}`]],
  ];
  for (const [command, args] of steps) {
    const done = spawnSync(command, args, { stdio: 'inherit' });
    if (done.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
  }
}

/** Starts the whole stack and resolves once its banner says it is running. */
function startLethe(dataDir) {
  const child = spawn(process.execPath, [join(root, 'dist', 'src', 'start.js')], {
    cwd: root,
    env: { ...process.env, TZ: 'UTC', LETHE_DATA_DIR: dataDir, PORT: port, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`Lethe did not start within 180 s:\n${output}`)), 180_000);
    const onData = (chunk) => {
      output += chunk;
      if (output.includes('Lethe is running.')) {
        clearTimeout(timer);
        resolveStart(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`Lethe exited (${code}) while starting:\n${output}`)));
  });
}

async function ownerToken() {
  const tag = randomBytes(4).toString('hex');
  const owner = { email: `owner-${tag}@example.test`, name: 'Owner', password: `fuzz-owner-password-${tag}` };
  const subdomain = `fuzz-${tag}`;
  const post = (path, body, headers = {}) =>
    fetch(`${api}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }).then((r) => r.json());
  await post('/v1/accounts', { subdomain, name: 'Fuzzed Co', owner });
  const session = (await post('/v1/auth/login', { subdomain, email: owner.email, password: owner.password })).token;
  // An API token, not the session: the fuzzer calls POST /v1/auth/logout too, which would end a session for the rest
  // of the run.
  const created = await post(
    '/v1/me/api-tokens',
    { name: 'schemathesis', password: owner.password },
    { authorization: `Bearer ${session}` },
  );
  if (typeof created.token !== 'string') throw new Error('could not make the owner an API token');
  return created.token;
}

function fuzz(who, headers) {
  console.log(`\n== schemathesis as ${who}`);
  const args = [
    'run',
    `${api}/openapi.json`,
    '--checks',
    'all',
    '--max-examples',
    examples,
    '--seed',
    '20261129',
    '--workers',
    '1',
    '--suppress-health-check',
    'all',
    '--request-timeout',
    '30',
    ...headers.flatMap((h) => ['--header', h]),
  ];
  // From the root, where schemathesis.toml holds the exceptions and .schemathesis/ its cache (git-ignored).
  const env = { ...process.env, NO_COLOR: '1', SCHEMATHESIS_HOOKS: join(root, 'scripts', 'schemathesis_hooks.py') };
  return spawnSync(st, args, { cwd: root, stdio: 'inherit', env }).status ?? 1;
}

ensureSchemathesis();
const dataDir = mkdtempSync(join(tmpdir(), 'lethe-fuzz-'));
let lethe;
let failed = 0;
try {
  lethe = await startLethe(dataDir);
  const secrets = JSON.parse(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8'));
  const operator = secrets.OPERATOR_TOKENS.split(',')[0].replace(/^[a-z0-9._-]+:/, '');
  const runs = [
    ['anonymous', []],
    ['owner', [`Authorization: Bearer ${await ownerToken()}`]],
    ['operator', [`Authorization: Bearer ${operator}`]],
  ];
  for (const [who, headers] of runs) if (fuzz(who, headers) !== 0) failed += 1;
} finally {
  if (lethe && lethe.exitCode === null) {
    const exited = new Promise((r) => lethe.once('exit', r));
    lethe.kill('SIGINT');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(`\nschemathesis: ${failed === 0 ? 'no failures' : `${failed} of 3 runs failed`}`);
process.exit(failed === 0 ? 0 : 1);
