import { z } from '@hono/zod-openapi';
import fc from 'fast-check';
import { allowedMethods } from '../../../src/api/middleware/method-guard';
import { completeDocument } from '../../../src/api/openapi-completion';
import { EmailSchema } from '../../../src/api/schemas/account-schemas';
import { NON_BLANK_TEXT_PATTERN, NonBlankText, queryInt } from '../../../src/api/schemas/common';
import { STORABLE_TEXT_PATTERN } from '../../../src/domain/storable-text';

// Issue 12 §1: each rule the document states is the rule the server applies, over any input.
const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom(' ', '\t', '\n', '\u00a0', '\u3000', '\ufeff', '\u0000', '\u001c'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
});

describe('the document and the validators agree', () => {
  it('documents NonBlankText by a pattern that holds exactly when the server takes the text', () => {
    const pattern = new RegExp(NON_BLANK_TEXT_PATTERN);
    fc.assert(
      fc.property(text, (s) => {
        const serverTakes = NonBlankText(10_000).safeParse(s).success && !s.includes('\u0000');
        expect(pattern.test(s)).toBe(serverTakes);
      }),
      { numRuns: 2_000 },
    );
  });

  it('documents email by the pattern the server applies', () => {
    const pattern = new RegExp(z.regexes.email.source);
    fc.assert(
      fc.property(fc.oneof(fc.emailAddress(), text), (s) => {
        // The document's rule: the pattern and maxLength 254.
        expect(pattern.test(s) && s.length <= 254).toBe(EmailSchema.safeParse(s).success);
      }),
      { numRuns: 2_000 },
    );
  });

  it('takes query integers written in digits only, within their bounds', () => {
    const limit = queryInt(1, 1000);
    for (const bad of ['1e2', '0x10', '5.0', ' 5', '5 ', '-1', '0', '1001', '', '+5']) {
      expect({ bad, ok: limit.safeParse(bad).success }).toEqual({ bad, ok: false });
    }
    expect(limit.safeParse('100').data).toBe(100);
    expect(limit.safeParse('0100').data).toBe(100);
  });

  it('holds strings to the storable-text pattern unless a pattern, enum or safe format already constrains them', () => {
    const doc = completeDocument({
      paths: {
        '/x/{id}': {
          post: {
            security: [{ bearer: [] }],
            requestBody: { content: {} },
            responses: { 200: { description: 'ok' } },
            parameters: [{ in: 'path', name: 'id', schema: { type: 'string', format: 'uuid' } }],
          },
        },
      },
      components: {
        schemas: {
          Free: { type: 'string' },
          Patterned: { type: 'string', pattern: '^a$' },
          Kind: { type: 'string', enum: ['a'] },
          Secret: { type: 'string', format: 'password' },
          Nullable: { type: ['string', 'null'] },
        },
      },
    });
    const schemas = doc.components.schemas as Record<string, { pattern?: string }>;
    expect(schemas.Free?.pattern).toBe(STORABLE_TEXT_PATTERN);
    expect(schemas.Secret?.pattern).toBe(STORABLE_TEXT_PATTERN);
    expect(schemas.Nullable?.pattern).toBe(STORABLE_TEXT_PATTERN);
    expect(schemas.Patterned?.pattern).toBe('^a$');
    expect(schemas.Kind?.pattern).toBeUndefined();
    const op = doc.paths['/x/{id}'].post;
    expect((op.parameters[0]?.schema as { pattern?: string }).pattern).toBeUndefined();
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '401', '403', '404', '413', '415', '429', '503']);
  });

  it('lists in Allow the methods of the one path a request names, HEAD with GET, and nothing for unknown paths', () => {
    const allowed = allowedMethods([
      { method: 'ALL', path: '/v1/*' },
      { method: 'GET', path: '/v1/accounts/:id' },
      { method: 'POST', path: '/v1/accounts' },
      { method: 'POST', path: '/v1/accounts/:id/deletion' },
    ]);
    expect(allowed('/v1/accounts/abc')).toEqual(['GET', 'HEAD']);
    expect(allowed('/v1/accounts')).toEqual(['POST']);
    expect(allowed('/v1/accounts/abc/deletion')).toEqual(['POST']);
    expect(allowed('/v1/accounts/abc/other')).toBeUndefined();
    expect(allowed('/v1/accounts/a.b')).toEqual(['GET', 'HEAD']);
  });
});
