import type { Sql } from '../db/client';
import { insertAudit } from '../db/audit';
import type { Logger } from '../logger';

/** The end of a staff member's access grant (issue 15 §2). Idempotent. */
export function createAccessGrantActivities(deps: { sql: Sql; logger: Logger }) {
  return {
    /** The grant's time is up: expired, unless it was revoked meanwhile. Audited in the tenant's trail. */
    async expireAccessGrant(input: { grantId: string }): Promise<boolean> {
      return deps.sql.begin(async (tx) => {
        const [row] = await tx<{ accountId: string; staffName: string }[]>`
          update access_grants set status = 'expired' where id = ${input.grantId} and status = 'approved'
          returning account_id, staff_name`;
        if (!row) return false;
        await insertAudit(tx, {
          accountId: row.accountId,
          actor: 'system',
          action: 'access_grant.expired',
          targetId: input.grantId,
          idempotencyKey: `access-grant-expired:${input.grantId}`,
        });
        deps.logger.info({ accountId: row.accountId, grantId: input.grantId }, 'access grant expired');
        return true;
      });
    },
  };
}

export type AccessGrantActivities = ReturnType<typeof createAccessGrantActivities>;
