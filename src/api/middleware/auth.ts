import { createMiddleware } from 'hono/factory';
import { ERROR_CODES } from '../../domain/error-codes';
import type { ErrorCode } from '../../domain/error-codes';
import { findLiveSession } from '../../db/sessions';
import type { SessionPrincipal } from '../../db/sessions';
import { safeEqual } from '../../security/tokens';
import type { AppDeps, AppEnv } from '../deps';
import { ProblemError } from '../problem';

export type Principal = { kind: 'operator' } | ({ kind: 'user' } & SessionPrincipal);

export type AuthEnv = AppEnv & { Variables: { principal: Principal } };

const GOOD_STANDING = new Set(['trial', 'active', 'past_due']);

/** Why an account refuses its people, as the 403 code they see. */
export function standingProblem(state: string, accessBlocked: boolean): ErrorCode | undefined {
  if (state === 'removed') return ERROR_CODES.ACCOUNT_REMOVED;
  if (state === 'deleting' || state === 'deleted' || state === 'purged') return ERROR_CODES.ACCOUNT_DELETED;
  if (state === 'suspended' || accessBlocked || !GOOD_STANDING.has(state)) return ERROR_CODES.ACCOUNT_SUSPENDED;
  return undefined;
}

export function refuseStanding(code: ErrorCode): never {
  throw new ProblemError(403, code, 'The account is not in good standing: logins and data requests are refused');
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Resolves `Authorization: Bearer <token>` to an operator (a token of OPERATOR_TOKENS) or a user session, and
 * refuses what `allow` does not list. Users of accounts not in good standing are refused with 403.
 */
export function authenticate(deps: AppDeps, allow: readonly Principal['kind'][]) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    if (token === undefined) throw new ProblemError(401, ERROR_CODES.UNAUTHENTICATED, 'Authentication required');
    let principal: Principal | undefined;
    if (allow.includes('operator') && deps.config.operatorTokens.some((t) => safeEqual(t, token))) {
      principal = { kind: 'operator' };
    } else if (allow.includes('user') && token.startsWith('lsess_')) {
      const session = await findLiveSession(deps.sql, token);
      if (session) {
        const problem = standingProblem(session.accountState, session.accessBlocked);
        if (problem) refuseStanding(problem);
        principal = { kind: 'user', ...session };
      }
    }
    if (!principal) throw new ProblemError(401, ERROR_CODES.UNAUTHENTICATED, 'Invalid or expired credentials');
    c.set('principal', principal);
    await next();
  });
}
