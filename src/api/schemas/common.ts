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
