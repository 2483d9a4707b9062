import { z } from '@hono/zod-openapi';
import { ACCOUNT_STATES } from '../../domain/account-lifecycle';
import { MIN_PASSWORD_LENGTH, passwordProblem } from '../../security/passwords';
import { NonBlankText } from './common';

/** Names that would collide with our own hosts. */
const RESERVED_SUBDOMAINS = new Set(['www', 'api', 'app', 'admin', 'mail', 'support', 'status', 'docs', 'help']);

export const SubdomainSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lower-case letters, digits and inner hyphens, 1–63 characters')
  .refine((s) => !RESERVED_SUBDOMAINS.has(s), 'this subdomain is reserved')
  .openapi({ example: 'acme' });

/**
 * An email address as the server takes it, exactly as documented: the pattern goes into the document instead of
 * `format: email`, which allows quoted local parts and address literals the server refuses.
 */
export const EmailSchema = z
  .string()
  .max(254)
  .regex(z.regexes.email, 'an email address such as owner@acme.example')
  .openapi({ example: 'owner@acme.example' });

export const PasswordSchema = z
  .string()
  .superRefine((password, ctx) => {
    const problem = passwordProblem(password);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .openapi({ minLength: MIN_PASSWORD_LENGTH, format: 'password' });

export const SignupBodySchema = z
  .object({
    subdomain: SubdomainSchema,
    name: NonBlankText(200).openapi({ example: 'Acme Support' }),
    owner: z.object({ email: EmailSchema, name: NonBlankText(200), password: PasswordSchema }),
  })
  .openapi('SignupRequest');

const iso = z.string().datetime();

export const AccountViewSchema = z
  .object({
    id: z.string().uuid(),
    subdomain: z.string(),
    state: z.enum(ACCOUNT_STATES),
    plan: z.enum(['trial', 'paid']),
    suspendedReason: z.enum(['trial_expired', 'payment_failed']).optional(),
    stateSince: iso,
    deadlines: z.object({
      trialEndsAt: iso.optional(),
      graceEndsAt: iso.optional(),
      removalAt: iso.optional(),
      deletionAt: iso.optional(),
      purgeAt: iso.optional(),
    }),
    transitions: z.array(
      z.object({ from: z.enum(ACCOUNT_STATES), to: z.enum(ACCOUNT_STATES), at: iso, cause: z.string() }),
    ),
  })
  .openapi('AccountView');

export const SignupResponseSchema = z
  .object({ account: AccountViewSchema, ownerId: z.string().uuid() })
  .openapi('SignupResponse');

/** What support records about the request it acts on: a channel and the ticket or chat reference. */
export const SupportRequestSchema = z
  .object({
    channel: z.enum(['chat', 'email']),
    reference: z
      .string()
      .regex(/^[A-Za-z0-9#:._-]{1,100}$/, 'a ticket or chat reference: letters, digits and # : . _ -')
      .openapi({ example: 'CHAT-48213' }),
  })
  .openapi('SupportRequest');

/** Support deleting at the owner's request names the account a second time, by its subdomain. */
export const SupportDeletionSchema = SupportRequestSchema.extend({
  confirm: z.string().openapi({ description: 'Must equal the account’s subdomain' }),
}).openapi('SupportDeletionRequest');

export const OwnerDeletionSchema = z
  .object({
    confirm: z.string().openapi({ description: 'Must equal the account’s subdomain' }),
    password: z.string().min(1).max(1024),
    totp: z
      .string()
      .regex(/^\d{6}$/)
      .optional(),
  })
  .openapi('OwnerDeletionRequest');

export const BillingEventSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z0-9_.:-]+$/),
    type: z.enum(['payment.succeeded', 'payment.failed']),
    accountId: z.string().uuid(),
    occurredAt: iso,
    data: z.object({
      invoiceId: z.string().min(1).max(200),
      amountCents: z.number().int().nonnegative().optional(),
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/)
        .optional(),
      reason: z.string().max(500).optional(),
    }),
  })
  .openapi('BillingEvent');

export const BillingReceiptSchema = z
  .object({ received: z.literal(true), duplicate: z.boolean() })
  .openapi('BillingReceipt');

export const LoginBodySchema = z
  .object({
    subdomain: z.string().min(1).max(63),
    email: z.string().min(1).max(254),
    password: z.string().min(1).max(1024),
    totp: z
      .string()
      .regex(/^\d{6}$/)
      .optional(),
    recoveryCode: z.string().max(64).optional(),
  })
  .openapi('LoginRequest');

export const LoginResponseSchema = z.object({ token: z.string(), expiresAt: iso }).openapi('LoginResponse');

export const AccountListingSchema = z
  .object({
    accounts: z.array(
      z.object({
        accountId: z.string(),
        /** Given when the look-up was by subdomain or owner email (from the database; visibility holds no name). */
        subdomain: z.string().optional(),
        state: z.string().optional(),
        plan: z.string().optional(),
        nextTransitionAt: iso.optional(),
      }),
    ),
  })
  .openapi('AccountListing');

export const TenantLookupSchema = z.object({ subdomain: z.string(), name: z.string() }).openapi('Tenant');
