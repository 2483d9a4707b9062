import { z } from '@hono/zod-openapi';
import { EmailSchema } from './account-schemas';
import { NonBlankText } from './common';

/** Largest single attachment accepted (the request body limit caps the total). */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

/** Bytes that a base64 text decodes to: three per four characters, less one per `=` of padding. */
export function base64DecodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}

export const AttachmentInputSchema = z
  .object({
    filename: NonBlankText(255),
    contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'a MIME type'),
    contentBase64: z
      .string()
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64')
      .refine((b) => base64DecodedLength(b) <= MAX_ATTACHMENT_BYTES, 'at most 5 MiB'),
  })
  .openapi('AttachmentInput');

export const NewContactSchema = z
  .object({
    email: EmailSchema,
    name: NonBlankText(200),
    phone: z.string().trim().min(3).max(40).optional(),
    address: z.string().trim().max(500).optional(),
    custom: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('NewContact');

export const ContactSchema = z
  .object({
    id: z.string().uuid(),
    email: z.string(),
    name: z.string(),
    phone: z.string().nullable(),
    address: z.string().nullable(),
    custom: z.record(z.string(), z.unknown()),
    createdAt: z.string().datetime(),
  })
  .openapi('Contact');

export const NewConsentSchema = z
  .object({
    purpose: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{1,50}$/, 'a purpose name such as marketing or chat')
      .openapi({ example: 'marketing' }),
    noticeVersion: NonBlankText(50).openapi({ example: '2026-01' }),
  })
  .openapi('NewConsent');

export const ChannelSchema = z.enum(['email', 'chat', 'phone', 'portal']);

export const TicketStatusSchema = z.enum(['open', 'pending', 'solved', 'closed', 'spam']);
export type TicketStatus = z.infer<typeof TicketStatusSchema>;

const SpamProbability = z.number().min(0).max(1).nullable().openapi({
  description: 'The spam filter’s estimate when the ticket arrived (null: not screened, e.g. opened by staff)',
});

/** What a ticket is, without its messages: the list's rows and the head of a full ticket. */
const TicketFields = z.object({
  id: z.string().uuid(),
  contactId: z.string().uuid().nullable(),
  channel: ChannelSchema,
  subject: z.string(),
  status: TicketStatusSchema,
  spamProbability: SpamProbability,
  createdAt: z.string().datetime(),
});

export const TicketSummarySchema = TicketFields.extend({ updatedAt: z.string().datetime() }).openapi('TicketSummary');

export const SpamVerdictSchema = z.object({ id: z.string().uuid(), status: TicketStatusSchema }).openapi('SpamVerdict');

export const NewTicketSchema = z
  .object({
    contactId: z.string().uuid(),
    channel: ChannelSchema,
    subject: NonBlankText(300),
    body: z.string().min(1).max(100_000),
    attachments: z.array(AttachmentInputSchema).max(20).optional(),
  })
  .openapi('NewTicket');

export const NewMessageSchema = z
  .object({ body: z.string().min(1).max(100_000), attachments: z.array(AttachmentInputSchema).max(20).optional() })
  .openapi('NewMessage');

export const TicketSchema = TicketFields.extend({
  trashedAt: z.string().datetime().nullable(),
  messages: z.array(
    z.object({
      id: z.string().uuid(),
      authorKind: z.string(),
      authorUserId: z.string().uuid().nullable(),
      authorContactId: z.string().uuid().nullable(),
      body: z.string(),
      createdAt: z.string().datetime(),
      attachments: z.array(
        z.object({ id: z.string().uuid(), filename: z.string(), contentType: z.string(), size: z.number().int() }),
      ),
    }),
  ),
}).openapi('Ticket');

export const PreChatSchema = z
  .object({
    subdomain: z.string().min(1).max(63),
    name: NonBlankText(200),
    email: EmailSchema,
    message: z.string().min(1).max(10_000),
    consent: z.object({
      // Anything but true is refused (400 CONSENT_REQUIRED): the document says so.
      granted: z.boolean().openapi({ enum: [true], description: 'The privacy notice was accepted' }),
      noticeVersion: NonBlankText(50),
    }),
  })
  .openapi('PreChat');

export const ConsentSchema = z
  .object({
    id: z.string().uuid(),
    purpose: z.string(),
    noticeVersion: z.string(),
    granted: z.boolean(),
    recordedAt: z.string().datetime(),
  })
  .openapi('Consent');
