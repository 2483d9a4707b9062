import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';

export interface TemporalClient {
  connection: Connection;
  client: Client;
}

/**
 * A lazily connecting client: the API starts while Temporal is still down, `/readyz` says so, and each
 * call fails (→ 503) until it is back. Retries are few and short so a caller waiting on an HTTP answer hears
 * "unavailable" within about a second instead of the SDK's default of retrying for a long time.
 */
export function createTemporalClient(address: string, namespace: string): TemporalClient {
  const connection = Connection.lazy({
    address,
    interceptors: [
      makeGrpcRetryInterceptor(
        defaultGrpcRetryOptions({ maxAttempts: 3, initialIntervalMs: () => 100, maxIntervalMs: () => 400 }),
      ),
    ],
  });
  return { connection, client: new Client({ connection, namespace }) };
}
