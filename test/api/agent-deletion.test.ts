import { freePort } from '../../src/embedded/postgres';
import { createTemporalClient } from '../../src/temporal/client';
import { createTestApp, useAppWithFreshTenant } from '../helpers/app';
import type { TestApp } from '../helpers/app';
import { call } from '../helpers/http';
import { FIXTURE_PASSWORD } from '../helpers/tenants';
import type { SeededTenant } from '../helpers/tenants';

const AGENT_EMAIL = 'leaving.agent@example.test';

describe('deleting an agent (no worker runs in these tests)', () => {
  let t: TestApp;
  let tenant: SeededTenant;
  let owner: string;

  useAppWithFreshTenant(
    (app) => (t = app),
    async (seeded) => {
      tenant = seeded;
      owner = await login(tenant.ownerEmail);
    },
  );

  async function login(email: string, app: TestApp = t): Promise<string> {
    const res = await call(app, '/v1/auth/login', {
      body: { subdomain: tenant.subdomain, email, password: FIXTURE_PASSWORD },
    });
    return res.body?.token as string;
  }

  /** An agent with a session, an API token, and Basic credentials of both kinds. */
  async function agentWithCredentials() {
    const created = await call(t, '/v1/agents', {
      body: { email: AGENT_EMAIL, name: 'Leaving Agent', role: 'agent', password: FIXTURE_PASSWORD },
      token: owner,
    });
    expect(created.status).toBe(201);
    const session = await login(AGENT_EMAIL);
    const apiToken = (
      await call(t, '/v1/me/api-tokens', { body: { name: 'ci', password: FIXTURE_PASSWORD }, token: session })
    ).body.token as string;
    const basic = (secret: string) => ({
      authorization: `Basic ${Buffer.from(`${AGENT_EMAIL}:${secret}`).toString('base64')}`,
      'lethe-account': tenant.subdomain,
    });
    const uses = {
      session: () => call(t, '/v1/agents', { token: session }),
      apiToken: () => call(t, '/v1/agents', { token: apiToken }),
      basicToken: () => call(t, '/v1/agents', { headers: basic(apiToken) }),
      basicPassword: () => call(t, '/v1/agents', { headers: basic(FIXTURE_PASSWORD) }),
      login: () =>
        call(t, '/v1/auth/login', {
          body: { subdomain: tenant.subdomain, email: AGENT_EMAIL, password: FIXTURE_PASSWORD },
        }),
    };
    const statuses = async () =>
      Object.fromEntries(await Promise.all(Object.entries(uses).map(async ([k, use]) => [k, (await use()).status])));
    return { id: created.body.id as string, statuses };
  }

  it('stops every credential of the agent when the API answers, before any worker runs the erasure', async () => {
    const agent = await agentWithCredentials();
    expect(await agent.statuses()).toEqual({
      session: 200,
      apiToken: 200,
      basicToken: 200,
      basicPassword: 200,
      login: 200,
    });
    const deleted = await call(t, `/v1/agents/${agent.id}`, { method: 'DELETE', token: owner });
    expect(deleted.status).toBe(202);
    expect(await agent.statuses()).toEqual({
      session: 401,
      apiToken: 401,
      basicToken: 401,
      basicPassword: 401,
      login: 401,
    });
    // The erasure itself has not run: the row is still there, only locked out.
    expect(await t.deps.sql`select 1 from users where id = ${agent.id}`).toHaveLength(1);
    const unknown = await call(t, '/v1/auth/login', {
      body: { subdomain: tenant.subdomain, email: 'nobody@example.test', password: FIXTURE_PASSWORD },
    });
    const gone = await call(t, '/v1/auth/login', {
      body: { subdomain: tenant.subdomain, email: AGENT_EMAIL, password: FIXTURE_PASSWORD },
    });
    expect({ status: gone.status, code: gone.body.code }).toEqual({ status: unknown.status, code: unknown.body.code });
  });

  it('keeps the agent’s credentials when the deletion cannot be accepted (Temporal down: 503)', async () => {
    const agent = await agentWithCredentials();
    const down = createTestApp({ temporal: createTemporalClient(`127.0.0.1:${await freePort()}`, 'default') });
    try {
      const refused = await call(down, `/v1/agents/${agent.id}`, { method: 'DELETE', token: owner });
      expect(refused.status).toBe(503);
    } finally {
      await down.close();
    }
    expect(await agent.statuses()).toEqual({
      session: 200,
      apiToken: 200,
      basicToken: 200,
      basicPassword: 200,
      login: 200,
    });
  });
});
