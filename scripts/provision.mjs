#!/usr/bin/env node
// Provisions the servers Lethe needs without downloading from websites (DESIGN §1, §9):
//   - the Temporal CLI (dev server + Web UI): `temporal` on PATH, else `go install` from the Go module proxy;
//   - the Java time-skipping test server: Maven Central artifact, classpath copied into .tools/;
//   - Mailpit (the embedded mail server of npm start and the tests): `mailpit` on PATH, else `go install`.
// Idempotent: a second run only checks stamps. Writes .tools/provision.json, read by `npm start` and the tests.
// Usage: node scripts/provision.mjs [--quiet]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync, statSync, readdirSync, rmSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
// v1.5.1 is the newest tag whose go.mod has no `replace` directive, so `go install pkg@tag` works (TEMPORAL-NOTES).
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const MAILPIT_MODULE = 'github.com/axllent/mailpit';
export const MAILPIT_VERSION = 'v1.33.1';
export const TEST_SERVER_ARTIFACT = 'io.temporal:temporal-test-server';
export const TEST_SERVER_VERSION = '1.38.0';
// Bumped when the wrapper script changes, so existing checkouts regenerate it.
const WRAPPER_REVISION = 3;

const root = resolve(new URL('..', import.meta.url).pathname);
const tools = join(root, '.tools');
const manifestPath = join(tools, 'provision.json');
const quiet = process.argv.includes('--quiet');

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, cmd);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * A Go program: on PATH if present, else `go install <module>@<version>` into .tools/bin (from the Go module proxy).
 * A stamp file records the version, so a bump rebuilds.
 */
