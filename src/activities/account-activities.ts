import { gunzipSync, gzipSync } from 'node:zlib';
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { AccountPlan, AccountState, NotificationKind, SuspendedReason } from '../domain/account-lifecycle';
import { findOwnerEmail } from '../db/accounts';
import { insertAudit } from '../db/audit';
import type { Sql } from '../db/client';
import { loadTenantKey } from '../db/tenant-keys';
import { TENANT_DATA_TABLES } from '../db/tenant-tables';
import type { Logger } from '../logger';
import { DEADLINE_CAUSES, NO_METRICS } from '../temporal/worker-metrics';
import type { WorkerMetrics } from '../temporal/worker-metrics';
import { open, seal } from '../security/secret-box';

export interface AccountActivityDeps {
  sql: Sql;
  masterKey: Buffer;
  logger: Logger;
  /** Rows per delete statement: small enough to keep each transaction short. */
  deleteBatchSize?: number;
  metrics?: WorkerMetrics;
}

export interface RecordAccountStateInput {
  accountId: string;
  state: AccountState;
  plan: AccountPlan;
  suspendedReason?: SuspendedReason;
  /** Epoch ms. */
  stateSince: number;
  /** Position of the transition in the account's history; makes the audit entry idempotent. */
  transitionIndex: number;
  from: AccountState;
  cause: string;
}

export interface EnqueueNotificationInput {
  accountId: string;
  kind: NotificationKind;
  /** Same key, same notification: a retried activity or a replayed workflow never sends twice. */
  dedupeKey: string;
  /** The deadline the notice names (epoch ms): the state's next transition, when it has one. */
  deadlineAt?: number;
}

export type RowCounts = Record<string, number>;

const CONFIG_CONTEXT = (accountId: string) => `configuration:${accountId}`;
const BACKUP_CONTEXT = (accountId: string) => `backup:${accountId}`;

/**
 * The effects of the account lifecycle on PostgreSQL. Each is idempotent: a retry, or a second run after a
 * crash, finds the work done and changes nothing. Inputs and results carry ids and counts only.
 */
