import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Secrets `npm start` generates once per checkout so a developer never has to invent them. */
export interface DevSecrets {
  MASTER_KEY: string;
  BILLING_WEBHOOK_SECRET: string;
  OPERATOR_TOKENS: string;
}

/** Reads `.data/dev-secrets.json`, creating it (mode 0600) on first use. Never used when the env sets them. */
export function loadDevSecrets(path: string): DevSecrets {
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as DevSecrets;
  const secrets: DevSecrets = {
    MASTER_KEY: randomBytes(32).toString('base64'),
    BILLING_WEBHOOK_SECRET: randomBytes(32).toString('hex'),
    // Named, so the audit trail says who acted: `dev`.
    OPERATOR_TOKENS: `dev:op_${randomBytes(24).toString('hex')}`,
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
