import { findAccount, findAccountsFor } from '../db/accounts';
import { insertAudit, listAudit } from '../db/audit';
import type { AuditRow } from '../db/audit';
import type { AccountState } from '../domain/account-lifecycle';
import { ERROR_CODES } from '../domain/error-codes';
import { listAccounts, reactivateAccount, requestAccountDeletion } from '../temporal/account-client';
import type { AccountListing } from '../temporal/account-client';
import type { AccountView } from '../workflows/account-view';
import type { AppDeps } from './deps';
import { staffActor } from './middleware/auth';
import type { StaffPrincipal } from './middleware/auth';
import { ProblemError } from './problem';

// What support staff and operators do for owners, once, for both of their doors: the JSON routes (/v1/admin,
// /v1/support) and the console (/console). Each reading of personal data and each action is audited here, so neither
// door can forget it.

export interface OwnerRequest {
  channel: 'chat' | 'email';
  /** The ticket, chat or mail the owner asked in; kept in the audit entry. */
  reference: string;
}

export interface AccountLookup {
  subdomain?: string | undefined;
  ownerEmail?: string | undefined;
  state?: AccountState | undefined;
}

const noSuchAccount = () => new ProblemError(404, ERROR_CODES.ACCOUNT_NOT_FOUND, 'No such account');

/**
 * Accounts by subdomain or owner email (support and operators), or by state alone (operators). An email look-up is
 * personal-data processing in itself: each account found records who looked, without the address.
 */
export async function lookUpAccounts(
  deps: AppDeps,
  staff: StaffPrincipal,
  lookup: AccountLookup,
  limit: number,
  clientIp: string | null,
): Promise<(AccountListing & { subdomain?: string })[]> {
  const { subdomain, ownerEmail, state } = lookup;
  if (subdomain === undefined && ownerEmail === undefined) {
    if (staff.kind !== 'operator') {
      throw new ProblemError(403, ERROR_CODES.FORBIDDEN, 'Support looks accounts up by subdomain or owner email');
    }
    return listAccounts(deps.temporal.client, state, limit);
  }
  const found = await findAccountsFor(deps.sql, { subdomain, ownerEmail }, limit);
  if (ownerEmail !== undefined) {
    for (const account of found) {
      await insertAudit(deps.sql, {
        accountId: account.id,
        actor: staffActor(staff),
        action: 'staff.looked_up_by_owner_email',
        targetId: account.id,
        clientIp,
      });
    }
  }
  // Who looked, how, and how many they found; never what they looked for.
  deps.logger.info(
    { staff: staff.name, by: ownerEmail !== undefined ? 'owner_email' : 'subdomain', found: found.length },
    'staff look-up',
  );
  if (found.length === 0) return [];
  const listed = await listAccounts(
    deps.temporal.client,
    state,
    limit,
    found.map((a) => a.id),
  );
  const subdomains = new Map(found.map((a) => [a.id, a.subdomain]));
  return listed.map((a) => ({ ...a, subdomain: subdomains.get(a.accountId) }));
}

/** An account's audit trail, newest first; the reading is itself audited. */
export async function readAuditTrail(
  deps: AppDeps,
  staff: StaffPrincipal,
  accountId: string,
  page: Parameters<typeof listAudit>[2],
  clientIp: string | null,
): Promise<AuditRow[]> {
  if (!(await findAccount(deps.sql, accountId))) throw noSuchAccount();
  const entries = await listAudit(deps.sql, accountId, page);
  await insertAudit(deps.sql, {
    accountId,
    actor: staffActor(staff),
    action: 'staff.read_audit_log',
    targetId: accountId,
    clientIp,
  });
  return entries;
}

/** Reactivates a suspended or removed account at its owner's request, audited with the channel and reference. */
export function reactivateForOwner(
  deps: AppDeps,
  staff: StaffPrincipal,
  accountId: string,
  request: OwnerRequest,
  clientIp: string | null,
): Promise<AccountView & { subdomain: string }> {
  return actForOwner(deps, staff, accountId, request, 'support.reactivated', clientIp, () =>
    reactivateAccount(deps.temporal.client, accountId, { channel: request.channel }),
  );
}

/**
 * Deletes an account now at its owner's request. Like the owner's own route, the account is named twice: by id and
 * by `confirm`, its subdomain.
 */
export function deleteForOwner(
  deps: AppDeps,
  staff: StaffPrincipal,
  accountId: string,
  request: OwnerRequest & { confirm: string },
  clientIp: string | null,
): Promise<AccountView & { subdomain: string }> {
  return actForOwner(
    deps,
    staff,
    accountId,
    request,
    'support.deletion_requested',
    clientIp,
    () => requestAccountDeletion(deps.temporal.client, accountId, { by: 'support' }),
    request.confirm,
  );
}

async function actForOwner(
  deps: AppDeps,
  staff: StaffPrincipal,
  accountId: string,
  request: OwnerRequest,
  action: string,
  clientIp: string | null,
  update: () => Promise<AccountView>,
  confirm?: string,
): Promise<AccountView & { subdomain: string }> {
  const account = await findAccount(deps.sql, accountId);
  if (!account) throw noSuchAccount();
  if (confirm !== undefined && confirm !== account.subdomain) {
    throw new ProblemError(400, ERROR_CODES.CONFIRMATION_MISMATCH, '`confirm` must equal the account’s subdomain');
  }
  const view = await update();
  await insertAudit(deps.sql, {
    accountId,
    actor: staffActor(staff),
    action: `${action}_${request.channel}`,
    targetId: accountId,
    clientIp,
    reference: request.reference,
  });
  deps.logger.info({ staff: staff.name, accountId, action: `${action}_${request.channel}` }, 'staff action');
  return { ...view, subdomain: account.subdomain };
}
