import { OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { ERROR_CODES } from '../domain/error-codes';
import { ProblemError } from './problem';

interface ZodIssueLike {
  path: PropertyKey[];
  message: string;
}

/**
 * A router whose request validation failures become 400 problems naming each offending field.
 * Every routes module builds its router with this, so the OpenAPI document and validation share one schema.
 */
export function createRouter<E extends Env>(): OpenAPIHono<E> {
  return new OpenAPIHono<E>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = (result.error as { issues: ZodIssueLike[] }).issues;
        throw new ProblemError(
          400,
          ERROR_CODES.VALIDATION_FAILED,
          'Request validation failed',
          undefined,
          issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
        );
      }
      return undefined;
    },
  });
}
