// Takes the README's screenshots from a running `npm start` (docs/images/*.png), with Debian's Chromium driven by
// playwright-core. Start it with short trials so an account is suspended within the minute:
//
//   TRIAL_PERIOD=20s npm start            # in one terminal
//   node scripts/screenshots.mjs          # in another (CHROMIUM_PATH, LETHE_URL, TEMPORAL_UI_URL to override)
//
// It signs up three tenants (one pays, two let their trial end), acts on one in the support console as the dev
// operator, and photographs the console and the Temporal UI's list filtered by AccountState.
import { createHmac, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = new URL('..', import.meta.url).pathname;
const api = process.env.LETHE_URL ?? 'http://localhost:3000';
const ui = process.env.TEMPORAL_UI_URL ?? 'http://localhost:8233';
const secrets = JSON.parse(
  readFileSync(resolve(root, process.env.LETHE_DATA_DIR || '.data', 'dev-secrets.json'), 'utf8'),
);
const operatorToken = secrets.OPERATOR_TOKENS.split(',')[0].replace(/^[a-z0-9._-]+:/, '');
const out = join(root, 'docs', 'images');
mkdirSync(out, { recursive: true });

async function http(method, path, body, headers = {}) {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
const asOperator = { authorization: `Bearer ${operatorToken}` };

async function signup(name) {
  const tag = randomBytes(2).toString('hex');
  const subdomain = `${name}-${tag}`;
  const res = await http('POST', '/v1/accounts', {
    subdomain,
    name: `${name[0].toUpperCase()}${name.slice(1)} Ltd`,
    owner: { email: `owner@${subdomain}.example`, name: 'Owner', password: 'correct horse battery staple 42' },
  });
  if (res.status !== 201) throw new Error(`sign-up answered ${res.status}`);
  return { id: res.body.account.id, subdomain };
}

async function pay(accountId) {
  const raw = JSON.stringify({
    id: `evt_${randomBytes(8).toString('hex')}`,
    type: 'payment.succeeded',
    accountId,
    occurredAt: new Date().toISOString(),
    data: { invoiceId: 'inv_1' },
  });
  const t = String(Math.floor(Date.now() / 1000));
  const v1 = createHmac('sha256', secrets.BILLING_WEBHOOK_SECRET).update(`${t}.${raw}`).digest('hex');
  const res = await http('POST', '/v1/billing/events', raw, { 'lethe-signature': `t=${t},v1=${v1}` });
  if (res.status !== 200) throw new Error(`payment answered ${res.status}`);
}

async function waitForState(id, state) {
  for (let i = 0; i < 180; i++) {
    const res = await http('GET', `/v1/accounts/${id}`, undefined, asOperator);
    if (res.body?.state === state) return;
    await sleep(1_000);
  }
  throw new Error(`account never reached ${state}: start npm start with TRIAL_PERIOD=20s`);
}

const beta = await signup('beta');
const acme = await signup('acme');
const gamma = await signup('gamma');
await pay(acme.id);
await waitForState(beta.id, 'suspended');
await waitForState(gamma.id, 'suspended');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
await page.goto(`${api}/console`);
await page.fill('#token', operatorToken);
await page.click('button[type=submit]');
await page.waitForSelector('#query');
await page.fill('#query', `owner@${beta.subdomain}.example`);
await page.click('form.search button[type=submit]');
await page.waitForSelector('table.results');
await page.screenshot({ path: join(out, 'console-search.png') });
await page.click('table.results a');
await page.waitForSelector('section.facts');
// Support's refused attempt first (deleting needs the subdomain typed), then the reactivation that is asked for.
await page.fill('#reactivate-reference', 'MAIL-2291');
await page.click('form[action$="/reactivate"] button');
await page.waitForSelector('[role=status]');
await page.screenshot({ path: join(out, 'console-account.png'), fullPage: true });

const wide = await browser.newPage({ viewport: { width: 1600, height: 800 } });
const filtered = `${ui}/namespaces/default/workflows?query=${encodeURIComponent('AccountState="suspended"')}`;
await wide.goto(filtered);
await wide.waitForSelector(`text=account-${gamma.id}`, { timeout: 30_000 });
await wide.waitForTimeout(1_000);
await wide.screenshot({ path: join(out, 'temporal-ui-suspended.png') });
// The console's link: the workflow by id alone (the UI opens its latest run), its timers and activities labelled.
await wide.setViewportSize({ width: 1600, height: 1300 });
await wide.goto(`${ui}/namespaces/default/workflows/account-${beta.id}`);
await wide.waitForSelector('text=Event History', { timeout: 30_000 });
await wide.waitForTimeout(3_000);
await wide.screenshot({ path: join(out, 'temporal-ui-account.png') });
await browser.close();
console.log(`screenshots in ${out}`);
