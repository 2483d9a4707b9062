// Health probe of the lethe-api container (docker-compose.yml): exits 0 when GET /readyz answers 200, else 1.
// Node rather than curl, which slim images lack. It asks the server in its own container, over HTTPS when TLS_CERT
// is set; the certificate is not verified, since the server's identity is not in question on 127.0.0.1.
import http from 'node:http';
import https from 'node:https';
import process from 'node:process';

const useTls = (process.env.TLS_CERT ?? '').trim() !== '';
const port = Number((process.env.PORT ?? '').trim() || '3000');

const request = (useTls ? https : http).get(
  { host: '127.0.0.1', port, path: '/readyz', timeout: 4000, rejectUnauthorized: false },
  (response) => {
    response.resume();
    process.exitCode = response.statusCode === 200 ? 0 : 1;
  },
);
request.on('timeout', () => request.destroy(new Error('timed out')));
request.on('error', () => {
  process.exitCode = 1;
});
