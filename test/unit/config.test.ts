import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ConfigError, loadConfig } from '../../src/config';
import { TEST_ENV } from '../helpers/config';

const DAY = 86_400_000;

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the design defaults when only the secrets are given', () => {
    const config = loadConfig(TEST_ENV);
    expect(config.port).toBe(3000);
    expect(config.temporalNamespace).toBe('default');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.temporalAddress).toBeUndefined();
    expect(config.lifecycle).toEqual({
      trialPeriodMs: 14 * DAY,
      paymentGracePeriodMs: 7 * DAY,
      suspensionPeriodMs: 60 * DAY,
      removalPeriodMs: 30 * DAY,
      backupRetentionPeriodMs: 30 * DAY,
      reactivationWindowMs: 7 * DAY,
      shortPeriodReminders: true,
    });
    expect(config.smtpUrl).toBeUndefined();
    expect(config.mailFrom).toBe('Lethe <no-reply@lethe.localhost>');
    expect(config.masterKey).toHaveLength(32);
    expect(config.staff.map((m) => [m.name, m.role])).toEqual([
      ['operator', 'operator'],
      ['operator', 'operator'],
    ]);
    expect(config.tls).toBeUndefined();
    expect(config.dbPool).toEqual({ api: 10, worker: 4 });
    expect(config.dbTimeouts).toEqual({ statementMs: 30_000, idleInTransactionMs: 60_000, erasureBatchMs: 30_000 });
    expect(config.requestTimeoutMs).toBe(35_000);
  });

  it('takes the database time limits as durations of at least 100 ms', () => {
    const config = loadConfig({ ...TEST_ENV, DB_STATEMENT_TIMEOUT: '5s', DB_IDLE_IN_TRANSACTION_TIMEOUT: '2m' });
    expect(config.dbTimeouts).toEqual({ statementMs: 5_000, idleInTransactionMs: 120_000, erasureBatchMs: 30_000 });
    // The request deadline follows the statement timeout unless set.
    expect(config.requestTimeoutMs).toBe(10_000);
    expect(loadConfig({ ...TEST_ENV, REQUEST_TIMEOUT: '2s', ERASURE_BATCH_TIMEOUT: '1m' })).toMatchObject({
      requestTimeoutMs: 2_000,
      dbTimeouts: { statementMs: 30_000, erasureBatchMs: 60_000 },
    });
    expect(
      problemsOf({
        ...TEST_ENV,
        DB_STATEMENT_TIMEOUT: '50ms',
        DB_IDLE_IN_TRANSACTION_TIMEOUT: 'soon',
        ERASURE_BATCH_TIMEOUT: '0s',
        REQUEST_TIMEOUT: 'never',
      }),
    ).toEqual([
      'DB_STATEMENT_TIMEOUT must be a duration of at least 100ms, such as 30s',
      'DB_IDLE_IN_TRANSACTION_TIMEOUT must be a duration of at least 100ms, such as 30s',
      'ERASURE_BATCH_TIMEOUT must be a duration of at least 100ms, such as 30s',
      'REQUEST_TIMEOUT must be a duration of at least 100ms, such as 30s',
    ]);
  });

  it('sizes the API and worker pools separately, from 1 to 100 connections', () => {
    expect(loadConfig({ ...TEST_ENV, API_DB_POOL_SIZE: '25', WORKER_DB_POOL_SIZE: '1' }).dbPool).toEqual({
      api: 25,
      worker: 1,
    });
    for (const bad of ['0', '101', '2.5', 'ten']) {
      expect(problemsOf({ ...TEST_ENV, API_DB_POOL_SIZE: bad, WORKER_DB_POOL_SIZE: bad })).toEqual([
        'API_DB_POOL_SIZE must be an integer from 1 to 100',
        'WORKER_DB_POOL_SIZE must be an integer from 1 to 100',
      ]);
    }
  });

  it('parses duration strings for every lifecycle period', () => {
    const config = loadConfig({
      ...TEST_ENV,
      TRIAL_PERIOD: '90s',
      PAYMENT_GRACE_PERIOD: '36h',
      SUSPENSION_PERIOD: '2m',
      REMOVAL_PERIOD: '1d12h',
      BACKUP_RETENTION_PERIOD: '500ms',
      REACTIVATION_WINDOW: '3s',
    });
    expect(config.lifecycle.trialPeriodMs).toBe(90_000);
    expect(config.lifecycle.paymentGracePeriodMs).toBe(36 * 3_600_000);
    expect(config.lifecycle.suspensionPeriodMs).toBe(120_000);
    expect(config.lifecycle.removalPeriodMs).toBe(1.5 * DAY);
    expect(config.lifecycle.backupRetentionPeriodMs).toBe(500);
    expect(config.lifecycle.reactivationWindowMs).toBe(3_000);
  });

  it('returns a frozen object', () => {
    const config = loadConfig(TEST_ENV);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.lifecycle)).toBe(true);
    expect(Object.isFrozen(config.staff)).toBe(true);
    expect(Object.isFrozen(config.staff[0])).toBe(true);
  });

  it('names every bad key in one error', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      TRIAL_PERIOD: '14 days',
      REMOVAL_PERIOD: '-3d',
      MASTER_KEY: Buffer.alloc(16).toString('base64'),
      TEMPORAL_ADDRESS: 'no-port',
      DATABASE_URL: 'mysql://x',
      TRUSTED_PROXIES: '10.0.0.0/8,not-an-ip',
      TLS_CERT: '/nonexistent/cert.pem',
      LOG_LEVEL: 'loud',
      OPERATOR_TOKENS: 'short',
      WORKER_DB_POOL_SIZE: '0',
    });
    const keys = problems.map((p) => p.split(' ')[0]);
    expect(keys).toEqual(
      expect.arrayContaining([
        'PORT',
        'TRIAL_PERIOD',
        'REMOVAL_PERIOD',
        'MASTER_KEY',
        'TEMPORAL_ADDRESS',
        'DATABASE_URL',
        'TRUSTED_PROXIES',
        'TLS_CERT',
        'LOG_LEVEL',
        'OPERATOR_TOKENS',
        'WORKER_DB_POOL_SIZE',
        'BILLING_WEBHOOK_SECRET',
      ]),
    );
  });

  it('never echoes a secret value in its message', () => {
    const secret = 'tooshort-secret';
    let message: string | undefined;
    try {
      loadConfig({
        ...TEST_ENV,
        BILLING_WEBHOOK_SECRET: secret,
        OPERATOR_TOKENS: 'leaky-token',
        SMTP_URL: 'ftp://mailer:hunter2-smtp@relay.example',
      });
    } catch (error) {
      message = (error as ConfigError).message;
    }
    expect(message).toContain('BILLING_WEBHOOK_SECRET');
    expect(message).toContain('SMTP_URL');
    expect(message).not.toContain(secret);
    expect(message).not.toContain('leaky-token');
    expect(message).not.toContain('hunter2-smtp');
  });

  it('takes an smtp:// or smtps:// relay and a From that cannot inject headers', () => {
    const config = loadConfig({
      ...TEST_ENV,
      SMTP_URL: 'smtps://user:pass@mail.example.com:465',
      MAIL_FROM: 'Acme Help <help@acme.example>',
    });
    expect(config.smtpUrl).toBe('smtps://user:pass@mail.example.com:465');
    expect(config.mailFrom).toBe('Acme Help <help@acme.example>');
    expect(loadConfig({ ...TEST_ENV, MAIL_FROM: 'help@acme.example' }).mailFrom).toBe('help@acme.example');
    for (const bad of ['http://mail.example.com', 'smtp://', 'localhost:1025']) {
      expect(problemsOf({ ...TEST_ENV, SMTP_URL: bad })).toEqual([
        'SMTP_URL must be an smtp:// or smtps:// URL with a host, e.g. smtp://localhost:1025',
      ]);
    }
    for (const bad of ['no-at-sign', 'Evil <a@b.example>\r\nBcc: x@y.example', '<a@b.example>', 'A <not an address>']) {
      expect(problemsOf({ ...TEST_ENV, MAIL_FROM: bad })).toEqual([
        'MAIL_FROM must be an address or `Name <address>`, e.g. Lethe <no-reply@example.com>',
      ]);
    }
  });

  it('takes the Temporal UI address the console links to as an http(s) URL without a trailing slash', () => {
    expect(loadConfig(TEST_ENV).temporalUiUrl).toBeUndefined();
    expect(loadConfig({ ...TEST_ENV, TEMPORAL_UI_URL: 'https://temporal.example.com/ui/' }).temporalUiUrl).toBe(
      'https://temporal.example.com/ui',
    );
    for (const bad of ['javascript:alert(1)', 'temporal.example.com', 'http://x.example/?q=1', 'ftp://x.example']) {
      expect(problemsOf({ ...TEST_ENV, TEMPORAL_UI_URL: bad })).toEqual([
        'TEMPORAL_UI_URL must be an http:// or https:// URL, e.g. http://localhost:8233',
      ]);
    }
  });

  it('takes LOG_FORMAT json or pretty, and leaves it to the terminal when unset', () => {
    expect(loadConfig(TEST_ENV).logFormat).toBeUndefined();
    expect(loadConfig({ ...TEST_ENV, LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(problemsOf({ ...TEST_ENV, LOG_FORMAT: 'text' })).toEqual(['LOG_FORMAT must be json or pretty']);
  });

  it('requires TLS_CERT and TLS_KEY together, and accepts existing files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lethe-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    writeFileSync(cert, 'x');
    writeFileSync(key, 'x');
    expect(problemsOf({ ...TEST_ENV, TLS_CERT: cert })).toEqual(['TLS_CERT and TLS_KEY must be set together']);
    expect(loadConfig({ ...TEST_ENV, TLS_CERT: cert, TLS_KEY: key }).tls).toEqual({ certPath: cert, keyPath: key });
  });

  it('accepts IPv4 and IPv6 addresses and ranges as trusted proxies', () => {
    const config = loadConfig({ ...TEST_ENV, TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8, ::1, 2001:db8::/32' });
    expect(config.trustedProxies).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', '2001:db8::/32']);
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig({ ...TEST_ENV, DATABASE_URL: '', PORT: '', TEMPORAL_ADDRESS: ' ' });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.port).toBe(3000);
    expect(config.temporalAddress).toBeUndefined();
  });
});

describe('loadConfig, key by key', () => {
  const SECRET_32 = 's'.repeat(32);

  it('asks for each missing secret once, with a hint, and nothing else', () => {
    expect(problemsOf({})).toEqual([
      'BILLING_WEBHOOK_SECRET is required (at least 32 characters)',
      'MASTER_KEY is required (base64 of 32 random bytes, e.g. `openssl rand -base64 32`)',
    ]);
  });

  it('reports its problems in a ConfigError whose message lists them all', () => {
    let caught: unknown;
    try {
      loadConfig({ ...TEST_ENV, PORT: 'x', LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.name).toBe('ConfigError');
    expect(error.message).toBe(
      'Invalid configuration: PORT must be an integer from 0 to 65535; ' +
        'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    );
  });

  it('defaults the log level to info', () => {
    const { LOG_LEVEL: _unset, ...env } = TEST_ENV;
    expect(loadConfig(env).logLevel).toBe('info');
  });

  it.each([
    ['DATABASE_URL', 'postgres://lethe@db:5432/lethe', 'databaseUrl'],
    ['DATABASE_URL', 'postgresql://lethe@db/lethe', 'databaseUrl'],
    ['TEMPORAL_ADDRESS', 'temporal:7233', 'temporalAddress'],
    ['TEMPORAL_ADDRESS', '[::1]:7233', 'temporalAddress'],
    ['TEMPORAL_NAMESPACE', 'lethe-prod.eu_1', 'temporalNamespace'],
    ['SMTP_URL', 'smtp://localhost:1025', 'smtpUrl'],
    ['MAIL_FROM', 'Lethe <no-reply@localhost>', 'mailFrom'],
    ['MAIL_FROM', 'Ops <ops@x>', 'mailFrom'],
  ] as const)('accepts %s=%j', (key, value, field) => {
    expect(loadConfig({ ...TEST_ENV, [key]: value })[field]).toBe(value);
  });

  it.each([
    ['DATABASE_URL', 'jdbc:postgresql://db/lethe', 'DATABASE_URL must be a postgres:// or postgresql:// URL'],
    ['TEMPORAL_ADDRESS', 'http://temporal:7233', 'TEMPORAL_ADDRESS must be host:port'],
    ['TEMPORAL_ADDRESS', 'temporal:7233/default', 'TEMPORAL_ADDRESS must be host:port'],
    ['TEMPORAL_ADDRESS', 'temporal:123456', 'TEMPORAL_ADDRESS must be host:port'],
    ['TEMPORAL_NAMESPACE', '-lethe', 'TEMPORAL_NAMESPACE must be a namespace name (letters, digits, . _ -)'],
    ['TEMPORAL_NAMESPACE', 'lethe prod', 'TEMPORAL_NAMESPACE must be a namespace name (letters, digits, . _ -)'],
    ['SMTP_URL', 'not a url', 'SMTP_URL must be an smtp:// or smtps:// URL with a host, e.g. smtp://localhost:1025'],
    [
      'MAIL_FROM',
      'Acme <help@acme.example >',
      'MAIL_FROM must be an address or `Name <address>`, e.g. Lethe <no-reply@example.com>',
    ],
    ['TRUSTED_PROXIES', '10.0.0.0/33', 'TRUSTED_PROXIES must be comma-separated IP addresses or CIDR ranges'],
  ])('refuses %s=%j', (key, value, problem) => {
    expect(problemsOf({ ...TEST_ENV, [key]: value })).toEqual([problem]);
  });

  it('accepts a From with a display name exactly when it accepts the bare address', () => {
    const part = fc.stringMatching(/^[a-z0-9.-]{1,12}$/);
    const odd = fc.constantFrom('', '.', '<', '>', ' x', '@x');
    const accepts = (from: string): boolean => {
      try {
        loadConfig({ ...TEST_ENV, MAIL_FROM: from });
        return true;
      } catch (error) {
        if (error instanceof ConfigError) return false;
        throw error;
      }
    };
    fc.assert(
      fc.property(part, part, odd, (local, domain, tail) => {
        const bare = `${local}@${domain}${tail}`;
        expect(accepts(`Acme Help <${bare}>`)).toBe(accepts(bare));
      }),
    );
  });

  it.each([
    ['0', 0],
    ['65535', 65535],
  ])('takes PORT=%s', (text, port) => {
    expect(loadConfig({ ...TEST_ENV, PORT: text }).port).toBe(port);
  });

  it.each(['65536', '80x', 'x80', '1e3', '-1'])('refuses PORT=%j', (text) => {
    expect(problemsOf({ ...TEST_ENV, PORT: text })).toEqual(['PORT must be an integer from 0 to 65535']);
  });

  it('takes pools of exactly 100 connections', () => {
    expect(loadConfig({ ...TEST_ENV, API_DB_POOL_SIZE: '100' }).dbPool.api).toBe(100);
  });

  it('takes a webhook secret of exactly 32 characters and refuses 31', () => {
    expect(loadConfig({ ...TEST_ENV, BILLING_WEBHOOK_SECRET: SECRET_32 }).billingWebhookSecret).toBe(SECRET_32);
    expect(problemsOf({ ...TEST_ENV, BILLING_WEBHOOK_SECRET: SECRET_32.slice(1) })).toEqual([
      'BILLING_WEBHOOK_SECRET must be at least 32 characters',
    ]);
  });

  it('reads staff tokens around spaces and empty entries, named or bare, and refuses any short or repeated one', () => {
    const a = 'a'.repeat(32);
    const b = 'b'.repeat(40);
    const c = 'c'.repeat(32);
    const config = loadConfig({ ...TEST_ENV, OPERATOR_TOKENS: `alice:${a} , ${b},`, SUPPORT_TOKENS: `bob.s:${c}` });
    expect(config.staff).toEqual([
      { name: 'alice', role: 'operator', token: a, named: true },
      { name: 'operator', role: 'operator', token: b, named: false },
      { name: 'bob.s', role: 'support', token: c, named: true },
    ]);
    const { OPERATOR_TOKENS: _unset, ...env } = TEST_ENV;
    expect(loadConfig(env).staff).toEqual([]);
    expect(problemsOf({ ...TEST_ENV, OPERATOR_TOKENS: `${a},x:${'c'.repeat(31)}` })).toEqual([
      'OPERATOR_TOKENS entry 2: the token must be at least 32 characters',
    ]);
    expect(problemsOf({ ...TEST_ENV, OPERATOR_TOKENS: `alice:${a}`, SUPPORT_TOKENS: `bob:${a}` })).toEqual([
      'OPERATOR_TOKENS/SUPPORT_TOKENS: a token is given twice',
    ]);
    // A part before ':' that is no valid name leaves the entry a bare token (tokens may hold ':').
    expect(loadConfig({ ...TEST_ENV, OPERATOR_TOKENS: `Not A Name:${a}` }).staff[0]).toMatchObject({
      name: 'operator',
      token: `Not A Name:${a}`,
      named: false,
    });
  });

  it('takes the master key with or without base64 padding, and nothing around it', () => {
    const key = Buffer.alloc(32, 0xfb);
    const text = key.toString('base64');
    expect(text).toMatch(/^\+\/.*=$/);
    expect(loadConfig({ ...TEST_ENV, MASTER_KEY: text }).masterKey).toEqual(key);
    expect(loadConfig({ ...TEST_ENV, MASTER_KEY: text.replace(/=+$/, '') }).masterKey).toEqual(key);
    // Node's decoder skips what is not base64, so only the check of the text refuses these.
    for (const bad of [`!${text}`, `${text}!`, key.toString('base64url')]) {
      expect(problemsOf({ ...TEST_ENV, MASTER_KEY: bad })).toEqual(['MASTER_KEY must be base64 of exactly 32 bytes']);
    }
  });

  it('names each TLS file that does not exist', () => {
    expect(problemsOf({ ...TEST_ENV, TLS_CERT: '/nonexistent/cert.pem', TLS_KEY: '/nonexistent/key.pem' })).toEqual([
      'TLS_CERT names a file that does not exist',
      'TLS_KEY names a file that does not exist',
    ]);
  });
});
