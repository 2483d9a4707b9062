import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpServer } from '../../src/api/http-server';
import { createLogger } from '../../src/logger';
import { createTemporalClient } from '../../src/temporal/client';
import { testConfig } from '../helpers/config';
import { testSql } from '../helpers/db';

function selfSignedCertificate(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lethe-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

function get(url: string, ca: Buffer): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('HTTPS server', () => {
  it('serves over TLS with HSTS when TLS_CERT and TLS_KEY are set, and stops cleanly', async () => {
    const { cert, key } = selfSignedCertificate();
    const sql = testSql();
    const temporal = createTemporalClient(process.env.TEMPORAL_ADDRESS ?? '', 'default');
    const server = await startHttpServer(
      { config: testConfig({ TLS_CERT: cert, TLS_KEY: key }), logger: createLogger('silent'), sql, temporal },
      0,
      '127.0.0.1',
    );
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const res = await get(`${server.url}/readyz`, readFileSync(cert));
      expect(res.status).toBe(200);
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(JSON.parse(res.body)).toMatchObject({ status: 'ready' });
    } finally {
      await server.close(1_000);
      await sql.end();
      await temporal.connection.close();
    }
    await expect(get(`${server.url}/healthz`, readFileSync(cert))).rejects.toThrow(/ECONNREFUSED/);
  });
});