export function createAccountActivities(deps: AccountActivityDeps) {
  const { sql, masterKey } = deps;
  const batchSize = deps.deleteBatchSize ?? 1_000;
  const logger = deps.logger.child({ module: 'account-activities' });
  const metrics = deps.metrics ?? NO_METRICS;

  async function tenantKey(accountId: string): Promise<Buffer> {
    const key = await loadTenantKey(sql, masterKey, accountId);
    if (!key) throw ApplicationFailure.nonRetryable('The tenant key no longer exists', 'TENANT_KEY_DESTROYED');
    return key;
  }

  return {
    /** Mirrors the workflow's state in `accounts` (the API reads it) and audits the transition once. */
    async recordAccountState(input: RecordAccountStateInput): Promise<void> {
      const changed = await sql.begin(async (tx) => {
        const updated = await tx`
          update accounts set state = ${input.state}, plan = ${input.plan},
            suspended_reason = ${input.suspendedReason ?? null}, state_since = ${new Date(input.stateSince)},
            updated_at = now()
          where id = ${input.accountId}
            and (state, plan, suspended_reason, state_since) is distinct from
                (${input.state}, ${input.plan}, ${input.suspendedReason ?? null}, ${new Date(input.stateSince)})`;
        await insertAudit(tx, {
          accountId: input.accountId,
          actor: 'system',
          action: `account.${input.from}_to_${input.state}`,
          targetId: input.accountId,
          idempotencyKey: `transition:${input.accountId}:${input.transitionIndex}`,
        });
        return updated.count === 1;
      });
      // Counted once: a retried or replayed activity finds the row already in this state.
      if (changed) {
        metrics.transition(input.from, input.state, input.cause);
        if ((DEADLINE_CAUSES as readonly string[]).includes(input.cause)) {
          metrics.lateness(input.cause, Date.now() - input.stateSince);
        }
      }
      logger.info(
        { accountId: input.accountId, from: input.from, to: input.state, cause: input.cause },
        'account transition',
      );
    },

    /** Refuses every login and data request from now on and revokes live sessions. */
    async blockAccess(accountId: string): Promise<{ sessionsRevoked: number }> {
      return sql.begin(async (tx) => {
        await tx`update accounts set access_blocked_at = coalesce(access_blocked_at, now()) where id = ${accountId}`;
        const revoked = await tx`
          update sessions set revoked_at = now() where account_id = ${accountId} and revoked_at is null`;
        return { sessionsRevoked: revoked.count };
      });
    },

    /** Lets people log in again; sessions revoked at suspension stay revoked. */
    async restoreAccess(accountId: string): Promise<void> {
      await sql`update accounts set access_blocked_at = null where id = ${accountId}`;
    },

    /**
     * Takes the subdomain and the tenant configuration away, sealed with the tenant key so reactivation can
     * restore them. Data rows stay.
     */
    async removeConfiguration(accountId: string): Promise<{ removed: boolean }> {
      const key = await tenantKey(accountId);
      return sql.begin(async (tx) => {
        const [stashed] = await tx`select 1 from configuration_stashes where account_id = ${accountId}`;
        if (stashed) return { removed: false };
        const domains = await tx<
          { subdomain: string }[]
        >`select subdomain from account_domains where account_id = ${accountId}`;
        const settings = await tx<
          { settings: unknown }[]
        >`select settings from account_settings where account_id = ${accountId}`;
        const plaintext = Buffer.from(
          JSON.stringify({ domains: domains.map((d) => d.subdomain), settings: settings[0]?.settings ?? null }),
        );
        await tx`insert into configuration_stashes (account_id, sealed) values (${accountId}, ${seal(key, plaintext, CONFIG_CONTEXT(accountId))})`;
        await tx`delete from account_domains where account_id = ${accountId}`;
        await tx`delete from account_settings where account_id = ${accountId}`;
        return { removed: true };
      });
    },

    /** Puts back what {@link removeConfiguration} stashed. */
    async restoreConfiguration(accountId: string): Promise<{ restored: boolean }> {
      const key = await tenantKey(accountId);
      return sql.begin(async (tx) => {
        const [stash] = await tx<{ sealed: Buffer }[]>`
          select sealed from configuration_stashes where account_id = ${accountId} for update`;
        if (!stash) return { restored: false };
        const { domains, settings } = JSON.parse(open(key, stash.sealed, CONFIG_CONTEXT(accountId)).toString()) as {
          domains: string[];
          settings: unknown;
        };
        for (const subdomain of domains) {
          await tx`insert into account_domains (subdomain, account_id) values (${subdomain}, ${accountId}) on conflict do nothing`;
        }
        if (settings !== null) {
          await tx`insert into account_settings (account_id, settings) values (${accountId}, ${tx.json(settings as never)})
                   on conflict (account_id) do nothing`;
        }
        await tx`delete from configuration_stashes where account_id = ${accountId}`;
        return { restored: true };
      });
    },

    /**
     * Writes the final, inactive backup of every live tenant row, sealed with the tenant key (AES-256-GCM),
     * once. Also holds back the owner's deletion notice, whose address the deletion is about to remove.
     */
    async backupTenant(accountId: string): Promise<{ rowCounts: RowCounts; created: boolean }> {
      const [existing] = await sql<{ rowCounts: RowCounts }[]>`
        select row_counts from account_backups where account_id = ${accountId}`;
      if (existing) return { rowCounts: existing.rowCounts, created: false };
      const key = await tenantKey(accountId);
      const owner = await findOwnerEmail(sql, accountId);
      // One repeatable-read snapshot: the backup is consistent even if something writes meanwhile.
      return sql.begin('isolation level repeatable read', async (tx) => {
        const tables: Record<string, unknown[]> = {};
        const rowCounts: RowCounts = {};
        const [account] = await tx`select to_jsonb(a) as row from accounts a where id = ${accountId}`;
        tables.accounts = account ? [account.row] : [];
        for (const table of TENANT_DATA_TABLES) {
          const rows = await tx.unsafe<{ row: unknown }[]>(
            `select to_jsonb(t) as row from ${table} t where account_id = $1`,
            [accountId],
          );
          tables[table] = rows.map((r) => r.row);
          rowCounts[table] = rows.length;
        }
        const plaintext = gzipSync(Buffer.from(JSON.stringify({ version: 1, accountId, tables })));
        const inserted = await tx`
          insert into account_backups (account_id, sealed, row_counts)
          values (${accountId}, ${seal(key, plaintext, BACKUP_CONTEXT(accountId))}, ${tx.json(rowCounts)})
          on conflict (account_id) do nothing`;
        await tx`
          insert into notification_outbox (account_id, kind, dedupe_key, recipient, status)
          values (${accountId}, 'deletion_done', 'deletion_done', ${owner ?? null}, 'held')
          on conflict (account_id, dedupe_key) do nothing`;
        return { rowCounts, created: inserted.count === 1 };
      });
    },

    /**
     * Deletes every live tenant row in short batches, children first, heartbeating progress. Safe to kill at any
     * point: a rerun deletes what is left. Refuses to start without a backup.
     */
    async deleteTenantData(accountId: string): Promise<{ deleted: RowCounts }> {
      const [backup] = await sql`select 1 from account_backups where account_id = ${accountId}`;
      if (!backup) throw ApplicationFailure.nonRetryable('No final backup: refusing to delete', 'BACKUP_MISSING');
      const context = Context.current();
      const deleted: RowCounts = {};
      for (const table of TENANT_DATA_TABLES) {
        // The held deletion notice is the one row that must outlive the data it reports on.
        const keep = table === 'notification_outbox' ? `and status <> 'held'` : '';
        deleted[table] = 0;
        for (;;) {
          const result = await sql.unsafe(
            `delete from ${table} where ctid = any(array(
               select ctid from ${table} where account_id = $1 ${keep} limit $2))`,
            [accountId, batchSize],
          );
          deleted[table] += result.count;
          context.heartbeat({ table, deleted: deleted[table] });
          // Stops between batches when the worker shuts down or the activity is cancelled; a rerun resumes.
          if (context.cancellationSignal.aborted) throw new CancelledFailure('deletion interrupted between batches');
          if (result.count < batchSize) break;
        }
      }
      await insertAudit(sql, {
        accountId,
        actor: 'system',
        action: 'account.data_deleted',
        targetId: accountId,
        idempotencyKey: `data_deleted:${accountId}`,
      });
      logger.info({ accountId, deleted }, 'tenant data deleted');
      return { deleted };
    },

    /**
     * Crypto-shreds the backup (the key first, in its own transaction, so the bytes are unreadable even if the
     * rest fails), then removes the backup bytes and every remaining row of the account, leaving only the
     * content-free `purged_accounts` record and the audit trail.
     */
    async purgeTenant(accountId: string): Promise<void> {
      await sql`delete from tenant_keys where account_id = ${accountId}`;
      await sql.begin(async (tx) => {
        await tx`delete from account_backups where account_id = ${accountId}`;
        await tx`insert into purged_accounts (account_id) values (${accountId}) on conflict do nothing`;
        // Cascades to anything still referring to the account.
        await tx`delete from accounts where id = ${accountId}`;
        await insertAudit(tx, {
          accountId,
          actor: 'system',
          action: 'account.purged',
          targetId: accountId,
          idempotencyKey: `purged:${accountId}`,
        });
      });
    },

    /** Queues a notification to the owner (or releases the held deletion notice); sent by the outbox dispatcher. */
    async enqueueNotification(input: EnqueueNotificationInput): Promise<void> {
      const owner = await findOwnerEmail(sql, input.accountId);
      const deadlineAt = input.deadlineAt === undefined ? null : new Date(input.deadlineAt);
      await sql`
        insert into notification_outbox (account_id, kind, dedupe_key, recipient, status, deadline_at)
        select ${input.accountId}, ${input.kind}, ${input.dedupeKey}, ${owner ?? null}, 'pending', ${deadlineAt}
        where exists (select 1 from accounts where id = ${input.accountId})
        on conflict (account_id, dedupe_key) do update set status = 'pending', deadline_at = excluded.deadline_at,
          next_attempt_at = now()
          where notification_outbox.status = 'held'`;
    },
  };
}

export type AccountActivities = ReturnType<typeof createAccountActivities>;

/** Reads a sealed backup back (operators' restore path and the tests' proof that the backup is complete). */
export function openBackup(key: Buffer, accountId: string, sealed: Buffer): { tables: Record<string, unknown[]> } {
  return JSON.parse(gunzipSync(open(key, sealed, BACKUP_CONTEXT(accountId))).toString()) as {
    tables: Record<string, unknown[]>;
  };
}
