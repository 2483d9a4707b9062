import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Secrets `npm start` generates once per checkout so a developer never has to invent them. */
export interface DevSecrets {
  MASTER_KEY: string;
  BILLING_WEBHOOK_SECRET: string;
  /** Added after the first release: a file written before lacks it, and gets it on the next start. */
  INBOUND_EMAIL_SECRET: string;
  OPERATOR_TOKENS: string;
}

/**
 * Reads `.data/dev-secrets.json`, creating it (mode 0600) on first use and adding the secrets a newer version
 * needs. Never used when the env sets them.
 */
export function loadDevSecrets(path: string): DevSecrets {
  const existing = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Partial<DevSecrets>) : {};
  const secrets: DevSecrets = {
    MASTER_KEY: existing.MASTER_KEY ?? randomBytes(32).toString('base64'),
    BILLING_WEBHOOK_SECRET: existing.BILLING_WEBHOOK_SECRET ?? randomBytes(32).toString('hex'),
    INBOUND_EMAIL_SECRET: existing.INBOUND_EMAIL_SECRET ?? randomBytes(32).toString('hex'),
    // Named, so the audit trail says who acted: `dev`.
    OPERATOR_TOKENS: existing.OPERATOR_TOKENS ?? `dev:op_${randomBytes(24).toString('hex')}`,
  };
  if (Object.keys(secrets).every((name) => name in existing)) return secrets;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
