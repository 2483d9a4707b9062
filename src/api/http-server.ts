import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import { createApp } from './app';
import type { AppDeps } from './deps';

export interface RunningServer {
  url: string;
  /** Stops accepting connections, lets in-flight requests finish (up to `graceMs`), then closes the rest. */
  close(graceMs?: number): Promise<void>;
}

/** Listens on `port` (0 = any free port) over HTTP, or HTTPS when the config names a certificate. */
export async function startHttpServer(
  deps: Omit<AppDeps, 'https'>,
  port: number,
  host = '0.0.0.0',
): Promise<RunningServer> {
  const tls = deps.config.tls;
  const unnamed = deps.config.staff.filter((m) => !m.named).length;
  if (unnamed > 0) {
    deps.logger.warn(
      { unnamed },
      'staff tokens without a name act as "operator" in the audit trail: give each person name:token in OPERATOR_TOKENS / SUPPORT_TOKENS',
    );
  }
  const app = createApp({ ...deps, https: tls !== undefined });
  const server: ServerType = await new Promise((resolve) => {
    const s: ServerType = serve(
      {
        fetch: app.fetch,
        port,
        hostname: host,
        ...(tls
          ? {
              createServer: createHttpsServer,
              serverOptions: { cert: readFileSync(tls.certPath), key: readFileSync(tls.keyPath) },
            }
          : {}),
      },
      () => resolve(s),
    );
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    url: `${tls ? 'https' : 'http'}://${shownHost}:${address.port}`,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        const closeable = server as ServerType & {
          closeIdleConnections?: () => void;
          closeAllConnections?: () => void;
        };
        const timer = setTimeout(() => closeable.closeAllConnections?.(), graceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        closeable.closeIdleConnections?.();
      }),
  };
}
