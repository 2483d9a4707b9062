import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    expect(config.operatorTokens).toHaveLength(2);
    expect(config.tls).toBeUndefined();
    expect(config.dbPool).toEqual({ api: 10, worker: 4 });
    expect(config.dbTimeouts).toEqual({ statementMs: 30_000, idleInTransactionMs: 60_000 });
  });

  it('takes the database time limits as durations of at least 100 ms', () => {
    const config = loadConfig({ ...TEST_ENV, DB_STATEMENT_TIMEOUT: '5s', DB_IDLE_IN_TRANSACTION_TIMEOUT: '2m' });
    expect(config.dbTimeouts).toEqual({ statementMs: 5_000, idleInTransactionMs: 120_000 });
    expect(problemsOf({ ...TEST_ENV, DB_STATEMENT_TIMEOUT: '50ms', DB_IDLE_IN_TRANSACTION_TIMEOUT: 'soon' })).toEqual([
      'DB_STATEMENT_TIMEOUT must be a duration of at least 100ms, such as 30s',
      'DB_IDLE_IN_TRANSACTION_TIMEOUT must be a duration of at least 100ms, such as 30s',
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
    expect(Object.isFrozen(config.operatorTokens)).toBe(true);
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