function provisionGoTool({ command, module, version, label }) {
  const onPath = which(command);
  if (onPath) return { route: 'path', path: onPath, detail: `${command} on PATH (${onPath})` };
  const bin = join(tools, 'bin', command);
  const stamp = join(tools, 'bin', `${command}.version`);
  const built = { route: 'go', path: bin, detail: `${label} ${version} built from the Go module proxy` };
  if (existsSync(bin) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === version) return built;
  if (!which('go')) return undefined;
  mkdirSync(join(tools, 'bin'), { recursive: true });
  if (!quiet)
    process.stderr.write(`provision: building ${label} ${version} with go install (first run takes minutes)…\n`);
  const r = run('go', ['install', `${module}@${version}`], {
    env: { ...process.env, GOBIN: join(tools, 'bin'), GOFLAGS: '-buildvcs=false', CGO_ENABLED: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.ok && existsSync(bin)) {
    writeFileSync(stamp, `${version}\n`);
    return built;
  }
  return {
    route: 'missing',
    detail: `go install ${module}@${version} failed: ${r.out.trim().split('\n').slice(-3).join(' | ')}`,
  };
}

function provisionTemporalCli() {
  return (
    provisionGoTool({
      command: 'temporal',
      module: TEMPORAL_CLI_MODULE,
      version: TEMPORAL_CLI_VERSION,
      label: 'Temporal CLI',
    }) ?? {
      route: 'sdk-download',
      detail:
        'no `temporal` on PATH and no Go toolchain: the Temporal SDK will try to download the CLI (needs the internet); install Go ≥ 1.25 or put `temporal` on PATH to work offline',
    }
  );
}

function provisionMailpit() {
  return (
    provisionGoTool({ command: 'mailpit', module: MAILPIT_MODULE, version: MAILPIT_VERSION, label: 'Mailpit' }) ?? {
      route: 'missing',
      detail: 'no `mailpit` on PATH and no Go toolchain: set SMTP_URL to a mail server, or install Go to build Mailpit',
    }
  );
}

function testServerWrapper() {
  // exec, so that the SDK's kill reaches the JVM itself and no orphan survives teardown.
  // C1-only JIT, the serial GC and an application class-data archive (made at provisioning) keep start-up under a
  // second on 2 cores even with both busy (2-3 s without the archive); the SDK waits only 5 s.
  // No --enable-time-skipping: with it the server advances time on its own, even while a workflow task is in
  // flight, so tasks time out; without it time skips only while a client has unlocked it (the SDK's way).
  return `#!/bin/sh
# Java time-skipping test server ${TEST_SERVER_ARTIFACT}:${TEST_SERVER_VERSION}, provisioned by scripts/provision.mjs.
# The SDK runs it as \`<this> <port>\`.
dir=$(cd "$(dirname "$0")" && pwd)
cds=""
[ -f "$dir/classes.jsa" ] && cds="-XX:SharedArchiveFile=$dir/classes.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
exec java $cds -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$dir/lib/*" io.temporal.testserver.TestServer "$@"
`;
}

/**
 * Records the classes the test server loads into a class-data archive (JDK 13+ `ArchiveClassesAtExit`): a JVM that
 * maps it starts in a third of the time. Best effort: without it the wrapper runs as before.
 */
function archiveTestServerClasses(dir) {
  const archive = join(dir, 'classes.jsa');
  rmSync(archive, { force: true });
  const port = String(20000 + Math.floor(Math.random() * 20000));
  // Killed (SIGTERM) once it has started and served nothing: the JVM writes the archive as it exits.
  run(
    'java',
    [
      `-XX:ArchiveClassesAtExit=${archive}`,
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-cp',
      `${join(dir, 'lib')}/*`,
      'io.temporal.testserver.TestServer',
      port,
    ],
    { stdio: ['ignore', 'ignore', 'ignore'], timeout: 8_000, killSignal: 'SIGTERM' },
  );
  return existsSync(archive);
}

function provisionTestServer() {
  const dir = join(tools, 'temporal-test-server');
  const exe = join(dir, 'temporal-test-server');
  const stamp = join(dir, 'version');
  if (
    existsSync(exe) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8').trim() === `${TEST_SERVER_VERSION}+${WRAPPER_REVISION}`
  ) {
    return { route: 'maven', path: exe, detail: `Java test server ${TEST_SERVER_VERSION} from Maven Central` };
  }
  const java = which('java');
  const mvn = which('mvn');
  if (!java || !mvn) {
    return {
      route: 'sdk-download',
      detail: `${java ? '' : 'java '}${mvn ? '' : 'mvn '}missing: the Temporal SDK will try to download its test server (needs the internet); install Java ≥ 11 and Maven to work offline`,
    };
  }
  mkdirSync(dir, { recursive: true });
  const [groupId, artifactId] = TEST_SERVER_ARTIFACT.split(':');
  writeFileSync(
    join(dir, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>lethe</groupId><artifactId>temporal-test-server-classpath</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${TEST_SERVER_VERSION}</version></dependency>
  </dependencies>
</project>
`,
  );
  if (!quiet)
    process.stderr.write(`provision: resolving ${TEST_SERVER_ARTIFACT}:${TEST_SERVER_VERSION} from Maven Central…\n`);
  const r = run(
    mvn,
    [
      '-q',
      '-B',
      '-f',
      join(dir, 'pom.xml'),
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${join(dir, 'lib')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (!r.ok || readdirSync(join(dir, 'lib')).length === 0) {
    return {
      route: 'missing',
      detail: `Maven could not resolve ${TEST_SERVER_ARTIFACT}:${TEST_SERVER_VERSION}: ${r.out.trim().split('\n').slice(-3).join(' | ')}`,
    };
  }
  const wrapper = testServerWrapper();
  writeFileSync(exe, wrapper);
  chmodSync(exe, 0o755);
  if (!quiet) process.stderr.write('provision: archiving the test server’s classes for a fast start…\n');
  archiveTestServerClasses(dir);
  writeFileSync(stamp, `${TEST_SERVER_VERSION}+${WRAPPER_REVISION}\n`);
  return { route: 'maven', path: exe, detail: `Java test server ${TEST_SERVER_VERSION} from Maven Central` };
}

const started = Date.now();
mkdirSync(tools, { recursive: true });
const cli = provisionTemporalCli();
const testServer = provisionTestServer();
const mailpit = provisionMailpit();
const manifest = { temporalCli: cli, testServer, mailpit, provisionedAt: new Date().toISOString() };
const previous = readJson(manifestPath);
if (
  JSON.stringify({ ...previous, provisionedAt: undefined }) !==
  JSON.stringify({ ...manifest, provisionedAt: undefined })
) {
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}
const ms = Date.now() - started;
console.log(
  `provision: dev server = ${cli.detail}; test server = ${testServer.detail}; mail = ${mailpit.detail} (${ms} ms)`,
);
if (cli.route === 'missing') {
  console.log(
    'provision: WARNING the Temporal CLI is unavailable; `npm start` falls back to the in-memory Java test server (no Web UI, nothing survives a restart)',
  );
}
if (cli.route === 'missing' && testServer.route === 'missing') process.exit(1);
