import type { Sql } from '../db/client';
import type { Logger } from '../logger';
import type { NotificationSender, OutgoingNotification } from './sender';

export interface OutboxDispatcher {
  /** Sends what is pending now; returns how many were sent. */
  dispatchOnce(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Sends pending outbox rows, oldest first. Rows are claimed with SKIP LOCKED, so several workers can run it; a row
 * is marked sent and its recipient cleared in the same transaction as the send (at-least-once delivery).
 */
export function startOutboxDispatcher(
  sql: Sql,
  sender: NotificationSender,
  logger: Logger,
  intervalMs = 2_000,
): OutboxDispatcher {
  const log = logger.child({ module: 'outbox' });
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  async function dispatchOnce(): Promise<number> {
    let sent = 0;
    for (;;) {
      const done = await sql.begin(async (tx) => {
        const [row] = await tx<OutgoingNotification[]>`
          select id, account_id, kind, recipient from notification_outbox
          where status = 'pending' order by created_at limit 1 for update skip locked`;
        if (!row) return false;
        await sender.send(row);
        await tx`update notification_outbox set status = 'sent', sent_at = now(), recipient = null where id = ${row.id}`;
        return true;
      });
      if (!done) return sent;
      sent += 1;
    }
  }

  const timer = setInterval(() => {
    running = running
      .then(() => (stopped ? 0 : dispatchOnce()))
      .catch((error: unknown) =>
        log.warn({ errorClass: (error as Error)?.name }, 'outbox dispatch failed; will retry'),
      );
  }, intervalMs);
  timer.unref();

  return {
    dispatchOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
