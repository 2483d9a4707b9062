import type { Sql } from '../db/client';
import { claimDueNotification, deferNotification, finishNotification } from '../db/outbox';
import type { DueNotification } from '../db/outbox';
import { loadTenantKey } from '../db/tenant-keys';
import { retryDelayMs } from '../domain/mail-delivery';
import type { Logger } from '../logger';
import { open } from '../security/secret-box';
import { DeliveryError } from './sender';
import type { NotificationSender } from './sender';
import type { WorkerMetrics } from '../temporal/worker-metrics';

export interface OutboxDispatcher {
  /** Sends what is due now; returns how many mails went out. Stops early when the relay is unreachable. */
  dispatchOnce(): Promise<number>;
  stop(): Promise<void>;
}

export interface OutboxDispatcherOptions {
  /** Opens the sealed one-off payloads (verification codes), which are sealed with the tenant key. */
  masterKey: Buffer;
  intervalMs?: number;
  /** Counts mails sent and rejected (the worker's metrics); none when unset. */
  metrics?: Pick<WorkerMetrics, 'mail'>;
}

/** The associated data a payload is sealed under: the row, so a payload cannot be moved to another row. */
export const outboxPayloadContext = (rowId: string): string => `outbox:${rowId}`;

type Outcome = 'sent' | 'finished' | 'deferred';

/**
 * Delivers pending outbox rows, oldest due first. A row is claimed with SKIP LOCKED (several workers can run this)
 * and its outcome is committed in the same transaction as the send, so a crash in between resends the same mail
 * (same Message-ID): at-least-once. A transient failure defers the row with a growing delay and ends the round (the
 * relay is likely down for the others too); a permanent rejection is recorded and never retried. The lifecycle
 * never waits for any of this: activities only insert rows.
 */
export function startOutboxDispatcher(
  sql: Sql,
  sender: NotificationSender,
  logger: Logger,
  options: OutboxDispatcherOptions,
): OutboxDispatcher {
  const log = logger.child({ module: 'outbox' });
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  async function deliver(row: DueNotification): Promise<{ outcome: Outcome; reply?: string; permanent?: boolean }> {
    if (row.recipient === null) return { outcome: 'finished', reply: 'NO_RECIPIENT', permanent: true };
    let payload: { code?: string; reason?: string } = {};
    if (row.sealedPayload !== null) {
      const key = await loadTenantKey(sql, options.masterKey, row.accountId);
      if (!key) return { outcome: 'finished', reply: 'TENANT_KEY_DESTROYED', permanent: true };
      payload = JSON.parse(open(key, row.sealedPayload, outboxPayloadContext(row.id)).toString()) as typeof payload;
    }
    try {
      await sender.send({
        id: row.id,
        accountId: row.accountId,
        kind: row.kind,
        recipient: row.recipient,
        tenantName: row.tenantName,
        subdomain: row.subdomain,
        deadlineAt: row.deadlineAt?.getTime(),
        code: payload.code,
        reason: payload.reason,
        subProcessor: row.subProcessor ?? undefined,
        breach: row.breach ?? undefined,
      });
      return { outcome: 'sent' };
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      return error.permanent
        ? { outcome: 'finished', reply: error.reply, permanent: true }
        : { outcome: 'deferred', reply: error.reply };
    }
  }

  async function dispatchOnce(): Promise<number> {
    let sent = 0;
    for (;;) {
      const outcome = await sql.begin(async (tx): Promise<Outcome | undefined> => {
        const row = await claimDueNotification(tx);
        if (!row) return undefined;
        const fields = { notificationId: row.id, accountId: row.accountId, kind: row.kind };
        if (row.expired) {
          await finishNotification(tx, row.id, { status: 'expired', reply: 'EXPIRED' });
          log.warn(fields, 'one-off mail expired before it could be sent');
          return 'finished';
        }
        const result = await deliver(row);
        if (result.outcome === 'sent') {
          await finishNotification(tx, row.id, { status: 'sent' });
          options.metrics?.mail('sent');
        } else if (result.outcome === 'finished') {
          await finishNotification(tx, row.id, { status: 'failed', ...(result.reply ? { reply: result.reply } : {}) });
          options.metrics?.mail('failed');
          log.warn({ ...fields, reply: result.reply }, 'mail rejected permanently; not retried');
        } else {
          const delayMs = retryDelayMs(row.attempts + 1);
          await deferNotification(tx, row.id, delayMs, result.reply ?? 'ERROR');
          log.warn({ ...fields, reply: result.reply, retryInMs: delayMs }, 'mail relay unavailable; will retry');
        }
        return result.outcome;
      });
      if (outcome === undefined || outcome === 'deferred') return sent;
      if (outcome === 'sent') sent += 1;
    }
  }

  const timer = setInterval(() => {
    running = running
      .then(() => (stopped ? 0 : dispatchOnce()))
      .catch((error: unknown) =>
        log.warn({ errorClass: (error as Error)?.name }, 'outbox dispatch failed; will retry'),
      );
  }, options.intervalMs ?? 2_000);
  timer.unref();

  return {
    dispatchOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      sender.close?.();
    },
  };
}
