import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { insertAudit } from '../../db/audit';
import { withTenant } from '../../db/client';
import { insertMail } from '../../db/outbox';
import { insertPortalSession } from '../../db/portal';
import {
  claimVerificationAttempt,
  consumeVerification,
  deleteExpiredVerifications,
  upsertPendingVerification,
} from '../../db/portal-verifications';
import { loadTenantKey } from '../../db/tenant-keys';
import { claimUnverifiedContacts } from '../../db/unverified-contacts';
import { findOrInsertVerifiedContact } from '../../db/tickets';
import { ERROR_CODES } from '../../domain/error-codes';
import {
  VERIFICATION_CODE_TTL_MS,
  VERIFICATION_MAX_ATTEMPTS,
  VERIFICATION_RESEND_INTERVAL_MS,
} from '../../domain/portal-verification';
import { outboxPayloadContext } from '../../notifications/outbox-dispatcher';
import { hashPassword, verifyPasswordOrDummy } from '../../security/passwords';
import { seal } from '../../security/secret-box';
import { hashVerificationCode, newVerificationCode, verificationCodeMatches } from '../../security/verification-codes';
import type { AppDeps, AppEnv } from '../deps';
import { ProblemError } from '../problem';
import { livePublicTenant } from '../public-tenant';
import { EmailSchema, PasswordSchema } from '../schemas/account-schemas';
import { problem, NonBlankText } from '../schemas/common';
import { createRouter } from '../validation';

const json = <T extends z.ZodTypeAny>(schema: T) => ({ content: { 'application/json': { schema } } });
const body = <T extends z.ZodTypeAny>(schema: T) => ({ body: { required: true, ...json(schema) } });
const Subdomain = z.string().min(1).max(63);

export const PortalSessionSchema = z
  .object({ token: z.string(), expiresAt: z.string().datetime(), contactId: z.string().uuid() })
  .openapi('PortalSession');

const register = createRoute({
  tags: ['portal'],
  method: 'post',
  path: '/v1/portal/register',
  summary: 'An end user asks to sign up to a tenant’s portal; a one-time code goes to the address',
  description:
    'Answers the same for every address, registered or not. The code (6 digits, 15 minutes, 5 tries) goes by mail; ' +
    'nothing is linked to an existing person until `POST /v1/portal/verify`. Asking again within a minute sends no ' +
    'second mail.',
  request: body(
    z.object({
      subdomain: Subdomain,
      email: EmailSchema,
      name: NonBlankText(200),
      password: PasswordSchema,
    }),
  ),
  responses: {
    202: {
      description: 'A code was mailed, if the address can receive one',
      ...json(z.object({ status: z.literal('verification_sent') })),
    },
    400: problem('VALIDATION_FAILED'),
    403: problem('The tenant is suspended'),
    404: problem('No such tenant'),
    410: problem('The tenant was removed'),
    413: problem('PAYLOAD_TOO_LARGE'),
    503: problem('DATABASE_UNAVAILABLE'),
  },
});

const verify = createRoute({
  tags: ['portal'],
  method: 'post',
  path: '/v1/portal/verify',
  summary: 'An end user proves they read the mailed code and gets a portal session',
  description:
    'Needs the password given at sign-up as well as the code, so a stranger who signed up with someone else’s ' +
    'address cannot have that person finish the stranger’s sign-up. Only now is the identity linked to an existing ' +
    'contact with the address, or a new contact made.',
  request: body(
    z.object({
      subdomain: Subdomain,
      email: NonBlankText(254),
      code: z.string().regex(/^\d{6}$/, 'six digits'),
      password: z.string().min(1).max(1024),
    }),
  ),
  responses: {
    201: { description: 'Verified and signed in', ...json(PortalSessionSchema) },
    400: problem('VALIDATION_FAILED'),
    401: problem('VERIFICATION_FAILED: no live sign-up, wrong code or password, or out of tries'),
    403: problem('The tenant is suspended'),
    404: problem('No such tenant'),
    409: problem('EMAIL_TAKEN: the address was registered meanwhile'),
    410: problem('The tenant was removed'),
    413: problem('PAYLOAD_TOO_LARGE'),
    503: problem('DATABASE_UNAVAILABLE'),
  },
});

