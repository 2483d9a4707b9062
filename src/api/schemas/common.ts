import { z } from '@hono/zod-openapi';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    code: z.string().openapi({ description: 'Stable machine code, e.g. VALIDATION_FAILED, NOT_SUSPENDED' }),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
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
