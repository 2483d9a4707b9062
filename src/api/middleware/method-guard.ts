import { createMiddleware } from 'hono/factory';
import { ERROR_CODES } from '../../domain/error-codes';
import { ProblemError } from '../problem';

export interface KnownRoute {
  method: string;
  path: string;
}

/**
 * The methods each known path answers, from the app's route table, as RFC 9110 §15.5.6 wants them in `Allow`.
 * Middleware entries (`ALL`) and wildcard paths name no resource and are left out; GET implies HEAD.
 */
export function allowedMethods(routes: readonly KnownRoute[]): (path: string) => string[] | undefined {
  const byPattern = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  for (const route of routes) {
    if (route.method === 'ALL' || route.path.includes('*')) continue;
    let entry = byPattern.get(route.path);
    if (!entry) {
      const source = route.path
        .split('/')
        .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      entry = { pattern: new RegExp(`^${source}/?$`), methods: new Set() };
      byPattern.set(route.path, entry);
    }
    entry.methods.add(route.method);
    if (route.method === 'GET') entry.methods.add('HEAD');
  }
  const entries = [...byPattern.values()];
  return (path) => {
    const methods = new Set<string>();
    for (const entry of entries) if (entry.pattern.test(path)) for (const m of entry.methods) methods.add(m);
    return methods.size === 0 ? undefined : [...methods].sort();
  };
}

/**
 * Answers 405 with `Allow` to a method a known path does not take, before authentication: the answer says what the
 * resource supports, not whether the caller may use it. The route table is read on the first request, when every
 * route is registered.
 */
export function methodGuard(routes: () => readonly KnownRoute[]) {
  let allowed: ((path: string) => string[] | undefined) | undefined;
  return createMiddleware(async (c, next) => {
    allowed ??= allowedMethods(routes());
    const methods = allowed(c.req.path);
    if (methods !== undefined && !methods.includes(c.req.method)) {
      throw new ProblemError(
        405,
        ERROR_CODES.METHOD_NOT_ALLOWED,
        'Method not allowed',
        'This path does not take this method; Allow lists those it takes',
        undefined,
        { Allow: methods.join(', ') },
      );
    }
    await next();
  });
}
