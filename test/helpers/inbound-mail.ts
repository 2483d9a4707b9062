import { createTransport } from 'nodemailer';
import { signWebhook } from '../../src/security/webhook-signature';
import { TEST_ENV } from './config';

export interface MailOptions {
  from: string;
  subject?: string;
  text?: string;
  html?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  attachments?: { filename: string; content: Buffer | string; contentType?: string }[];
}

// nodemailer's own composer, so tests send the MIME real mail clients send (encoded words, multipart, base64).
const composer = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

/** A raw RFC 822 message as a mail provider's inbound webhook would forward it. */
export async function composeMail(options: MailOptions): Promise<Buffer> {
  const info = await composer.sendMail({
    to: 'support@helpdesk.example',
    ...options,
    ...(options.messageId ? { messageId: options.messageId } : {}),
  });
  return info.message as Buffer;
}

/** Headers of a signed inbound delivery (INBOUND_EMAIL_SECRET of the test config unless another is given). */
export function inboundHeaders(
  raw: Uint8Array,
  options: { secret?: string; at?: number; contentType?: string } = {},
): Record<string, string> {
  return {
    'content-type': options.contentType ?? 'message/rfc822',
    'lethe-signature': signWebhook(
      options.secret ?? TEST_ENV.INBOUND_EMAIL_SECRET,
      raw,
      options.at ?? Math.floor(Date.now() / 1000),
    ),
  };
}
