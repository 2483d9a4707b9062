import { createTransport } from 'nodemailer';
import { classifySmtpFailure } from '../domain/mail-delivery';
import { renderMail } from './mail-templates';
import type { Logger } from '../logger';
import { createLogSender, DeliveryError } from './sender';
import type { NotificationSender } from './sender';

export interface SmtpSenderOptions {
  /** `smtp://host:port` (STARTTLS when offered) or `smtps://user:pass@host:465`. */
  smtpUrl: string;
  /** `Name <address>` or an address. */
  mailFrom: string;
}

/** The domain of the From address: Message-IDs are made under it, as RFC 5322 §3.6.4 suggests. */
export function messageIdDomain(mailFrom: string): string {
  const address = /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom;
  return address.slice(address.lastIndexOf('@') + 1) || 'lethe.localhost';
}

/**
 * Sends each notification as one mail through an SMTP relay (nodemailer). The Message-ID is the outbox row's id, so
 * a mail resent after a crash between the relay's acceptance and our commit is the same message to every client.
 */
export function createSmtpSender(options: SmtpSenderOptions): NotificationSender {
  const transport = createTransport({
    url: options.smtpUrl,
    // A relay that hangs must not hold an outbox row (and its lock) for minutes.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  const domain = messageIdDomain(options.mailFrom);
  return {
    async send(n) {
      const mail = renderMail(n.kind, n);
      try {
        await transport.sendMail({
          from: options.mailFrom,
          to: n.recipient,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: `<${n.id}@${domain}>`,
          headers: { 'X-Lethe-Notification': n.kind, 'Auto-Submitted': 'auto-generated' },
        });
      } catch (error) {
        const e = error as { responseCode?: number; command?: string; code?: string };
        const permanent = classifySmtpFailure(e) === 'permanent';
        throw new DeliveryError(permanent, e.responseCode !== undefined ? String(e.responseCode) : (e.code ?? 'ERROR'));
      }
    },
    close() {
      transport.close();
    },
  };
}

/**
 * The sender a worker uses: SMTP when `SMTP_URL` is set (npm start sets it to its Mailpit), else the log, with a
 * warning, because then no notice reaches anybody.
 */
export function createConfiguredSender(
  config: { smtpUrl: string | undefined; mailFrom: string },
  logger: Logger,
): NotificationSender {
  if (config.smtpUrl !== undefined) return createSmtpSender({ smtpUrl: config.smtpUrl, mailFrom: config.mailFrom });
  logger.warn('SMTP_URL is not set: notifications are logged, not sent to anybody');
  return createLogSender(logger);
}
