import { z } from '@hono/zod-openapi';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    code: z.string().openapi({ description: 'Stable machine code, e.g. VALIDATION_FAILED, INVALID_TRANSITION' }),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    reason: z.string().optional().openapi({
      description: 'INVALID_TRANSITION: the refusal (NOT_SUSPENDED, DELETION_IN_PROGRESS, ACCOUNT_DELETED)',
    }),
    state: z.string().optional().openapi({ description: 'INVALID_TRANSITION: the account’s state' }),
    allowed: z
      .array(z.enum(['reactivation', 'deletion']))
      .optional()
      .openapi({ description: 'INVALID_TRANSITION: what the account’s state allows' }),
  })
  .openapi('Problem');

/** `content` of a problem answer, for route definitions. */
export const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

export const UuidParam = z.object({
  id: z
    .string()
    .uuid()
    .openapi({ param: { name: 'id', in: 'path' }, example: '0b8f4c3e-8a0e-4c35-9d6e-0d1f5b0c2a11' }),
});

export const bearerSecurity = [{ bearer: [] }];

/**
 * An integer in the query string, written in digits only: `Number()` would also take `1e2`, `0x10`, ` 5` or `5.0`,
 * which the document's `type: integer` does not allow. Documented as the integer it is.
 */
export const queryInt = (min: number, max: number) =>
  z
    .preprocess(
      (value) => (typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value),
      z.number().int().min(min).max(max),
    )
    .openapi({ type: 'integer', minimum: min, maximum: max });

/** The characters JavaScript's `trim()` removes (WhiteSpace and LineTerminator), spelled out for any regex engine. */
const TRIMMED = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

/** No NUL, and at least one character `trim()` keeps: what {@link NonBlankText} takes, as the document says it. */
export const NON_BLANK_TEXT_PATTERN = `^[^\\u0000]*[^\\u0000${TRIMMED}][^\\u0000]*$`;

/**
 * Text a person writes (a name, a subject): trimmed, then 1 to `max` characters. The document says "at least one
 * character that is not white space" as a pattern, so a blank string is invalid there as it is here.
 */
export const NonBlankText = (max: number) =>
  z.string().trim().min(1).max(max).openapi({ pattern: NON_BLANK_TEXT_PATTERN });
