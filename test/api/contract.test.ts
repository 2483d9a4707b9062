import { randomUUID } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { insertPortalSession } from '../../src/db/portal';
import { createTestApp } from '../helpers/app';
import type { TestApp } from '../helpers/app';
import { testConfig, TEST_ENV } from '../helpers/config';
import { truncateAll } from '../helpers/db';
import { FIXTURE_PASSWORD, seedTenant } from '../helpers/tenants';
import type { SeededTenant } from '../helpers/tenants';

interface Operation {
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema?: { pattern?: string } }[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
type Doc = { paths: Record<string, Record<string, Operation>> };

const SUPPORT = `sue-support-token-${'s'.repeat(20)}`;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

// Issue 12 §1: every operation of the served document, driven as every kind of caller, answers only what the document
// says, with a body that matches it: problems as application/problem+json with a code. Valid inputs for every
// operation are Schemathesis's part (in .ci/run); here each operation meets the answers every client meets first:
// no or wrong credentials, an empty or malformed body, the wrong media type, an unknown id, a method it does not take.
describe('the OpenAPI document is the truth', () => {
  let t: TestApp;
  let doc: Doc;
  let a: SeededTenant;
  let contactId: string;
  let portalToken: string;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const checked: string[] = [];

  beforeAll(async () => {
    t = createTestApp({ config: testConfig({ SUPPORT_TOKENS: `sue:${SUPPORT}` }) });
    await truncateAll(t.deps.sql);
    a = await seedTenant(t.deps.sql);
    doc = (await (await t.app.request('/openapi.json')).json()) as Doc;
    ajv.addSchema(doc, 'doc');
    const owner = await ownerToken();
    contactId = (await request('POST', '/v1/contacts', { token: owner, body: { email: 'c@example.test', name: 'C' } }))
      .body.id as string;
    portalToken = (await insertPortalSession(t.deps.sql, a.accountId, contactId)).token;
  });
  afterAll(() => t.close());

  async function ownerToken(): Promise<string> {
    const login = await request('POST', '/v1/auth/login', {
      body: { subdomain: a.subdomain, email: a.ownerEmail, password: FIXTURE_PASSWORD },
    });
    return login.body.token as string;
  }

  async function request(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; raw?: string; contentType?: string } = {},
  ) {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] = options.contentType ?? 'application/json';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const res = await t.app.request(
      path,
      { method, headers, body },
      { incoming: { socket: { remoteAddress: '198.51.100.20' } } },
    );
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return {
      status: res.status,
      type,
      headers: res.headers,
      // Parsed JSON, or the text as sent.
      body: type.includes('json') && text ? JSON.parse(text) : text,
    };
  }

  const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

  /** Checks one answer against the operation's documented responses; returns what was wrong, if anything. */
  function violations(path: string, method: string, answer: Awaited<ReturnType<typeof request>>): string | undefined {
    const op = doc.paths[path]?.[method] as Operation;
    const documented = op.responses[String(answer.status)];
    if (!documented) return `status ${answer.status} is not documented (${JSON.stringify(answer.body).slice(0, 200)})`;
    const [mediaType] = Object.keys(documented.content ?? {});
    if (mediaType === undefined) return undefined;
    if (!answer.type.startsWith(mediaType)) return `content-type ${answer.type}, documented ${mediaType}`;
    if (answer.status >= 400) {
      const body = answer.body as { code?: unknown; status?: unknown };
      if (typeof body.code !== 'string' || body.status !== answer.status) return 'problem without code or status';
    }
    const ref = `doc#/${pointer('paths', path, method, 'responses', String(answer.status), 'content', mediaType, 'schema')}`;
    const validate = ajv.getSchema(ref);
    if (!validate) return `no schema at ${ref}`;
    if (!validate(answer.body)) return `body does not match: ${ajv.errorsText(validate.errors)}`;
    return undefined;
  }

  /** The path with its parameters filled: ids unknown to everyone, the tenant's subdomain, a real purpose. */
  const concrete = (path: string) =>
    path
      .replaceAll('{subdomain}', a.subdomain)
      .replaceAll('{purpose}', 'marketing')
      .replace(/\{[^}]+\}/g, () => randomUUID());

  it('documents every answer of every operation, as every kind of caller, with bodies that match', async () => {
    const callers: Record<string, () => Promise<string | undefined>> = {
      anonymous: () => Promise.resolve(undefined),
      owner: ownerToken,
      operator: () => Promise.resolve(TEST_ENV.OPERATOR_TOKENS.split(',')[0]),
      support: () => Promise.resolve(SUPPORT),
      portal: () => Promise.resolve(portalToken),
      'wrong token': () => Promise.resolve(`lsess_${'x'.repeat(40)}`),
    };
    const problems: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const hasBody = op.requestBody !== undefined;
        for (const [caller, credential] of Object.entries(callers)) {
          const token = await credential();
          const tries: [string, Parameters<typeof request>[2]][] = [
            ['plain', { token, ...(hasBody ? { body: {} } : {}) }],
          ];
          if (hasBody) {
            tries.push(['malformed JSON', { token, raw: '{"oops":' }]);
            tries.push(['text/plain', { token, raw: 'hello', contentType: 'text/plain' }]);
          }
          for (const [what, options] of tries) {
            const answer = await request(method.toUpperCase(), concrete(path), options);
            const wrong = violations(path, method, answer);
            if (wrong) problems.push(`${method.toUpperCase()} ${path} as ${caller}, ${what}: ${wrong}`);
            checked.push(`${method} ${path}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    // Every operation was driven (the document is not empty, the loop not skipped).
    const operations = Object.values(doc.paths).flatMap((ops) => Object.keys(ops)).length;
    expect(new Set(checked).size).toBe(operations);
    expect(operations).toBeGreaterThan(45);
  });

  it('answers a method a known path does not take with 405 and an Allow that lists exactly the documented ones', async () => {
    for (const [path, operations] of Object.entries(doc.paths)) {
      const documented = Object.keys(operations).map((m) => m.toUpperCase());
      const unsupported = METHODS.find((m) => !documented.includes(m)) as string;
      // Before authentication: an anonymous caller and a staff member hear the same.
      for (const token of [undefined, TEST_ENV.OPERATOR_TOKENS.split(',')[0]]) {
        const answer = await request(unsupported, concrete(path), { token });
        expect({ path, status: answer.status, code: (answer.body as { code?: string }).code }).toEqual({
          path,
          status: 405,
          code: 'METHOD_NOT_ALLOWED',
        });
        const allow = (answer.headers.get('allow') ?? '').split(', ').filter((m) => m !== 'HEAD');
        expect({ path, allow: allow.sort() }).toEqual({ path, allow: documented.sort() });
      }
    }
  });

  it('takes query integers as digits only, as documented', async () => {
    const operator = TEST_ENV.OPERATOR_TOKENS.split(',')[0];
    const owner = await ownerToken();
    for (const bad of ['1e2', '0x10', '5.0', ' 5', '-1', '0', '1001']) {
      const answer = await request('GET', `/v1/audit-log?limit=${encodeURIComponent(bad)}`, { token: owner });
      expect({ bad, status: answer.status }).toEqual({ bad, status: 400 });
    }
    expect((await request('GET', '/v1/audit-log?limit=100', { token: owner })).status).toBe(200);
    const byState = await request('GET', `/v1/admin/accounts?state=trial&limit=1e2`, { token: operator });
    expect(byState.status).toBe(400);
  });

  it('documents the email rule the server applies, and refuses what it does not document', async () => {
    const schema = doc.paths['/v1/admin/accounts']?.get?.parameters?.find((p) => p.name === 'ownerEmail')?.schema;
    expect(schema).toMatchObject({ pattern: expect.any(String) });
    expect(schema).not.toHaveProperty('format');
    const pattern = new RegExp(schema?.pattern ?? '^$');
    const operator = TEST_ENV.OPERATOR_TOKENS.split(',')[0];
    for (const email of ['a@b.example', '"quoted"@b.example', 'x@[127.0.0.1]', ' a@b.example', 'a..b@c.example']) {
      const answer = await request('GET', `/v1/admin/accounts?ownerEmail=${encodeURIComponent(email)}`, {
        token: operator,
      });
      expect({ email, status: answer.status }).toEqual({ email, status: pattern.test(email) ? 200 : 400 });
    }
  });
});
