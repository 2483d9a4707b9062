import { createTestApp } from '../helpers/app';
import type { TestApp } from '../helpers/app';
import { testConfig } from '../helpers/config';
import { truncateAll } from '../helpers/db';
import { call } from '../helpers/http';
import { seedTenant } from '../helpers/tenants';

const SUPPORT = `sue-support-token-${'s'.repeat(20)}`;

// Issue 12 §3: staff actions are logged with ids only: who looked, how and how many, never what for.
describe('staff look-ups in the log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = createTestApp({ config: testConfig({ SUPPORT_TOKENS: `sue:${SUPPORT}` }) });
    await truncateAll(t.deps.sql);
  });
  afterAll(() => t.close());

  it('logs the staff member, the kind of look-up and the count, not the address', async () => {
    const a = await seedTenant(t.deps.sql);
    const res = await call(t, `/v1/admin/accounts?ownerEmail=${encodeURIComponent(a.ownerEmail)}`, { token: SUPPORT });
    expect(res.status).toBe(200);
    const entries = t.logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries).toContainEqual(
      expect.objectContaining({ msg: 'staff look-up', staff: 'sue', by: 'owner_email', found: 1 }),
    );
    expect(t.logLines.join('')).not.toContain(a.ownerEmail);
  });
});
