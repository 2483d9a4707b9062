import { z } from '@hono/zod-openapi';
import { withTenant } from '../../db/client';
import { mailKey, storeInboundMail } from '../../db/inbound-mail';
import type { ReceivedMail } from '../../db/inbound-mail';
import { ERROR_CODES } from '../../domain/error-codes';
import { isStorableText } from '../../domain/storable-text';
import { MalformedMailError, parseInboundMail } from '../../mail/parse-inbound';
import type { InboundMail } from '../../mail/parse-inbound';
import { verifyWebhookSignature } from '../../security/webhook-signature';
import { spamFilterFor } from '../../spam/spam-filter';
import type { AppDeps, AppEnv } from '../deps';
import { ProblemError } from '../problem';
import { livePublicTenant } from '../public-tenant';
import { SubdomainSchema } from '../schemas/account-schemas';
import { problem } from '../schemas/common';
import { createRouter, validationFailed } from '../validation';

/** How long a subject may be on a ticket; a longer mail subject is cut there (mail does not limit it). */
const SUBJECT_MAX = 300;

const InboundReceiptSchema = z
  .object({
    ticketId: z.string().uuid(),
    messageId: z.string().uuid(),
    duplicate: z.boolean().openapi({ description: 'Received before: nothing was stored this time' }),
    opened: z.boolean().openapi({ description: 'A new ticket was opened (false: a reply joined its ticket)' }),
    spam: z.boolean().openapi({ description: 'The new ticket was filed in the spam folder' }),
  })
  .openapi('InboundEmailReceipt');

const malformed = (detail: string) => new ProblemError(400, ERROR_CODES.MALFORMED_MAIL, 'Malformed mail', detail);

/** Parsed mail → what is stored, or a 400 that says which part cannot be, without echoing it. */
function receivable(mail: InboundMail): ReceivedMail {
  if (!mail.from?.address) throw malformed('The mail has no sender address (From)');
  const subject = mail.subject.trim().slice(0, SUBJECT_MAX) || '(no subject)';
  const parts: [string, string][] = [
    ['From', `${mail.from.address}${mail.from.name}`],
    ['Subject', subject],
    ['body', mail.text],
    ...mail.attachments.map((a, i): [string, string] => [`attachment ${i + 1}`, `${a.filename}${a.contentType}`]),
  ];
  const bad = parts.find(([, text]) => !isStorableText(text));
  if (bad) throw malformed(`The mail's ${bad[0]} holds a character that cannot be stored (NUL)`);
  return {
    messageId: mail.messageId,
    replyTo: [...(mail.inReplyTo ? [mail.inReplyTo] : []), ...mail.references],
    from: { address: mail.from.address, name: mail.from.name.trim() || mail.from.address },
    subject,
    // Transports end a body with a line break; the message is what the person wrote.
    text: mail.text.trimEnd(),
    headers: mail.headers,
    attachments: mail.attachments.map((a) => ({
      filename: a.filename || 'attachment',
      contentType: a.contentType || 'application/octet-stream',
      bytes: a.bytes,
    })),
  };
}

/**
 * `POST /v1/inbound/email?subdomain=`: a mail provider's inbound webhook. The raw RFC 822 message is the body,
 * signed like the billing webhook (`Lethe-Signature`) with INBOUND_EMAIL_SECRET; the signature is checked over the
 * exact bytes before anything is parsed. A new conversation opens an email ticket, which the spam filter screens;
 * a reply joins its ticket. The same mail delivered again stores nothing (200, `duplicate: true`).
 */
export function inboundEmailRoutes(deps: AppDeps) {
  const router = createRouter<AppEnv>();
  const secret = deps.config.inboundEmailSecret;

  // Documented by hand: the body is bytes, checked before it is parsed.
  router.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/inbound/email',
    tags: ['inbound'],
    summary: 'Inbound mail webhook: a raw RFC 822 message (Lethe-Signature over the exact bytes)',
    request: {
      query: z.object({ subdomain: SubdomainSchema }),
      body: {
        required: true,
        content: { 'message/rfc822': { schema: z.string().openapi({ format: 'binary' }) } },
      },
    },
    responses: {
      200: { description: 'Received before', content: { 'application/json': { schema: InboundReceiptSchema } } },
      201: { description: 'Stored', content: { 'application/json': { schema: InboundReceiptSchema } } },
      400: problem('No or invalid subdomain, or MALFORMED_MAIL: not a mail, no sender, or text that cannot be stored'),
      401: problem('Missing, bad or stale signature (SIGNATURE_INVALID)'),
      403: problem('The tenant is not in good standing'),
      404: problem('No such tenant, or inbound mail is not configured (no INBOUND_EMAIL_SECRET)'),
      410: problem('The tenant was removed'),
      415: problem('The body is not message/rfc822'),
    },
  });

  router.post('/v1/inbound/email', async (c) => {
    if (secret === undefined) throw new ProblemError(404, ERROR_CODES.NOT_FOUND, 'Inbound mail is not configured');
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'message/rfc822') {
      throw new ProblemError(415, ERROR_CODES.UNSUPPORTED_MEDIA_TYPE, 'Send the raw mail as message/rfc822');
    }
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const check = verifyWebhookSignature(secret, c.req.header('lethe-signature'), raw, Math.floor(Date.now() / 1000));
    if (!check.ok) throw new ProblemError(401, ERROR_CODES.SIGNATURE_INVALID, `Signature ${check.reason}`);
    const query = z.object({ subdomain: SubdomainSchema }).safeParse({ subdomain: c.req.query('subdomain') });
    if (!query.success) throw validationFailed([{ path: 'subdomain', message: 'a tenant subdomain is required' }]);
    const tenant = await livePublicTenant(deps, query.data.subdomain);

    let mail: ReceivedMail;
    try {
      mail = receivable(await parseInboundMail(Buffer.from(raw)));
    } catch (error) {
      if (error instanceof MalformedMailError) throw malformed(error.message);
      throw error;
    }
    const filter = spamFilterFor(deps);
    const key = mailKey(mail.messageId, raw);
    const receipt = await withTenant(deps.sql, tenant.id, async (db) => {
      const stored = await storeInboundMail(db, tenant.id, key, mail);
      if (stored.duplicate) {
        const [ticket] = await db<{ status: string }[]>`select status from tickets where id = ${stored.ticketId}`;
        return { ...stored, spam: ticket?.status === 'spam' };
      }
      const doc = {
        subject: stored.opened ? mail.subject : '',
        text: mail.text,
        fromAddress: mail.from.address,
        headers: mail.headers,
      };
      const arrival = { accountId: tenant.id, ticketId: stored.ticketId, messageId: stored.messageId, doc };
      // Only a new conversation is judged: a reply in a real conversation is never moved out of the agents' queue.
      const spam = stored.opened
        ? (await filter.screenArrival(db, arrival)).spam
        : (await filter.keepFeatures(db, arrival), false);
      return { ...stored, spam };
    });
    deps.logger.info(
      { accountId: tenant.id, ticketId: receipt.ticketId, duplicate: receipt.duplicate, spam: receipt.spam },
      'inbound mail received',
    );
    return c.json(receipt, receipt.duplicate ? 200 : 201);
  });

  return router;
}
