import { loadConfig } from '../../src/config';
import type { Config } from '../../src/config';

/** Fixed, obviously fake secrets for tests. */
export const TEST_ENV = {
  MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
  BILLING_WEBHOOK_SECRET: 'test-billing-secret-test-billing-secret',
  INBOUND_EMAIL_SECRET: 'test-inbound-secret-test-inbound-secret',
  OAUTH_CALLBACK_TOKEN: 'test-oauth-callback-token-0000000000000',
  OPERATOR_TOKENS: 'test-operator-token-0000000000000000,test-operator-token-1111111111111111',
  LOG_LEVEL: 'silent',
} as const;

/** A real Config built by the real loader, from the test env plus the servers global-setup started. */
export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    ...TEST_ENV,
    DATABASE_URL: process.env.DATABASE_URL,
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
    ...overrides,
  });
}
