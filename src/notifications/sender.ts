import type { BreachMention, SubProcessorMention } from '../db/outbox';
import type { Logger } from '../logger';
import type { MailKind } from './mail-templates';

/** One outbox row as a sender sees it. */
export interface OutgoingNotification {
  id: string;
  accountId: string;
  kind: MailKind;
  recipient: string;
  tenantName: string;
  subdomain: string;
  /** The deadline the notice names (epoch ms), when it has one. */
  deadlineAt?: number | undefined;
  /** A one-off secret opened from the row's sealed payload (a portal verification code). */
  code?: string | undefined;
  /** Staff's reason given to a data subject (an extended or refused request), opened from the sealed payload. */
  reason?: string | undefined;
  /** The breach a `breach_notice` is about. */
  breach?: BreachMention | undefined;
  /** The planned sub-processor a `sub_processor_planned` notice names. */
  subProcessor?: SubProcessorMention | undefined;
}

/** Why a send failed, as the dispatcher needs it: retry later or never, and a short reply to record. */
export class DeliveryError extends Error {
  constructor(
    readonly permanent: boolean,
    /** The SMTP reply code or the transport's error code (`550`, `ECONNECTION`); never the server's text. */
    readonly reply: string,
  ) {
    super(`mail delivery failed (${reply})`);
    this.name = 'DeliveryError';
  }
}

/** Where notifications go: SMTP (`smtp-sender.ts`), or the log when no relay is configured. */
export interface NotificationSender {
  /** Resolves once the relay accepted the message; throws a {@link DeliveryError} when it did not. */
  send(notification: OutgoingNotification): Promise<void>;
  close?(): void;
}

/** Logs that a notification is due: id, kind and account only, never the address. For a worker without a relay. */
export function createLogSender(logger: Logger): NotificationSender {
  const log = logger.child({ module: 'notifications' });
  return {
    send(n) {
      log.info({ notificationId: n.id, accountId: n.accountId, kind: n.kind }, 'notification logged (no SMTP_URL)');
      return Promise.resolve();
    },
  };
}
