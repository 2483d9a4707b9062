import type { TestApp } from './app';

export interface Call {
  method?: string;
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** The socket peer address the request seems to come from. */
  ip?: string;
}

/** `app.request()` with JSON, a bearer token and a socket peer address (as @hono/node-server provides it). */
export async function call(
  t: TestApp,
  path: string,
  options: Call = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const res = await t.app.request(
    path,
    {
      method: options.method ?? (options.body !== undefined ? 'POST' : 'GET'),
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    },
    { incoming: { socket: { remoteAddress: options.ip ?? '198.51.100.10' } } },
  );
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}
