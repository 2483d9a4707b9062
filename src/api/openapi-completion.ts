import { STORABLE_TEXT_PATTERN } from '../domain/storable-text';

// The answers middleware gives on every route of a kind, added to each operation of the OpenAPI document that does
// not document them itself. Route modules document what their handlers answer; the rules here follow the middleware
// in app.ts, so a client generated from the document knows every status it can meet (issue 12 §1).

interface Operation {
  security?: unknown[];
  parameters?: { in: string }[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** Each rule: the status, when it applies, and what the middleware means by it. */
const RULES: { status: string; applies: (op: Operation, path: string) => boolean; description: string }[] = [
  {
    status: '400',
    applies: (op) => op.requestBody !== undefined || (op.parameters ?? []).length > 0,
    description:
      'Invalid input: VALIDATION_FAILED with `errors` naming each field (never its value), or MALFORMED_JSON. Every string and object key is refused with NUL (the pattern says so) or an unpaired surrogate (JSON escapes of a lone surrogate half)',
  },
  {
    status: '401',
    applies: (op) => (op.security ?? []).length > 0,
    description: 'UNAUTHENTICATED: credentials missing, unknown or expired',
  },
  {
    status: '403',
    applies: (op) => (op.security ?? []).length > 0,
    description:
      'FORBIDDEN (role), ACCOUNT_SUSPENDED / ACCOUNT_REMOVED (the account is not in good standing) or IP_NOT_ALLOWED',
  },
  {
    status: '404',
    applies: (_op, path) => path.includes('{'),
    description: 'Nothing of that id here (or not yours: another tenant’s ids answer the same)',
  },
  {
    status: '429',
    // Any route that takes a user's Basic email:password (not the staff-only /v1/admin and /v1/support).
    applies: (op, path) => (op.security ?? []).length > 0 && !/^\/v1\/(admin|support)\//.test(path),
    description: 'TOO_MANY_ATTEMPTS: Basic credentials with wrong passwords from this client; Retry-After says when',
  },
  { status: '413', applies: (op) => op.requestBody !== undefined, description: 'PAYLOAD_TOO_LARGE: over 10 MiB' },
  {
    status: '415',
    applies: (op) => op.requestBody !== undefined,
    description: 'UNSUPPORTED_MEDIA_TYPE: the body is not of the documented media type',
  },
  {
    status: '503',
    applies: () => true,
    description:
      'SERVICE_TIMEOUT (the request outran REQUEST_TIMEOUT), DATABASE_UNAVAILABLE or TEMPORAL_UNAVAILABLE; Retry-After says when to try again',
  },
];

/** Formats whose values can hold no NUL or lone surrogate anyway; other strings get the storable-text pattern. */
const SAFE_FORMATS = ['uuid', 'date-time', 'date', 'email', 'uri', 'ipv4', 'ipv6', 'byte'];

/**
 * What the request validator refuses in every string (PostgreSQL cannot store it, see domain/storable-text.ts),
 * written into every string schema of the document that does not already constrain it. Object keys are not: a key
 * the schema does not know is dropped unread, whatever it holds.
 */
export function documentStorableText(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) documentStorableText(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (
    types.includes('string') &&
    schema.pattern === undefined &&
    schema.enum === undefined &&
    schema.const === undefined &&
    !SAFE_FORMATS.includes(String(schema.format))
  ) {
    schema.pattern = STORABLE_TEXT_PATTERN;
  }
  for (const value of Object.values(schema)) documentStorableText(value);
}

/**
 * Adds the middleware's answers to every operation that lacks them, and the storable-text rule to every string;
 * returns the same document.
 */
export function completeDocument<D extends { paths?: object; components?: object }>(document: D): D {
  documentStorableText(document.paths);
  documentStorableText(document.components);
  return completeResponses(document);
}

/** Adds the middleware's answers to every operation that lacks them; returns the same document. */
export function completeResponses<D extends { paths?: object }>(document: D): D {
  for (const [path, item] of Object.entries(document.paths ?? {}) as [string, object][]) {
    for (const [method, value] of Object.entries(item) as [string, unknown][]) {
      if (!HTTP_METHODS.includes(method) || typeof value !== 'object' || value === null) continue;
      const op = value as Operation;
      op.responses ??= {};
      for (const rule of RULES) {
        if (rule.applies(op, path) && op.responses[rule.status] === undefined) {
          op.responses[rule.status] = problem(rule.description);
        }
      }
    }
  }
  return document;
}