const verificationFailed = () =>
  new ProblemError(401, ERROR_CODES.VERIFICATION_FAILED, 'Invalid or expired code, or wrong password');

/** Sign-up to the portal by emailed code (issue 9 §2). */
export function portalSignUpRoutes(deps: AppDeps) {
  const { sql, config } = deps;
  const router = createRouter<AppEnv>();

  router.openapi(register, async (c) => {
    const input = c.req.valid('json');
    const tenant = await livePublicTenant(deps, input.subdomain);
    const key = await loadTenantKey(sql, config.masterKey, tenant.id);
    if (!key) throw new ProblemError(410, ERROR_CODES.TENANT_GONE, 'This tenant is no longer available');
    // Hashed whether or not the address is taken: the answer and its timing are the same either way.
    const passwordHash = await hashPassword(input.password);
    const code = newVerificationCode();
    await withTenant(sql, tenant.id, async (db) => {
      await deleteExpiredVerifications(db, tenant.id);
      const [taken] = await db`
        select 1 from contact_identities
        where account_id = ${tenant.id} and provider = 'password' and lower(email) = lower(${input.email})`;
      const pending = await upsertPendingVerification(db, {
        accountId: tenant.id,
        email: input.email,
        name: input.name,
        passwordHash,
        codeHash: taken ? null : hashVerificationCode(config.masterKey, tenant.id, input.email, code),
        ttlMs: VERIFICATION_CODE_TTL_MS,
        resendIntervalMs: VERIFICATION_RESEND_INTERVAL_MS,
      });
      if (!pending) return;
      const mailId = randomUUID();
      await insertMail(db, {
        id: mailId,
        accountId: tenant.id,
        kind: taken ? 'portal_already_registered' : 'portal_verification',
        recipient: input.email,
        dedupeKey: `portal:${mailId}`,
        expiresAt: pending.expiresAt,
        deadlineAt: pending.expiresAt,
        ...(taken
          ? {}
          : { sealedPayload: seal(key, Buffer.from(JSON.stringify({ code })), outboxPayloadContext(mailId)) }),
      });
    });
    return c.json({ status: 'verification_sent' as const }, 202);
  });

  router.openapi(verify, async (c) => {
    const input = c.req.valid('json');
    const tenant = await livePublicTenant(deps, input.subdomain);
    // Committed on its own before anything is compared, so a wrong guess always costs a try.
    const pending = await withTenant(sql, tenant.id, (db) =>
      claimVerificationAttempt(db, tenant.id, input.email, VERIFICATION_MAX_ATTEMPTS),
    );
    const codeOk =
      pending !== undefined &&
      verificationCodeMatches(config.masterKey, pending.codeHash, tenant.id, input.email, input.code);
    const passwordOk = await verifyPasswordOrDummy(pending?.passwordHash, input.password);
    if (!pending || !codeOk || !passwordOk) throw verificationFailed();

    const session = await withTenant(sql, tenant.id, async (db) => {
      if (!(await consumeVerification(db, pending.id))) throw verificationFailed();
      const contactId = await findOrInsertVerifiedContact(db, tenant.id, {
        email: pending.email,
        name: pending.name,
        ip: c.get('clientIp'),
      });
      const [identity] = await db`
        insert into contact_identities (account_id, contact_id, provider, email, password_hash)
        values (${tenant.id}, ${contactId}, 'password', ${pending.email}, ${pending.passwordHash})
        on conflict (account_id, lower(email)) where provider = 'password' do nothing returning id`;
      if (!identity) throw new ProblemError(409, ERROR_CODES.EMAIL_TAKEN, 'This email is already registered');
      // Proven now: the chats this address started before (unverified contacts) are this person's.
      await claimUnverifiedContacts(db, tenant.id, contactId, pending.email);
      await insertAudit(db, {
        accountId: tenant.id,
        actor: `contact:${contactId}`,
        action: 'portal.registration_verified',
        targetId: contactId,
        clientIp: c.get('clientIp'),
      });
      return { ...(await insertPortalSession(db, tenant.id, contactId)), contactId };
    });
    return c.json(
      { token: session.token, expiresAt: session.expiresAt.toISOString(), contactId: session.contactId },
      201,
    );
  });

  return router;
}
