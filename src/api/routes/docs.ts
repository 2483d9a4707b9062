import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from '../deps';

// Swagger UI from the swagger-ui-dist npm package, served by us: the docs work offline and under a strict CSP.
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Lethe API reference</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#reference', deepLinking: true });`;

/** Swagger UI needs its own scripts, inline styles and data: images; nothing from elsewhere. */
export const DOCS_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
};

export function docsRoutes() {
  const dir = dirname(require.resolve('swagger-ui-dist/package.json'));
  const cache = new Map<string, string>();
  const asset = (name: string): string => {
    let body = cache.get(name);
    if (body === undefined) {
      body = readFileSync(join(dir, name), 'utf8');
      cache.set(name, body);
    }
    return body;
  };
  return new Hono<AppEnv>()
    .get('/docs', (c) => c.html(PAGE))
    .get('/docs/assets/init.js', (c) => c.body(INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }))
    .get('/docs/assets/:name', (c) => {
      const name = c.req.param('name');
      const type = ASSETS[name];
      if (type === undefined) return c.notFound();
      return c.body(asset(name), 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });
    });
}
