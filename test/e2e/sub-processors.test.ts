import { waitForMails } from '../helpers/mailbox';
import { signUpAndSignIn, startStack, until } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { FIXTURE_PASSWORD } from '../helpers/tenants';

describe('sub-processors: a public list, an objection window, owners told and heard (issue 15 §4)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ SUB_PROCESSOR_OBJECTION_WINDOW: '6s' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const planned = {
    name: 'Parcel & Mail GmbH',
    purpose: 'Delivery of transactional mail',
    location: 'Germany (EU)',
    transferMechanism: 'none: processed in the EU',
  };

  it('mails every owner, records their objections while the window is open, then takes effect', async () => {
    const first = await signUpAndSignIn(stack, 'subp');
    const second = await signUpAndSignIn(stack, 'subq');
    // Only operators plan sub-processors.
    expect((await stack.http('POST', '/v1/admin/sub-processors', planned)).status).toBe(401);
    expect((await stack.http('POST', '/v1/admin/sub-processors', planned, first.auth)).status).toBe(401);

    const announced = await stack.http('POST', '/v1/admin/sub-processors', planned, stack.operator);
    expect(announced.status).toBe(202);
    const id = announced.body.id as string;
    expect(announced.body).toMatchObject({ ...planned, status: 'planned' });
    const window = Date.parse(announced.body.effectiveAt as string) - Date.parse(announced.body.announcedAt as string);
    expect(window).toBe(6_000);

    // Public, anonymous: the list and the feed show it as planned.
    const listed = await stack.http('GET', '/v1/sub-processors');
    expect(listed.body.subProcessors).toEqual(
      expect.arrayContaining([expect.objectContaining({ id, status: 'planned' })]),
    );
    const feed = await fetch(`${stack.server.url}/v1/sub-processors/feed.atom`);
    expect(feed.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const atom = await feed.text();
    expect(atom).toContain(`<id>urn:uuid:${id}</id>`);
    expect(atom).toContain('Planned: Parcel &amp; Mail GmbH');

    // Each owner hears of it, with what it is and until when they may object.
    for (const owner of [first.email, second.email]) {
      const [notice] = await waitForMails(owner, 1);
      expect(notice?.subject).toContain('A new sub-processor');
      expect(notice?.text).toContain('Parcel & Mail GmbH');
      expect(notice?.text).toContain(`/v1/sub-processors/${id}/objections`);
    }

    // Owners object once each; an agent may not; twice is refused.
    const objection = { reason: 'We promised our customers German processing only' };
    expect((await stack.http('POST', `/v1/sub-processors/${id}/objections`, objection, first.auth)).status).toBe(201);
    expect((await stack.http('POST', `/v1/sub-processors/${id}/objections`, objection, first.auth)).status).toBe(409);
    await stack.http(
      'POST',
      '/v1/agents',
      { email: `agent-${second.tag}@example.test`, name: 'A', role: 'agent', password: FIXTURE_PASSWORD },
      second.auth,
    );
    const agent = await stack.http('POST', '/v1/auth/login', {
      subdomain: second.subdomain,
      email: `agent-${second.tag}@example.test`,
      password: FIXTURE_PASSWORD,
    });
    const asAgent = { authorization: `Bearer ${agent.body.token as string}` };
    expect((await stack.http('POST', `/v1/sub-processors/${id}/objections`, objection, asAgent)).status).toBe(403);
    expect((await stack.http('POST', `/v1/sub-processors/${id}/objections`, { reason: ' ' }, second.auth)).status).toBe(
      400,
    );
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await stack.http('POST', `/v1/sub-processors/${unknown}/objections`, objection, second.auth)).status).toBe(
      404,
    );

    const recorded = await stack.http('GET', `/v1/admin/sub-processors/${id}/objections`, undefined, stack.operator);
    expect(recorded.body.objections).toEqual([
      { accountId: first.id, subdomain: first.subdomain, reason: objection.reason, createdAt: expect.any(String) },
    ]);
    expect((await stack.http('GET', `/v1/admin/sub-processors/${id}/objections`, undefined, first.auth)).status).toBe(
      401,
    );

    // The window closes on the workflow's timer: in effect, and objections are refused from then on.
    const effective = await until(
      () => stack.http('GET', '/v1/sub-processors'),
      (r) => r.body.subProcessors.some((s: { id: string; status: string }) => s.id === id && s.status === 'active'),
      20_000,
    );
    expect(effective.status).toBe(200);
    expect((await stack.http('POST', `/v1/sub-processors/${id}/objections`, objection, second.auth)).status).toBe(409);
    const after = await (await fetch(`${stack.server.url}/v1/sub-processors/feed.atom`)).text();
    expect(after).toContain('Parcel &amp; Mail GmbH is a sub-processor');
  });
});
