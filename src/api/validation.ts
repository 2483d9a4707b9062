import { OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { ERROR_CODES } from '../domain/error-codes';
import { unstorablePaths } from '../domain/storable-text';
import { ProblemError } from './problem';
import type { FieldError } from './problem';

export interface ZodIssueLike {
  path: PropertyKey[];
  message: string;
}

const UNSTORABLE = 'contains a character that cannot be stored (NUL or an unpaired surrogate)';

/**
 * Every offending field of a request input: the schema's issues, plus each string PostgreSQL cannot store (looked for
 * in the input as parsed, or as sent when the schema refused it), so no such string ever reaches a query.
 */
export function inputErrors(issues: readonly ZodIssueLike[], input: unknown): FieldError[] {
  const errors = issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  const unstorable = unstorablePaths(input).filter((path) => !errors.some((e) => e.path === path));
  return [...errors, ...unstorable.map((path) => ({ path, message: UNSTORABLE }))];
}

/** The 400 every route gives for invalid input, naming each field and never echoing its value. */
export function validationFailed(errors: FieldError[], title = 'Request validation failed'): ProblemError {
  return new ProblemError(400, ERROR_CODES.VALIDATION_FAILED, title, undefined, errors);
}

/**
 * A router whose request validation (body, params, query, headers) refuses invalid input and strings PostgreSQL
 * cannot store with 400 problems naming each field. Every routes module builds its router with this, so the OpenAPI
 * document and validation share one schema, and no route can forget the check.
 */
export function createRouter<E extends Env>(): OpenAPIHono<E> {
  return new OpenAPIHono<E>({
    defaultHook: (result) => {
      const issues = result.success ? [] : (result.error as { issues: ZodIssueLike[] }).issues;
      // On failure the validator still passes the input as sent (the type does not say so).
      const errors = inputErrors(issues, 'data' in result ? result.data : undefined);
      if (errors.length > 0) throw validationFailed(errors);
      return undefined;
    },
  });
}
