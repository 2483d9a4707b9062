import { existsSync } from 'node:fs';
import ipaddr from 'ipaddr.js';
import { mergeStaff, parseStaffTokens } from './domain/staff';
import type { StaffMember } from './domain/staff';
import { parseDuration } from './domain/duration';
import type { LifecyclePolicy } from './domain/account-lifecycle';

/** The validated, frozen configuration of one process (DESIGN §6). Built once at start-up and passed down. */
export interface Config {
  /** Unset means `npm start` runs embedded PostgreSQL; the worker and API require it. */
  readonly databaseUrl: string | undefined;
  /** Unset means `npm start` runs the Temporal dev server; the worker and API default to localhost:7233. */
  readonly temporalAddress: string | undefined;
  readonly temporalNamespace: string;
  /**
   * Where staff open the Temporal Web UI (`https://temporal.example.com`): the console links each account to its
   * workflow there. Unset: no link, unless `npm start` runs the dev server (then its UI).
   */
  readonly temporalUiUrl: string | undefined;
  readonly port: number;
  readonly billingWebhookSecret: string;
  /** Stripe's endpoint secret (`whsec_…`) for `POST /v1/billing/stripe`; unset: that route answers 404. */
  readonly stripeWebhookSecret: string | undefined;
  /** HMAC key of `Lethe-Signature` on `POST /v1/inbound/email`; unset: that route answers 404. */
  readonly inboundEmailSecret: string | undefined;
  /** Staff and their tokens, from OPERATOR_TOKENS and SUPPORT_TOKENS (`name:token` entries). */
  readonly staff: readonly StaffMember[];
  readonly masterKey: Buffer;
  readonly trustedProxies: readonly string[];
  readonly tls: { readonly certPath: string; readonly keyPath: string } | undefined;
  readonly lifecycle: Readonly<LifecyclePolicy>;
  /**
   * The credential of Lethe's own OAuth integration on `POST /v1/portal/oauth` (unset: every call there is refused). Not a
   * staff token: the callback mints portal sessions, which would let staff read people's data without a grant.
   */
  readonly oauthCallbackToken: string | undefined;
  /** The data protection officer's address: the contact point in breach notices and reports (Art. 33(3)(b)). */
  readonly dpoEmail: string | undefined;
  /** How long owners may object to a planned sub-processor before it takes effect (Art. 28(2)). */
  readonly subProcessorObjectionWindowMs: number;
  /**
   * Connections per pool. The API and the worker never share a pool, also when `npm start` runs both in one
   * process: a long cascade cannot take the connections API requests wait for, nor queue behind them.
   */
  readonly dbPool: { readonly api: number; readonly worker: number };
  /**
   * PostgreSQL's own limits, ms: a statement of the API that runs longer is cancelled (the caller hears 503), and a
   * session that idles inside a transaction is ended (any pool). The worker's statements have no limit of their own
   * (a backup may run long; heartbeats watch it) except the erasure batches, each abandoned and retried after
   * `erasureBatchMs` (a batch takes milliseconds; one that does not is stuck on a lock or a server that stopped).
   */
  readonly dbTimeouts: {
    readonly statementMs: number;
    readonly idleInTransactionMs: number;
    readonly erasureBatchMs: number;
  };
  /**
   * The API answers 503 `SERVICE_TIMEOUT` to a request still running after this long (ms), whatever it waits on: a
   * frozen database answers no statement timeout. Defaults to the statement timeout plus 5 s.
   */
  readonly requestTimeoutMs: number;
  /**
   * Where the worker serves Prometheus metrics (the Temporal SDK's and Lethe's): WORKER_METRICS_PORT, on
   * WORKER_METRICS_HOST (127.0.0.1 unless set: the endpoint has no authentication). Unset port: none.
   */
  /** A bearer token that opens the API's /metrics and nothing else (Prometheus's); operators' tokens open it too. */
  readonly metricsToken: string | undefined;
  readonly workerMetrics: { readonly host: string; readonly port: number } | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `json` or `pretty`; unset: pretty when the process writes to a terminal, JSON otherwise (logger.ts). */
  readonly logFormat: 'json' | 'pretty' | undefined;
  /**
   * Outbound mail: an `smtp://` or `smtps://` URL (credentials in it, never logged). Unset means `npm start` runs
   * Mailpit; a worker on its own then only logs that a notice is due.
   */
  readonly smtpUrl: string | undefined;
  /** The From of every mail, `Name <address>` or a bare address; its domain also names the Message-IDs. */
  readonly mailFrom: string;
}

