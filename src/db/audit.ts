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
