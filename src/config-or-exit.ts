import { ConfigError, loadConfig } from './config';
import type { Config } from './config';

/** Composition roots call this: a bad configuration prints one message naming every bad key and exits 2. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`lethe: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}