/** Thrown by {@link loadConfig} with every bad key named; values are never echoed (they may be secrets). */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Defaults of DESIGN §2; `REACTIVATION_WINDOW` (silent in the design) gives a reactivated trial one week. */
export const DEFAULT_PERIODS = {
  TRIAL_PERIOD: '14d',
  PAYMENT_GRACE_PERIOD: '7d',
  SUSPENSION_PERIOD: '60d',
  REMOVAL_PERIOD: '30d',
  BACKUP_RETENTION_PERIOD: '30d',
  REACTIVATION_WINDOW: '7d',
} as const;

const MIN_SECRET_LENGTH = 32;

export const DEFAULT_MAIL_FROM = 'Lethe <no-reply@lethe.localhost>';
/** A bare address or `Display Name <address>`; the name may not hold `<`, `>` or line breaks (header injection). */
const MAIL_FROM_PATTERN = /^(?:[^<>\r\n"]{1,100} <[^\s<>@]+@[^\s<>@]+\.?[^\s<>@]*>|[^\s<>@]+@[^\s<>@]+)$/;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses and validates the environment into a frozen {@link Config}.
 * Collects every problem before failing, so one run names all bad keys.
 */
export function loadConfig(env: Env): Config {
  const problems: string[] = [];
  const get = (key: string): string | undefined => {
    const value = env[key]?.trim();
    return value === '' ? undefined : value;
  };
  const required = (key: string, hint: string): string => {
    const value = get(key);
    if (value === undefined) problems.push(`${key} is required (${hint})`);
    return value ?? '';
  };

  const databaseUrl = get('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }

  const temporalAddress = get('TEMPORAL_ADDRESS');
  if (temporalAddress !== undefined && !/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(temporalAddress)) {
    problems.push('TEMPORAL_ADDRESS must be host:port');
  }

  const temporalNamespace = get('TEMPORAL_NAMESPACE') ?? 'default';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/.test(temporalNamespace)) {
    problems.push('TEMPORAL_NAMESPACE must be a namespace name (letters, digits, . _ -)');
  }

  const temporalUiUrl = get('TEMPORAL_UI_URL')?.replace(/\/+$/, '');
  if (temporalUiUrl !== undefined && !isWebUrl(temporalUiUrl)) {
    problems.push('TEMPORAL_UI_URL must be an http:// or https:// URL, e.g. http://localhost:8233');
  }

  const portText = get('PORT') ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 0 || port > 65535) problems.push('PORT must be an integer from 0 to 65535');

  const billingWebhookSecret = required('BILLING_WEBHOOK_SECRET', `at least ${MIN_SECRET_LENGTH} characters`);
  if (billingWebhookSecret !== '' && billingWebhookSecret.length < MIN_SECRET_LENGTH) {
    problems.push(`BILLING_WEBHOOK_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
  }

  const stripeWebhookSecret = get('STRIPE_WEBHOOK_SECRET');
  if (stripeWebhookSecret !== undefined && !/^whsec_\S{16,}$/.test(stripeWebhookSecret)) {
    problems.push('STRIPE_WEBHOOK_SECRET must be a Stripe endpoint secret (whsec_…)');
  }

  const inboundEmailSecret = get('INBOUND_EMAIL_SECRET');
  if (inboundEmailSecret !== undefined && inboundEmailSecret.length < MIN_SECRET_LENGTH) {
    problems.push(`INBOUND_EMAIL_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
  }

  const operators = parseStaffTokens('OPERATOR_TOKENS', get('OPERATOR_TOKENS'), 'operator');
  const support = parseStaffTokens('SUPPORT_TOKENS', get('SUPPORT_TOKENS'), 'support');
  const merged = mergeStaff(operators.staff, support.staff);
  problems.push(...operators.problems, ...support.problems, ...merged.problems);
  const staff = merged.staff.map((member) => Object.freeze(member));

  const masterKeyText = required('MASTER_KEY', 'base64 of 32 random bytes, e.g. `openssl rand -base64 32`');
  const masterKey = Buffer.from(masterKeyText, 'base64');
  if (masterKeyText !== '' && (masterKey.length !== 32 || !/^[A-Za-z0-9+/]+=*$/.test(masterKeyText))) {
    problems.push('MASTER_KEY must be base64 of exactly 32 bytes');
  }

  const trustedProxies = (get('TRUSTED_PROXIES') ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const badProxies = trustedProxies.filter((cidr) => !isCidrOrAddress(cidr));
  if (badProxies.length > 0) problems.push('TRUSTED_PROXIES must be comma-separated IP addresses or CIDR ranges');

  const certPath = get('TLS_CERT');
  const keyPath = get('TLS_KEY');
  if ((certPath === undefined) !== (keyPath === undefined)) {
    problems.push('TLS_CERT and TLS_KEY must be set together');
  }
  for (const [key, path] of [
    ['TLS_CERT', certPath],
    ['TLS_KEY', keyPath],
  ] as const) {
    if (path !== undefined && !existsSync(path)) problems.push(`${key} names a file that does not exist`);
  }

  const periodMs = (key: keyof typeof DEFAULT_PERIODS): number => {
    const text = get(key) ?? DEFAULT_PERIODS[key];
    const ms = parseDuration(text);
    if (ms === undefined) problems.push(`${key} must be a duration such as 14d, 36h, 90s`);
    return ms ?? 0;
  };
  const lifecycle: LifecyclePolicy = {
    trialPeriodMs: periodMs('TRIAL_PERIOD'),
    paymentGracePeriodMs: periodMs('PAYMENT_GRACE_PERIOD'),
    suspensionPeriodMs: periodMs('SUSPENSION_PERIOD'),
    removalPeriodMs: periodMs('REMOVAL_PERIOD'),
    backupRetentionPeriodMs: periodMs('BACKUP_RETENTION_PERIOD'),
    reactivationWindowMs: periodMs('REACTIVATION_WINDOW'),
    shortPeriodReminders: true,
  };

  const poolSize = (key: string, fallback: number): number => {
    const text = get(key) ?? String(fallback);
    const size = Number(text);
    if (!/^\d+$/.test(text) || size < 1 || size > 100) problems.push(`${key} must be an integer from 1 to 100`);
    return size;
  };
  const dbPool = { api: poolSize('API_DB_POOL_SIZE', 10), worker: poolSize('WORKER_DB_POOL_SIZE', 4) };

  const timeoutMs = (key: string, fallback: string): number => {
    const ms = parseDuration(get(key) ?? fallback);
    if (ms === undefined || ms < 100) problems.push(`${key} must be a duration of at least 100ms, such as 30s`);
    return ms ?? 0;
  };
  const dbTimeouts = {
    statementMs: timeoutMs('DB_STATEMENT_TIMEOUT', '30s'),
    idleInTransactionMs: timeoutMs('DB_IDLE_IN_TRANSACTION_TIMEOUT', '60s'),
    erasureBatchMs: timeoutMs('ERASURE_BATCH_TIMEOUT', '30s'),
  };
  const oauthCallbackToken = get('OAUTH_CALLBACK_TOKEN');
  if (oauthCallbackToken !== undefined && oauthCallbackToken.length < MIN_SECRET_LENGTH) {
    problems.push(`OAUTH_CALLBACK_TOKEN must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const dpoEmail = get('DPO_EMAIL');
  if (dpoEmail !== undefined && !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(dpoEmail)) {
    problems.push('DPO_EMAIL must be an e-mail address, e.g. dpo@example.com');
  }
  const windowText = get('SUB_PROCESSOR_OBJECTION_WINDOW') ?? '30d';
  const subProcessorObjectionWindowMs = parseDuration(windowText) ?? 0;
  if (subProcessorObjectionWindowMs < 1_000) {
    problems.push('SUB_PROCESSOR_OBJECTION_WINDOW must be a duration of at least 1s, such as 30d');
  }
  const requestTimeoutMs = timeoutMs('REQUEST_TIMEOUT', `${dbTimeouts.statementMs + 5_000}ms`);

  const logLevel = get('LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  }

  const metricsToken = get('METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < MIN_SECRET_LENGTH) {
    problems.push(`METRICS_TOKEN must be at least ${MIN_SECRET_LENGTH} characters`);
  }

  const metricsPortText = get('WORKER_METRICS_PORT');
  const metricsPort = Number(metricsPortText);
  if (metricsPortText !== undefined && (!/^\d{1,5}$/.test(metricsPortText) || metricsPort < 1 || metricsPort > 65535)) {
    problems.push('WORKER_METRICS_PORT must be a port from 1 to 65535');
  }
  const metricsHost = get('WORKER_METRICS_HOST') ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]+$/.test(metricsHost)) problems.push('WORKER_METRICS_HOST must be a host name or address');
  const workerMetrics =
    metricsPortText === undefined ? undefined : Object.freeze({ host: metricsHost, port: metricsPort });

  const logFormat = get('LOG_FORMAT');
  if (logFormat !== undefined && logFormat !== 'json' && logFormat !== 'pretty') {
    problems.push('LOG_FORMAT must be json or pretty');
  }

  const smtpUrl = get('SMTP_URL');
  if (smtpUrl !== undefined && !isSmtpUrl(smtpUrl)) {
    problems.push('SMTP_URL must be an smtp:// or smtps:// URL with a host, e.g. smtp://localhost:1025');
  }
  const mailFrom = get('MAIL_FROM') ?? DEFAULT_MAIL_FROM;
  if (!MAIL_FROM_PATTERN.test(mailFrom)) {
    problems.push('MAIL_FROM must be an address or `Name <address>`, e.g. Lethe <no-reply@example.com>');
  }

  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    databaseUrl,
    temporalAddress,
    temporalNamespace,
    temporalUiUrl,
    port,
    billingWebhookSecret,
    stripeWebhookSecret,
    inboundEmailSecret,
    staff: Object.freeze(staff),
    masterKey,
    trustedProxies: Object.freeze(trustedProxies),
    tls: certPath !== undefined && keyPath !== undefined ? Object.freeze({ certPath, keyPath }) : undefined,
    lifecycle: Object.freeze(lifecycle),
    subProcessorObjectionWindowMs,
    dpoEmail,
    oauthCallbackToken,
    dbPool: Object.freeze(dbPool),
    dbTimeouts: Object.freeze(dbTimeouts),
    requestTimeoutMs,
    logLevel: logLevel as Config['logLevel'],
    logFormat: logFormat as Config['logFormat'],
    workerMetrics,
    metricsToken,
    smtpUrl,
    mailFrom,
  });
}

function isWebUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.search === '';
  } catch {
    return false;
  }
}

function isSmtpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function isCidrOrAddress(text: string): boolean {
  if (text.includes('/')) {
    try {
      ipaddr.parseCIDR(text);
      return true;
    } catch {
      return false;
    }
  }
  return ipaddr.isValid(text);
}
