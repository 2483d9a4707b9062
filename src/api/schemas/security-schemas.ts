import { z } from '@hono/zod-openapi';
import { EmailSchema, PasswordSchema } from './account-schemas';
import { NonBlankText } from './common';

export const NewAgentSchema = z
  .object({
    email: EmailSchema,
    name: NonBlankText(200),
    role: z.enum(['admin', 'agent']),
    password: PasswordSchema,
  })
  .openapi('NewAgent');

export const AgentSchema = z
  .object({
    id: z.string().uuid(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['owner', 'admin', 'agent']),
    twoFactor: z.boolean(),
    createdAt: z.string().datetime(),
  })
  .openapi('Agent');

export const IdSchema = z.object({ id: z.string().uuid() }).openapi('Created');

const TotpCode = z.string().regex(/^\d{6}$/, 'six digits');

/** Re-authentication of a sensitive act (README: the re-authentication rule). */
const reauthFields = {
  password: z.string().min(1).max(1024).openapi({ format: 'password', description: 'The user’s current password' }),
  totp: TotpCode.optional().openapi({
    description: 'A fresh code of the user’s authenticator; required when 2FA is on',
  }),
};

export const ReauthSchema = z.object(reauthFields).openapi('Reauthentication');

export const PasswordChangeSchema = z
  .object({ currentPassword: reauthFields.password, newPassword: PasswordSchema, totp: reauthFields.totp })
  .openapi('PasswordChange');

export const PasswordChangedSchema = z
  .object({
    revokedSessions: z.number().int().openapi({ description: 'Sessions ended: all but the one that asked' }),
    revokedApiTokens: z.number().int().openapi({ description: 'API tokens revoked: every one made before the change' }),
  })
  .openapi('PasswordChanged');

export const TotpEnrolmentSchema = z
  .object({ secret: z.string(), otpauthUrl: z.string(), qrSvg: z.string() })
  .openapi('TotpEnrolment');

export const TotpConfirmationSchema = z
  .object({ code: TotpCode.openapi({ description: 'A code of the secret being enrolled' }), ...reauthFields })
  .openapi('TotpConfirmation');

export const RecoveryCodesSchema = z.object({ recoveryCodes: z.array(z.string()) }).openapi('RecoveryCodes');

export const NewApiTokenSchema = z.object({ name: NonBlankText(100), ...reauthFields }).openapi('NewApiToken');

export const ApiTokenCreatedSchema = z
  .object({ id: z.string().uuid(), token: z.string().openapi({ description: 'Shown once; only its hash is kept' }) })
  .openapi('ApiTokenCreated');

export const ApiTokenSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    prefix: z.string(),
    createdAt: z.string().datetime(),
    lastUsedAt: z.string().datetime().nullable(),
  })
  .openapi('ApiToken');

export const IpAllowlistSchema = z
  .object({
    cidrs: z
      .array(z.string().max(64))
      .max(200)
      .openapi({ example: ['203.0.113.0/24', '2001:db8::/32'] }),
    force: z.boolean().optional().openapi({ description: 'Save even if it excludes the caller’s own address' }),
  })
  .openapi('IpAllowlist');

export const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    actor: z.string(),
    action: z.string(),
    targetId: z.string().nullable(),
    clientIp: z.string().nullable(),
    reference: z.string().nullable(),
    at: z.string().datetime(),
  })
  .openapi('AuditEntry');
