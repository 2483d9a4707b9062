import type { Logger } from '../logger';

/** One notification as a sender sees it. `recipient` is null when the owner was gone before it was queued. */
export interface OutgoingNotification {
  id: string;
  accountId: string;
  kind: string;
  recipient: string | null;
}

/** Where notifications go: the log by default; an SMTP or provider sender implements the same method. */
export interface NotificationSender {
  send(notification: OutgoingNotification): Promise<void>;
}

/** Logs that a notification would be sent: id, kind and account only, never the address. */
export function createLogSender(logger: Logger): NotificationSender {
  const log = logger.child({ module: 'notifications' });
  return {
    send(n) {
      log.info(
        { notificationId: n.id, accountId: n.accountId, kind: n.kind, hasRecipient: n.recipient !== null },
        'notification sent',
      );
      return Promise.resolve();
    },
  };
}
