import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './project-root';

/** How scripts/provision.mjs obtained a server binary. */
export interface ProvisionedBinary {
  route: 'path' | 'go' | 'maven' | 'sdk-download' | 'missing';
  path?: string;
  detail: string;
}

export interface ProvisionManifest {
  temporalCli: ProvisionedBinary;
  testServer: ProvisionedBinary;
  /** Absent in manifests written before Mailpit was provisioned (the script rewrites them). */
  mailpit?: ProvisionedBinary;
}

/** Reads `.tools/provision.json`; run `npm run provision` first (npm start and npm test do). */
export function readProvisionManifest(root: string = projectRoot()): ProvisionManifest {
  const path = join(root, '.tools', 'provision.json');
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ProvisionManifest;
  } catch {
    throw new Error(`${path} is missing: run \`npm run provision\` first`);
  }
}
