import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { signUpAndSignIn, startStack, until } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { FIXTURE_PASSWORD } from '../helpers/tenants';

const BOB = `bob-support-token-${'b'.repeat(20)}`;
const ALICE = `alice-operator-token-${'a'.repeat(20)}`;
const TEMPORAL_UI = 'http://temporal-ui.example.test:8233';

// Issue 11 §3: the support console, driven in Debian's Chromium through playwright-core, on the real stack. Trials
// last 4 s here, so a fresh account soon waits in `suspended` for support to reactivate it.
describe('the support console', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startStack({
      SUPPORT_TOKENS: `bob:${BOB}`,
      OPERATOR_TOKENS: `alice:${ALICE}`,
      TRIAL_PERIOD: '4s',
      TEMPORAL_UI_URL: TEMPORAL_UI,
    });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const stateOf = async (id: string) =>
    (await stack.http('GET', `/v1/accounts/${id}`, undefined, { authorization: `Bearer ${ALICE}` })).body?.state as
      string | undefined;
  const auditOf = (id: string) =>
    stack.sql<{ actor: string; action: string; reference: string | null }[]>`
      select actor, action, reference from audit_log where account_id = ${id} order by id`;
  const suspendedAccount = async () => {
    const a = await signUpAndSignIn(stack, 'console', (tag) => `Owner.${tag}@Example.test`);
    await until(
      () => stateOf(a.id),
      (s) => s === 'suspended',
    );
    return a;
  };

  async function signedIn(token = BOB): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${stack.server.url}/console`);
    await page.fill('#token', token);
    await page.click('button[type=submit]');
    await page.waitForSelector('#query');
    return page;
  }

  async function search(page: Page, query: string) {
    await page.fill('#query', query);
    await Promise.all([page.waitForLoadState(), page.click('form.search button[type=submit]')]);
  }

  it('signs staff in with their token only, and out again for good', async () => {
    const page = await browser.newPage();
    const first = await page.goto(`${stack.server.url}/console`);
    expect(first?.status()).toBe(200);
    expect(first?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(first?.headers()['content-security-policy']).toContain("form-action 'self'");
    await page.fill('#token', `${BOB}x`);
    const wrong = await Promise.all([page.waitForResponse(/sign-in/), page.click('button[type=submit]')]);
    expect(wrong[0].status()).toBe(401);
    expect(await page.textContent('[role=alert]')).toContain('not a staff token');

    await page.fill('#token', BOB);
    await page.click('button[type=submit]');
    await page.waitForSelector('#query');
    expect(await page.textContent('header')).toContain('bob');
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    // The cookie holds a random secret, not the token.
    expect(cookie?.value).not.toContain(BOB);

    // Signing out ends the session on the server: a copy of the cookie opens nothing afterwards.
    const copy = `lethe-console=${cookie?.value}`;
    await page.click('header button');
    await page.waitForSelector('#token');
    const replayed = await fetch(`${stack.server.url}/console`, { headers: { cookie: copy } });
    expect(await replayed.text()).toContain('id="token"');
    await page.close();
  });

  it('finds an account by subdomain or owner email, with no personal data in any URL, and shows its story', async () => {
    const a = await suspendedAccount();
    const page = await signedIn();
    const visited: string[] = [];
    page.on('request', (r) => visited.push(r.url()));

    await search(page, a.subdomain);
    expect(await page.textContent('table.results')).toContain('suspended');
    await search(page, a.email.toUpperCase());
    const row = page.locator('table.results tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain(a.subdomain);
    await Promise.all([page.waitForURL(/\/console\/accounts\//), row.locator('a').click()]);

    expect(page.url()).toBe(`${stack.server.url}/console/accounts/${a.id}`);
    expect(await page.textContent('h1')).toContain('suspended');
    const facts = await page.textContent('section.facts');
    expect(facts).toContain('Removal');
    expect(facts).toContain(a.id);
    expect(await page.textContent('body')).toContain('trial_expired');
    expect(await page.getAttribute('section.facts a', 'href')).toBe(
      `${TEMPORAL_UI}/namespaces/default/workflows/account-${a.id}`,
    );
    // The audit trail on the page shows the look-up by email, by name.
    expect(await page.textContent('table.audit')).toContain('staff.looked_up_by_owner_email');
    expect(await page.textContent('table.audit')).toContain('staff:bob');
    for (const url of visited) {
      expect(url.toLowerCase()).not.toContain(a.email.toLowerCase());
      expect(url.toLowerCase()).not.toContain(encodeURIComponent(a.email.toLowerCase()));
      expect(url).not.toContain(a.subdomain);
    }
    await page.close();
  });

  it('reactivates a suspended account with the channel and reference, recorded under the staff member’s name', async () => {
    const a = await suspendedAccount();
    const page = await signedIn();
    await page.goto(`${stack.server.url}/console/accounts/${a.id}`);
    await page.selectOption('#reactivate-channel', 'email');
    await page.fill('#reactivate-reference', 'MAIL-4711');
    await Promise.all([page.waitForURL(/done=reactivated/), page.click('form[action$="/reactivate"] button')]);

    expect(await page.textContent('[role=status]')).toContain('Reactivated');
    expect(await page.textContent('h1')).toContain('trial');
    expect(await stateOf(a.id)).toBe('trial');
    expect(await auditOf(a.id)).toContainEqual({
      actor: 'staff:bob',
      action: 'support.reactivated_email',
      reference: 'MAIL-4711',
    });
    // The owner can sign in again.
    const login = await stack.http('POST', '/v1/auth/login', {
      subdomain: a.subdomain,
      email: a.email,
      password: FIXTURE_PASSWORD,
    });
    expect(login.status).toBe(200);
    await page.close();
  });

  it('refuses what the state does not allow and says why, and a deletion whose confirmation is wrong', async () => {
    const a = await signUpAndSignIn(stack, 'console');
    const paid = await stack.billing({
      id: `evt_${randomUUID()}`,
      type: 'payment.succeeded',
      accountId: a.id,
      occurredAt: new Date().toISOString(),
      data: { invoiceId: 'inv_1' },
    });
    expect(paid.status).toBe(200);
    await until(
      () => stateOf(a.id),
      (s) => s === 'active',
    );
    const page = await signedIn();
    await page.goto(`${stack.server.url}/console/accounts/${a.id}`);
    await page.fill('#reactivate-reference', 'CHAT-1');
    const [refused] = await Promise.all([
      page.waitForResponse(/\/reactivate$/),
      page.click('form[action$="/reactivate"] button'),
    ]);
    expect(refused.status()).toBe(409);
    expect(await page.textContent('[role=alert]')).toContain('The account is active: it allows deletion');

    await page.fill('#delete-reference', 'CHAT-1');
    await page.fill('#delete-confirm', `${a.subdomain}-not`);
    const [mismatch] = await Promise.all([
      page.waitForResponse(/\/deletion$/),
      page.click('form[action$="/deletion"] button'),
    ]);
    expect(mismatch.status()).toBe(400);
    expect(await page.textContent('[role=alert]')).toContain('subdomain');
    expect(await stateOf(a.id)).toBe('active');
    const actions = (await auditOf(a.id)).map((e) => e.action);
    expect(actions.filter((x) => x.startsWith('support.'))).toEqual([]);
    await page.close();
  });

  describe('attacked from outside the console', () => {
    /** A signed-in session's cookie and CSRF token, from the console's own page. */
    async function session(token = BOB) {
      const signIn = await fetch(`${stack.server.url}/console/sign-in`, {
        method: 'POST',
        body: new URLSearchParams({ token }),
        redirect: 'manual',
      });
      expect(signIn.status).toBe(303);
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
      const page = await (await fetch(`${stack.server.url}/console`, { headers: { cookie } })).text();
      const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] as string;
      return { cookie, csrf };
    }
    const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${stack.server.url}${path}`, {
        method: 'POST',
        body: new URLSearchParams(form),
        headers,
        redirect: 'manual',
      });

    it('refuses a forged form: no session, no CSRF token, another session’s token, or a cross-site post', async () => {
      const a = await suspendedAccount();
      const bob = await session();
      const alice = await session(ALICE);
      const action = `/console/accounts/${a.id}/reactivate`;
      const form = { channel: 'email', reference: 'MAIL-1' };
      expect((await post(action, { ...form, csrf: bob.csrf })).status).toBe(401);
      expect((await post(action, form, { cookie: bob.cookie })).status).toBe(403);
      expect((await post(action, { ...form, csrf: alice.csrf }, { cookie: bob.cookie })).status).toBe(403);
      const crossSite = { cookie: bob.cookie, 'sec-fetch-site': 'cross-site' };
      expect((await post(action, { ...form, csrf: bob.csrf }, crossSite)).status).toBe(403);
      const otherOrigin = { cookie: bob.cookie, origin: 'http://evil.example.test' };
      expect((await post(action, { ...form, csrf: bob.csrf }, otherOrigin)).status).toBe(403);
      expect(await stateOf(a.id)).toBe('suspended');
      expect((await auditOf(a.id)).map((e) => e.action)).not.toContain('support.reactivated_email');
      // The same form, sent right, works: the refusals were about the forgery.
      const sent = await post(action, { ...form, csrf: bob.csrf }, { cookie: bob.cookie });
      expect(sent.status).toBe(303);
      expect(await stateOf(a.id)).toBe('trial');
    });

    it('lets no page be read without a session, serves no cache, and a made-up cookie opens nothing', async () => {
      const a = await suspendedAccount();
      const anonymous = await fetch(`${stack.server.url}/console/accounts/${a.id}`, { redirect: 'manual' });
      expect(anonymous.status).toBe(303);
      const forged = await fetch(`${stack.server.url}/console/accounts/${a.id}`, {
        headers: { cookie: `lethe-console=${'A'.repeat(43)}` },
        redirect: 'manual',
      });
      expect(forged.status).toBe(303);
      const bob = await session();
      const page = await fetch(`${stack.server.url}/console/accounts/${a.id}`, { headers: { cookie: bob.cookie } });
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      const unknown = await fetch(`${stack.server.url}/console/accounts/${randomUUID()}`, {
        headers: { cookie: bob.cookie },
      });
      expect(unknown.status).toBe(404);
      const notAnId = await fetch(`${stack.server.url}/console/accounts/..%2F..%2Fv1`, {
        headers: { cookie: bob.cookie },
      });
      expect(notAnId.status).toBe(404);
    });

    it('refuses a NUL in any field with 400, and answers 50 searches at once', async () => {
      const a = await suspendedAccount();
      const bob = await session();
      const headers = { cookie: bob.cookie };
      for (const query of [`${a.subdomain}\u0000`, `owner\u0000@example.test`]) {
        const res = await post('/console/search', { query, csrf: bob.csrf }, headers);
        expect(res.status).toBe(400);
      }
      const nul = await post(
        `/console/accounts/${a.id}/reactivate`,
        { channel: 'email', reference: 'MAIL-1', csrf: bob.csrf, extra: 'x\u0000' },
        headers,
      );
      expect(nul.status).toBe(400);
      expect(await stateOf(a.id)).toBe('suspended');
      const many = await Promise.all(
        Array.from({ length: 50 }, () => post('/console/search', { query: a.subdomain, csrf: bob.csrf }, headers)),
      );
      expect(many.map((r) => r.status)).toEqual(Array.from({ length: 50 }, () => 200));
      expect(await many[0]?.text()).toContain(a.subdomain);
    });

    it('escapes what it shows: markup in a reference is text on the page', async () => {
      const a = await suspendedAccount();
      const bob = await session();
      // The reference is validated (letters, digits and # : . _ -), so markup never reaches the audit trail at all.
      const res = await post(
        `/console/accounts/${a.id}/reactivate`,
        { channel: 'email', reference: '<script>alert(1)</script>', csrf: bob.csrf },
        { cookie: bob.cookie },
      );
      expect(res.status).toBe(400);
      const body = await res.text();
      expect(body).not.toContain('<script>');
      expect(await stateOf(a.id)).toBe('suspended');
    });
  });
});
