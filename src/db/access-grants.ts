import type { Queryable } from './client';

/** Whether this staff member holds a live grant to the tenant's data: approved, and not yet expired. */
export async function hasLiveGrant(db: Queryable, accountId: string, staffName: string): Promise<boolean> {
  const [row] = await db`
    select 1 from access_grants
    where account_id = ${accountId} and staff_name = ${staffName} and status = 'approved' and expires_at > now()
    limit 1`;
  return row !== undefined;
}
