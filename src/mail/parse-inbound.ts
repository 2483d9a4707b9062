// Inbound mail as the help desk and the spam filter see it. One parse for both the HTTP inbound route and the corpus
// benchmark, so the filter is measured on exactly what production feeds it.
import { simpleParser } from 'mailparser';
import type { HeaderLines, ParsedMail } from 'mailparser';
import type { SpamDocument } from '../domain/spam/tokenize';

export interface InboundAttachment {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface InboundMail {
  /** Angle brackets included, as in the header. */
  messageId?: string;
  inReplyTo?: string;
  references: string[];
  /** The first mailbox of `From`; absent when there is none or it has no address (a bare group). */
  from?: { address: string; name: string };
  subject: string;
  /** The text part, or the HTML part reduced to text when there is no text part. */
  text: string;
  attachments: InboundAttachment[];
  /**
   * The few headers the spam tokenizer reads ({@link TOKENIZER_HEADERS}): lower-case names, raw values unfolded, the
   * first when repeated. Everything else stays out: most headers carry addresses.
   */
  headers: Record<string, string>;
}

/**
 * Thrown by {@link parseInboundMail} when the input is not a mail: the parser gives up, or it finds no header section
 * with at least one of From, Sender, Subject, Date or Message-ID. RFC 5322 asks for From and Date; asking for any one
 * of them accepts the sloppy mail real senders produce while refusing text that merely has a `word:` first line.
 */
export class MalformedMailError extends Error {
  constructor(reason: string, options?: ErrorOptions) {
    super(`Not a parseable mail: ${reason}`, options);
    this.name = 'MalformedMailError';
  }
}

export const TOKENIZER_HEADERS = ['content-type', 'message-id', 'x-mailer', 'user-agent'] as const;

const IDENTIFYING_HEADERS = ['from', 'sender', 'subject', 'date', 'message-id'];

// HTML beyond this is not converted to text (mailparser's own option): html-to-text is the slow part of a parse, and
// no honest mail needs 2 MB of markup to say what it says.
const MAX_HTML_TO_TEXT = 2 * 1024 * 1024;

/**
 * Parses a raw RFC 822 / MIME message (an mbox `From ` line before it is tolerated).
 *
 * @throws {MalformedMailError} when `raw` is not a mail (see the class).
 */
export async function parseInboundMail(raw: Buffer): Promise<InboundMail> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, {
      skipTextToHtml: true,
      skipImageLinks: true,
      keepCidLinks: true,
      maxHtmlLengthToParse: MAX_HTML_TO_TEXT,
    });
  } catch (error) {
    throw new MalformedMailError('the parser gave up', { cause: error });
  }
  if (!IDENTIFYING_HEADERS.some((name) => parsed.headers.has(name))) {
    throw new MalformedMailError('no header section with From, Sender, Subject, Date or Message-ID');
  }
  const sender = parsed.from?.value.find((mailbox) => mailbox.address !== undefined && mailbox.address !== '');
  return {
    ...(parsed.messageId === undefined ? {} : { messageId: parsed.messageId }),
    ...(parsed.inReplyTo === undefined ? {} : { inReplyTo: parsed.inReplyTo }),
    references: referencesOf(parsed.references),
    ...(sender?.address === undefined ? {} : { from: { address: sender.address, name: sender.name } }),
    subject: parsed.subject ?? '',
    text: parsed.text || (typeof parsed.html === 'string' ? htmlToText(parsed.html) : ''),
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename ?? '',
      contentType: a.contentType,
      bytes: a.content,
    })),
    headers: tokenizerHeaders(parsed.headerLines),
  };
}

/** What the spam filter reads of a mail: no attachments, no names, the sender only as an address to reduce. */
export function spamDocumentOf(mail: InboundMail): SpamDocument {
  return {
    subject: mail.subject,
    text: mail.text,
    ...(mail.from === undefined ? {} : { fromAddress: mail.from.address }),
    headers: mail.headers,
  };
}

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * The text of an HTML part, for mails whose only text is HTML inside a multipart (mailparser converts a single HTML
 * part itself, but not one inside multipart/alternative). Rough on purpose: scripts, styles and tags go, link
 * targets stay (the tokenizer reads their hosts), a few entities are decoded. Bounded like mailparser's own.
 */
export function htmlToText(html: string): string {
  return withoutHiddenBlocks(html.slice(0, MAX_HTML_TO_TEXT))
    .replace(/<a\b[^<>]*?\bhref\s*=\s*["']?([^"'\s<>]+)[^<>]*>/gi, ' $1 ')
    .replace(/<(?:br|p|div|tr|li|h[1-6])\b[^<>]*>/gi, '\n')
    .replace(/<[^<>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]+);/gi, (entity, name: string) => {
      const hex = name[1] === 'x' || name[1] === 'X';
      const code = name.startsWith('#') ? parseInt(name.slice(hex ? 2 : 1), hex ? 16 : 10) : NaN;
      if (Number.isInteger(code)) return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
      return ENTITIES[name.toLowerCase()] ?? entity;
    })
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n\s*/g, '\n')
    .trim();
}

/**
 * The HTML without comments, scripts, styles and the head. Scanned with indexOf rather than a lazy regex, which
 * would rescan to the end for every unclosed opener (quadratic on hostile input); an unclosed block hides the rest.
 */
function withoutHiddenBlocks(html: string): string {
  const lower = html.toLowerCase();
  const opener = /<!--|<(script|style|head)\b/g;
  let out = '';
  let from = 0;
  for (let match = opener.exec(lower); match !== null; match = opener.exec(lower)) {
    out += html.slice(from, match.index) + ' ';
    const closer = match[1] === undefined ? '-->' : `</${match[1]}`;
    const close = lower.indexOf(closer, opener.lastIndex);
    if (close === -1) return out;
    const end = match[1] === undefined ? close + 3 : lower.indexOf('>', close);
    if (end === -1) return out;
    from = match[1] === undefined ? end : end + 1;
    opener.lastIndex = from;
  }
  return out + html.slice(from);
}

function referencesOf(references: string | string[] | undefined): string[] {
  if (references === undefined) return [];
  // mailparser gives one string for one id, but a header it could not split stays one string with spaces.
  return (Array.isArray(references) ? references : [references]).flatMap((r) => r.split(/\s+/)).filter(Boolean);
}

function tokenizerHeaders(lines: HeaderLines): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const { key, line } of lines) {
    if (!(TOKENIZER_HEADERS as readonly string[]).includes(key) || key in picked) continue;
    // Raw lines, unfolded: mailparser folds List-* headers into one structured `list` entry and reshapes others.
    picked[key] = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
  }
  return picked;
}
