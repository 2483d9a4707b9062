import { Client, Connection } from '@temporalio/client';

export interface TemporalClient {
  connection: Connection;
  client: Client;
}

/**
 * A lazily connecting client: the API starts while Temporal is still down, `/readyz` says so, and each
 * call fails (→ 503) until it is back.
 */
export function createTemporalClient(address: string, namespace: string): TemporalClient {
  const connection = Connection.lazy({ address });
  return { connection, client: new Client({ connection, namespace }) };
}
