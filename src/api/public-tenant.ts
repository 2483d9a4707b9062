import { findLiveTenant } from '../db/portal';
import { ERROR_CODES } from '../domain/error-codes';
import { refuseStanding, standingProblem } from './account-access';
import type { AppDeps } from './deps';
import { ProblemError } from './problem';

/**
 * The tenant a public request (portal, pre-chat form) names by subdomain: 404 when there is none, 410 once it was
 * removed, 403 while it is not in good standing.
 */
export async function livePublicTenant(deps: AppDeps, subdomain: string) {
  const tenant = await findLiveTenant(deps.sql, subdomain);
  if (!tenant) throw new ProblemError(404, ERROR_CODES.TENANT_NOT_FOUND, 'No such tenant');
  if (!tenant.live) throw new ProblemError(410, ERROR_CODES.TENANT_GONE, 'This tenant is no longer available');
  const refusal = standingProblem(tenant.state, tenant.accessBlocked);
  if (refusal) refuseStanding(refusal);
  return tenant;
}
