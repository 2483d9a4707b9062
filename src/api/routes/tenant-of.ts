import { ERROR_CODES } from '../../domain/error-codes';
import type { Principal, UserPrincipal } from '../middleware/auth';
import { ProblemError } from '../problem';

/** The signed-in user of a tenant route (operators have no tenant of their own here). */
export function tenantOf(principal: Principal): UserPrincipal {
  if (principal.kind !== 'user')
    throw new ProblemError(403, ERROR_CODES.FORBIDDEN, 'A user of the account must do this');
  return principal;
}
