import { createRoute, z } from '@hono/zod-openapi';
import { withTenant } from '../../db/client';
import { insertContact, insertMessage, insertTicket, recordConsent } from '../../db/tickets';
import { ERROR_CODES } from '../../domain/error-codes';
import type { AppDeps, AppEnv } from '../deps';
import { ProblemError } from '../problem';
import { spamFilterFor } from '../../spam/spam-filter';
import { livePublicTenant } from '../public-tenant';
import { problem } from '../schemas/common';
import { PreChatSchema } from '../schemas/support-data-schemas';
import { createRouter } from '../validation';

/** What the pre-chat form's consent covers. */
export const CHAT_CONSENT_PURPOSE = 'chat';

const start = createRoute({
  method: 'post',
  path: '/v1/chats',
  tags: ['public'],
  summary: 'Public pre-chat form: opens a chat ticket; consent to the privacy notice is required',
  request: { body: { required: true, content: { 'application/json': { schema: PreChatSchema } } } },
  responses: {
    201: {
      description: 'Chat opened',
      content: {
        'application/json': { schema: z.object({ ticketId: z.string().uuid() }) },
      },
    },
    400: problem('Invalid input, or CONSENT_REQUIRED (nothing is stored)'),
    404: problem('No such tenant'),
    410: problem('The tenant was removed'),
    413: problem('PAYLOAD_TOO_LARGE'),
  },
});

export function chatRoutes(deps: AppDeps) {
  const router = createRouter<AppEnv>();
  router.openapi(start, async (c) => {
    const body = c.req.valid('json');
    if (!body.consent.granted) {
      throw new ProblemError(400, ERROR_CODES.CONSENT_REQUIRED, 'The privacy notice must be accepted to start a chat');
    }
    const tenant = await livePublicTenant(deps, body.subdomain);
    const ip = c.get('clientIp');
    const ids = await withTenant(deps.sql, tenant.id, async (db) => {
      // A typed address proves nothing: a chat never joins, reveals or changes an existing person's record. It gets a
      // contact of its own, marked unverified, which an agent may link to a known person after checking.
      const contactId = await insertContact(
        db,
        tenant.id,
        { email: body.email, name: body.name, ip },
        { unverified: true },
      );
      await recordConsent(db, tenant.id, {
        contactId,
        purpose: CHAT_CONSENT_PURPOSE,
        noticeVersion: body.consent.noticeVersion,
        granted: true,
        ip,
      });
      const ticketId = await insertTicket(db, tenant.id, { contactId, channel: 'chat', subject: 'Chat' });
      const messageId = await insertMessage(db, tenant.id, ticketId, { kind: 'contact', contactId }, body.message);
      // A chat judged spam waits in the spam folder instead of the agents' queue; the visitor is not told.
      await spamFilterFor(deps).screenArrival(db, {
        accountId: tenant.id,
        ticketId,
        messageId,
        doc: { subject: '', text: body.message, fromAddress: body.email },
      });
      return { ticketId };
    });
    return c.json(ids, 201);
  });
  return router;
}
