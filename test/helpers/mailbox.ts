import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A received mail, as a test checks it. */
export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

const MAILPIT = (): string => {
  const url = process.env.TEST_MAILPIT_URL;
  if (!url) throw new Error('TEST_MAILPIT_URL is unset: the test servers were not started by global-setup');
  return url;
};

/** The SMTP URL of the run's Mailpit (global-setup started it). */
export const testSmtpUrl = (): string => {
  const url = process.env.TEST_SMTP_URL;
  if (!url) throw new Error('TEST_SMTP_URL is unset: the test servers were not started by global-setup');
  return url;
};

interface MailpitSummary {
  ID: string;
}
interface MailpitMessage {
  To: { Address: string }[];
  Subject: string;
  Text: string;
  HTML: string;
  MessageID: string;
}

/** Every mail Mailpit holds for `address`, read through its HTTP API (oldest first). */
export async function mailpitMailsTo(address: string): Promise<ReceivedMail[]> {
  const query = encodeURIComponent(`to:"${address}"`);
  const found = (await (await fetch(`${MAILPIT()}/api/v1/search?query=${query}&limit=200`)).json()) as {
    messages: MailpitSummary[];
  };
  const mails: ReceivedMail[] = [];
  for (const summary of [...found.messages].reverse()) {
    const m = (await (await fetch(`${MAILPIT()}/api/v1/message/${summary.ID}`)).json()) as MailpitMessage;
    mails.push({
      to: m.To.map((t) => t.Address),
      subject: m.Subject,
      text: m.Text,
      html: m.HTML,
      messageId: `<${m.MessageID}>`,
    });
  }
  return mails;
}

/** Waits until Mailpit holds `count` mails for `address`; throws with what it saw when it does not. */
export async function waitForMails(address: string, count = 1, timeoutMs = 20_000): Promise<ReceivedMail[]> {
  const deadline = Date.now() + timeoutMs;
  let mails: ReceivedMail[] = [];
  while (Date.now() < deadline) {
    mails = await mailpitMailsTo(address);
    if (mails.length >= count) return mails;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `expected ${count} mail(s) to the address within ${timeoutMs} ms, got ${mails.length}: ${mails.map((m) => m.subject).join(' | ')}`,
  );
}

/**
 * An SMTP server in this process, for what Mailpit cannot do on demand: reject a recipient with a permanent 550
 * or a temporary 451, and go away.
 */
export interface ProgrammableSmtp {
  url: string;
  received: ReceivedMail[];
  /** Addresses answered `550 5.1.1 no such user` at RCPT TO. */
  rejectPermanently: Set<string>;
  /** Addresses answered `451 4.3.0 try again later` at RCPT TO. */
  rejectTemporarily: Set<string>;
  close(): Promise<void>;
}

export async function startProgrammableSmtp(): Promise<ProgrammableSmtp> {
  const received: ReceivedMail[] = [];
  const rejectPermanently = new Set<string>();
  const rejectTemporarily = new Set<string>();
  const reject = (message: string, code: number): Error => Object.assign(new Error(message), { responseCode: code });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (rejectPermanently.has(address.address)) return callback(reject('5.1.1 no such user', 550));
      if (rejectTemporarily.has(address.address)) return callback(reject('4.3.0 try again later', 451));
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
          received.push({
            to: to.flatMap((a) => a.value.map((v) => v.address ?? '')),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            messageId: mail.messageId ?? '',
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    rejectPermanently,
    rejectTemporarily,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
