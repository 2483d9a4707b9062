import type { Queryable } from './client';

export interface AuditEntry {
  accountId: string | null;
  /** `system`, `operator`, `billing`, or `user:<id>`: never a name or an address. */
  actor: string;
  action: string;
  targetId?: string | null;
  clientIp?: string | null;
  reference?: string | null;
  /** Set by code that may run twice (activities): the entry is recorded once per key. */
  idempotencyKey?: string | null;
}

/** Appends to the audit trail; with an idempotency key a repeat is a no-op. */
export async function insertAudit(sql: Queryable, entry: AuditEntry): Promise<void> {
  await sql`
    insert into audit_log (account_id, actor, action, target_id, client_ip, reference, idempotency_key)
    values (${entry.accountId}, ${entry.actor}, ${entry.action}, ${entry.targetId ?? null}, ${entry.clientIp ?? null},
            ${entry.reference ?? null}, ${entry.idempotencyKey ?? null})
    on conflict (idempotency_key) do nothing`;
}

export interface AuditRow {
  id: number;
  actor: string;
  action: string;
  targetId: string | null;
  clientIp: string | null;
  reference: string | null;
  at: string;
}

/** An account's audit trail, newest first; `before` pages by id. */
export async function listAudit(
  db: Queryable,
  accountId: string,
  page: { limit: number; before?: number | undefined },
): Promise<AuditRow[]> {
  const rows = await db<(Omit<AuditRow, 'at'> & { createdAt: Date })[]>`
    select id::float8 as id, actor, action, target_id, host(client_ip) as client_ip, reference, created_at from audit_log
    where account_id = ${accountId} ${page.before !== undefined ? db`and id < ${page.before}` : db``}
    order by id desc limit ${page.limit}`;
  return rows.map(({ createdAt, ...r }) => ({ ...r, at: createdAt.toISOString() }));
}
