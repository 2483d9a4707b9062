import { createMiddleware } from 'hono/factory';
import { findLiveApiToken, findSignInUser } from '../../db/credentials';
import type { Role, SignInUser } from '../../db/credentials';
import { withTenant } from '../../db/client';
import type { Queryable, Sql } from '../../db/client';
import { findLiveSession } from '../../db/sessions';
import { ERROR_CODES } from '../../domain/error-codes';
import type { StaffRole } from '../../domain/staff';
import { safeEqual } from '../../security/tokens';
import { enforceIpAllowlist, refuseStanding, standingProblem } from '../account-access';
import type { AppDeps, AppEnv } from '../deps';
import { signInWithPassword } from '../password-sign-in';
import { ProblemError, RecordedRefusal } from '../problem';
import { inputErrors, validationFailed } from '../validation';

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  accountId: string;
  role: Role;
  /** How the request authenticated; a session id only for sessions (logout revokes it). */
  via: 'session' | 'api_token' | 'basic_password' | 'basic_api_token';
  sessionId?: string;
}

/** A member of Lethe's staff (OPERATOR_TOKENS, SUPPORT_TOKENS), named in the audit trail of what they do. */
export interface StaffPrincipal {
  kind: StaffRole;
  name: string;
}

export type Principal = StaffPrincipal | UserPrincipal;

/** How a staff member's action is recorded as the actor of an audit entry. */
export const staffActor = (staff: StaffPrincipal): string => `staff:${staff.name}`;

/** The staff member behind a request of a staff-only route (its `authenticate` lets no user through). */
export function staffOf(principal: Principal): StaffPrincipal {
  if (principal.kind === 'user') throw new ProblemError(403, ERROR_CODES.FORBIDDEN, 'Staff only');
  return principal;
}

export type AuthEnv = AppEnv & {
  Variables: {
    principal: Principal;
    /**
     * Where handlers query: for a user, a transaction running as the application role scoped to the user's account
     * (row-level security); for an operator, the pool.
     */
    db: Queryable;
  };
};

/** Thrown inside the tenant transaction to roll it back when the handler failed (Hono reports errors via c.error). */
class RollbackAfterError extends Error {}

/**
 * Runs the rest of the request inside one transaction as the application role scoped to `accountId`; a handler
 * error (which Hono turns into a response rather than a rejection) rolls it back, except a {@link RecordedRefusal},
 * whose bookkeeping must outlive the refusal.
 */
export async function inTenantTransaction(
  sql: Sql,
  accountId: string,
  run: (tx: Queryable) => Promise<{ failed: boolean }>,
): Promise<void> {
  try {
    await withTenant(sql, accountId, async (tx) => {
      if ((await run(tx)).failed) throw new RollbackAfterError();
    });
  } catch (error) {
    if (!(error instanceof RollbackAfterError)) throw error;
  }
}

const unauthenticated = () => new ProblemError(401, ERROR_CODES.UNAUTHENTICATED, 'Invalid or expired credentials');

function parseBasic(header: string): { email: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? { email: decoded.slice(0, colon), secret: decoded.slice(colon + 1) } : undefined;
}

/**
 * Resolves the request's credentials (DESIGN §4): `Bearer` with an operator token, a session token or an API
 * token, or `Basic` email:password / email:api-token with the tenant in `Lethe-Account`. Refuses kinds `allow` does
 * not list, accounts not in good standing (403) and clients outside the account's IP allow-list (403). Basic with a
 * password is a password sign-in on every request: throttled and audited like the login route.
 */
export function authenticate(deps: AppDeps, allow: readonly Principal['kind'][]) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    // Routers mounted side by side may both guard a path: the first to authenticate wins, the rest pass through.
    if (c.get('principal') !== undefined) return next();
    const header = c.req.header('authorization') ?? '';
    const principal = await resolve(deps, header, c.req.header('lethe-account'), allow, c.get('clientIp'));
    c.set('principal', principal);
    if (principal.kind !== 'user') {
      c.set('db', deps.sql);
      await next();
      return;
    }
    await enforceIpAllowlist(deps.sql, principal.accountId, c.get('clientIp'));
    await inTenantTransaction(deps.sql, principal.accountId, async (tx) => {
      c.set('db', tx);
      await next();
      // Past its deadline the caller was told 503: nothing of the request may commit after that.
      return { failed: c.get('deadline').aborted || (c.error !== undefined && !(c.error instanceof RecordedRefusal)) };
    });
  });
}

async function resolve(
  deps: AppDeps,
  header: string,
  accountHeader: string | undefined,
  allow: readonly Principal['kind'][],
  ip: string | null,
): Promise<Principal> {
  if (header === '') throw new ProblemError(401, ERROR_CODES.UNAUTHENTICATED, 'Authentication required');
  const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (bearer !== undefined) {
    if (allow.includes('operator') || allow.includes('support')) {
      const member = deps.config.staff.find((m) => safeEqual(m.token, bearer));
      if (member !== undefined) {
        if (!allow.includes(member.role)) {
          throw new ProblemError(403, ERROR_CODES.FORBIDDEN, 'Operators only: support staff may not use this route');
        }
        return { kind: member.role, name: member.name };
      }
    }
    if (!allow.includes('user')) throw unauthenticated();
    if (bearer.startsWith('lsess_')) {
      const session = await findLiveSession(deps.sql, bearer);
      if (!session) throw unauthenticated();
      const problem = standingProblem(session.accountState, session.accessBlocked);
      if (problem) refuseStanding(problem);
      return {
        kind: 'user',
        userId: session.userId,
        accountId: session.accountId,
        role: session.role,
        via: 'session',
        sessionId: session.sessionId,
      };
    }
    if (bearer.startsWith('lapi_')) {
      const user = await findLiveApiToken(deps.sql, bearer);
      if (!user) throw unauthenticated();
      return userPrincipal(user, 'api_token');
    }
    throw unauthenticated();
  }
  const basic = parseBasic(header);
  if (basic && allow.includes('user')) {
    if (!accountHeader) {
      throw new ProblemError(401, ERROR_CODES.UNAUTHENTICATED, 'Basic credentials need the Lethe-Account header');
    }
    const unstorable = inputErrors([], {
      authorization: `${basic.email}:${basic.secret}`,
      'lethe-account': accountHeader,
    });
    if (unstorable.length > 0) throw validationFailed(unstorable);
    if (basic.secret.startsWith('lapi_')) {
      const user = await findSignInUser(deps.sql, accountHeader, basic.email);
      const tokenUser = await findLiveApiToken(deps.sql, basic.secret);
      if (!user || !tokenUser || tokenUser.id !== user.id) throw unauthenticated();
      return userPrincipal(tokenUser, 'basic_api_token');
    }
    const user = await signInWithPassword(
      deps,
      { subdomain: accountHeader, email: basic.email, password: basic.secret, secondFactor: 'none' },
      ip,
    );
    return userPrincipal(user, 'basic_password');
  }
  throw unauthenticated();
}

function userPrincipal(user: SignInUser, via: UserPrincipal['via']): UserPrincipal {
  const problem = standingProblem(user.accountState, user.accessBlocked);
  if (problem) refuseStanding(problem);
  return { kind: 'user', userId: user.id, accountId: user.accountId, role: user.role, via };
}

/** Refuses users whose role is not listed (operators pass: they act for support). */
export function requireRole(...roles: Role[]) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const principal = c.get('principal');
    if (principal.kind === 'user' && !roles.includes(principal.role)) {
      throw new ProblemError(403, ERROR_CODES.FORBIDDEN, `Only ${roles.join(' or ')} may do this`);
    }
    await next();
  });
}
