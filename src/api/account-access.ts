import { findIpAllowlist } from '../db/credentials';
import type { Queryable } from '../db/client';
import { ERROR_CODES } from '../domain/error-codes';
import type { ErrorCode } from '../domain/error-codes';
import { inRanges } from '../security/client-address';
import { ProblemError } from './problem';

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

/** Refuses a client outside the account's IP allow-list (an empty list allows everyone). */
export async function enforceIpAllowlist(sql: Queryable, accountId: string, ip: string | null): Promise<void> {
  const ranges = await findIpAllowlist(sql, accountId);
  if (ranges.length > 0 && (ip === null || !inRanges(ip, ranges))) {
    throw new ProblemError(403, ERROR_CODES.IP_NOT_ALLOWED, 'Your address is not on this account’s allow-list');
  }
}
