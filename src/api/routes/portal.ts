import { createRoute, z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { insertAudit } from '../../db/audit';
import { withTenant } from '../../db/client';
import type { Queryable } from '../../db/client';
import { claimAttempt, clearLoginFailures } from '../../db/login-throttles';
import { findLivePortalSession, insertPortalSession } from '../../db/portal';
import { exportContact } from '../../db/subject-export';
import { loadTenantKey } from '../../db/tenant-keys';
import { findOrInsertVerifiedContact, insertMessage, insertTicket, recordConsent } from '../../db/tickets';
import { ERROR_CODES } from '../../domain/error-codes';
import { verifyPasswordOrDummy } from '../../security/passwords';
import { safeEqual } from '../../security/tokens';
import { tooManyAttempts } from '../password-sign-in';
import { seal } from '../../security/secret-box';
import { spamFilterFor } from '../../spam/spam-filter';
import type { AppDeps, AppEnv } from '../deps';
import { refuseStanding, standingProblem } from '../account-access';
import { authenticate, inTenantTransaction } from '../middleware/auth';
import type { AuthEnv } from '../middleware/auth';
import { ProblemError } from '../problem';
import { livePublicTenant } from '../public-tenant';
import { EmailSchema } from '../schemas/account-schemas';
import { bearerSecurity, problem, NonBlankText } from '../schemas/common';
import { IdSchema } from '../schemas/security-schemas';
import { createRouter } from '../validation';
import { requestErasure } from './erasure';
import { PortalSessionSchema as Session } from './portal-sign-up';
import { tenantOf } from './tenant-of';

type PortalEnv = AppEnv & { Variables: { contactId: string; accountId: string; db: Queryable } };

const SavedSearch = z.object({ name: NonBlankText(100), query: z.string().min(1).max(1000) }).openapi('SavedSearch');
const json = <T extends z.ZodTypeAny>(schema: T) => ({ content: { 'application/json': { schema } } });
const body = <T extends z.ZodTypeAny>(schema: T) => ({ body: { required: true, ...json(schema) } });
const portal = { tags: ['portal'] };
const portalAuth = { ...portal, security: bearerSecurity };

const login = createRoute({
  ...portal,
  method: 'post',
  path: '/v1/portal/login',
  summary: 'An end user signs in to the portal',
  request: body(
    z.object({
      subdomain: z.string().min(1).max(63),
      email: z.string().min(1).max(254),
      password: z.string().min(1).max(1024),
    }),
  ),
  responses: {
    200: { description: 'Signed in', ...json(Session) },
    401: problem('INVALID_CREDENTIALS'),
    404: problem('TENANT_NOT_FOUND: no tenant has that subdomain'),
    429: problem('TOO_MANY_ATTEMPTS'),
  },
});
const oauth = createRoute({
  ...portal,
  method: 'post',
  path: '/v1/portal/oauth',
  summary: 'Social-login callback: stores the identity and its tokens (sealed), returns a portal session',
  description:
    'Called by Lethe’s OAuth integration after it exchanged the provider’s code, never by browsers: it trusts the ' +
    'provider user id it is given, so it requires the integration’s own token (OAUTH_CALLBACK_TOKEN). Staff tokens ' +
    'are refused: a portal session reads the person’s data, which staff may only do with the owner’s grant.',
  security: bearerSecurity,
  request: body(
    z.object({
      subdomain: z.string().min(1).max(63),
      provider: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/),
      providerUserId: z.string().min(1).max(200),
      email: EmailSchema,
      name: NonBlankText(200),
      accessToken: z.string().min(1).max(4096),
      refreshToken: z.string().min(1).max(4096).optional(),
    }),
  ),
  responses: {
    200: { description: 'Signed in', ...json(Session) },
    401: problem('The OAuth integration’s token (OAUTH_CALLBACK_TOKEN) is required'),
    404: problem('No such tenant'),
  },
});
const portalSearch = createRoute({
  ...portalAuth,
  method: 'post',
  path: '/v1/portal/me/saved-searches',
  summary: 'Save a search (end user)',
  request: body(SavedSearch),
  responses: { 201: { description: 'Saved', ...json(IdSchema) } },
});
const PortalTicket = z
  .object({ subject: NonBlankText(300), body: z.string().min(1).max(100_000) })
  .openapi('PortalTicket');
const portalTicket = createRoute({
  ...portalAuth,
  method: 'post',
  path: '/v1/portal/me/tickets',
  summary: 'Open a ticket (end user); the spam filter screens it on arrival',
  request: body(PortalTicket),
  responses: { 201: { description: 'Opened', ...json(IdSchema) } },
});
const agentSearch = createRoute({
  tags: ['me'],
  security: bearerSecurity,
  method: 'post',
  path: '/v1/me/saved-searches',
  summary: 'Save a search (agent)',
  request: body(SavedSearch),
  responses: { 201: { description: 'Saved', ...json(IdSchema) } },
});
const withdraw = createRoute({
  ...portalAuth,
  method: 'post',
  path: '/v1/portal/me/consents/{purpose}/withdraw',
  summary: 'Withdraw a consent (as easy as giving it): records a withdrawal',
  request: { params: z.object({ purpose: z.string().regex(/^[a-z][a-z0-9_-]{1,50}$/) }) },
  responses: { 201: { description: 'Withdrawn' }, 404: problem('No consent for this purpose') },
});
const staffWithdraw = createRoute({
  tags: ['contacts'],
  security: bearerSecurity,
  method: 'post',
  path: '/v1/contacts/{id}/consents/{purpose}/withdraw',
  summary: 'Record a withdrawal on the contact’s request (staff)',
  request: { params: z.object({ id: z.string().uuid(), purpose: z.string().regex(/^[a-z][a-z0-9_-]{1,50}$/) }) },
  responses: { 201: { description: 'Withdrawn' }, 404: problem('No consent for this purpose') },
});
const deleteMe = createRoute({
  ...portalAuth,
  method: 'delete',
  path: '/v1/portal/me',
  summary: 'Delete my profile (a registration deletion); my tickets stay, detached',
  responses: { 202: { description: 'Accepted', ...json(z.object({ requestId: z.string().uuid() })) } },
});
const exportMe = createRoute({
  ...portalAuth,
  method: 'get',
  path: '/v1/portal/me/export',
  summary: 'Everything held about me, as one JSON document',
  responses: { 200: { description: 'The export', ...json(z.record(z.string(), z.unknown())) } },
});

/** The end user's portal session; their requests run in their tenant's row-level-security transaction. */
function portalSession(deps: AppDeps) {
  return createMiddleware<PortalEnv>(async (c, next) => {
    // Mounted on /v1/portal/me and /v1/portal/me/*, and Hono matches both for /v1/portal/me: without this the request
    // would hold one pooled connection in the outer transaction and wait for a second for the inner one, and
    // concurrent requests wedged the pool (issue 10, found by the pool test of the workflow-starting routes).
    if (c.get('contactId') !== undefined) return next();
    const token = /^Bearer\s+(lport_\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const session = token ? await findLivePortalSession(deps.sql, token) : undefined;
    if (!session) throw new ProblemError(401, ERROR_CODES.UNAUTHENTICATED, 'Portal session required');
    const refusal = standingProblem(session.accountState, session.accessBlocked);
    if (refusal) refuseStanding(refusal);
    c.set('contactId', session.contactId);
    c.set('accountId', session.accountId);
    await inTenantTransaction(deps.sql, session.accountId, async (tx) => {
      c.set('db', tx);
      await next();
      return { failed: c.get('deadline').aborted || c.error !== undefined };
    });
  });
}

async function withdrawConsent(
  db: Queryable,
  accountId: string,
  contactId: string,
  purpose: string,
  ip: string | null,
) {
  const [latest] = await db<{ noticeVersion: string }[]>`
    select notice_version from consents where contact_id = ${contactId} and purpose = ${purpose}
    order by recorded_at desc, id desc limit 1`;
  if (!latest) throw new ProblemError(404, ERROR_CODES.NOT_FOUND, 'No consent for this purpose');
  await recordConsent(db, accountId, { contactId, purpose, noticeVersion: latest.noticeVersion, granted: false, ip });
}

export function portalRoutes(deps: AppDeps) {
  const { sql, config } = deps;
  const router = createRouter<PortalEnv>();
  router.use('/v1/portal/me', portalSession(deps));
  router.use('/v1/portal/me/*', portalSession(deps));

  router.openapi(login, async (c) => {
    const input = c.req.valid('json');
    const tenant = await livePublicTenant(deps, input.subdomain);
    const throttleKey = `portal:${c.get('clientIp') ?? 'unknown'}`;
    // Claimed before the hash, in one statement: concurrent guesses cannot share an attempt (as the staff sign-in).
    const claim = await claimAttempt(sql, tenant.id, throttleKey);
    if (!claim.allowed) throw tooManyAttempts(claim.retryAfterSeconds);
    const [identity] = await sql<{ contactId: string; passwordHash: string }[]>`
      select contact_id, password_hash from contact_identities
      where account_id = ${tenant.id} and provider = 'password' and lower(email) = lower(${input.email})`;
    if (!(await verifyPasswordOrDummy(identity?.passwordHash, input.password)) || !identity) {
      throw new ProblemError(401, ERROR_CODES.INVALID_CREDENTIALS, 'Invalid credentials');
    }
    await clearLoginFailures(sql, tenant.id, throttleKey);
    const session = await withTenant(sql, tenant.id, (db) => insertPortalSession(db, tenant.id, identity.contactId));
    return c.json(
      { token: session.token, expiresAt: session.expiresAt.toISOString(), contactId: identity.contactId },
      200,
    );
  });

  router.use('/v1/portal/oauth', async (c, next) => {
    // Unconfigured, no token is the right one: every call is refused the same way.
    const expected = config.oauthCallbackToken;
    const presented = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
    if (expected === undefined || !safeEqual(presented, expected)) {
      throw new ProblemError(401, ERROR_CODES.UNAUTHENTICATED, 'The OAuth integration’s token is required');
    }
    await next();
  });
  router.openapi(oauth, async (c) => {
    const input = c.req.valid('json');
    const tenant = await livePublicTenant(deps, input.subdomain);
    const key = await loadTenantKey(sql, config.masterKey, tenant.id);
    if (!key) throw new ProblemError(410, ERROR_CODES.TENANT_GONE, 'This tenant is no longer available');
    const session = await withTenant(sql, tenant.id, async (db) => {
      const [known] = await db<{ id: string; contactId: string }[]>`
        select id, contact_id from contact_identities
        where account_id = ${tenant.id} and provider = ${input.provider} and provider_user_id = ${input.providerUserId}`;
      const contactId =
        known?.contactId ??
        (await findOrInsertVerifiedContact(db, tenant.id, {
          email: input.email,
          name: input.name,
          ip: c.get('clientIp'),
        }));
      const identityId =
        known?.id ??
        (
          await db<{ id: string }[]>`
            insert into contact_identities (account_id, contact_id, provider, provider_user_id, email)
            values (${tenant.id}, ${contactId}, ${input.provider}, ${input.providerUserId}, ${input.email}) returning id`
        )[0]?.id;
      const tokens = Buffer.from(
        JSON.stringify({ accessToken: input.accessToken, refreshToken: input.refreshToken ?? null }),
      );
      await db`delete from oauth_tokens where identity_id = ${identityId ?? null}`;
      await db`insert into oauth_tokens (account_id, identity_id, sealed)
               values (${tenant.id}, ${identityId ?? null}, ${seal(key, tokens, `oauth:${identityId}`)})`;
      return { ...(await insertPortalSession(db, tenant.id, contactId)), contactId };
    });
    return c.json(
      { token: session.token, expiresAt: session.expiresAt.toISOString(), contactId: session.contactId },
      200,
    );
  });

  router.openapi(portalSearch, async (c) => {
    const input = c.req.valid('json');
    const [row] = await c.get('db')<{ id: string }[]>`
      insert into saved_searches (account_id, contact_id, name, query)
      values (${c.get('accountId')}, ${c.get('contactId')}, ${input.name}, ${input.query}) returning id`;
    return c.json({ id: row?.id ?? '' }, 201);
  });

  router.openapi(portalTicket, async (c) => {
    const input = c.req.valid('json');
    const db = c.get('db');
    const accountId = c.get('accountId');
    const contactId = c.get('contactId');
    const ticketId = await insertTicket(db, accountId, { contactId, channel: 'portal', subject: input.subject });
    const messageId = await insertMessage(db, accountId, ticketId, { kind: 'contact', contactId }, input.body);
    // Judged like mail and chats: a signed-in end user can still post spam (a stolen or throwaway account).
    await spamFilterFor(deps).screenArrival(db, {
      accountId,
      ticketId,
      messageId,
      doc: { subject: input.subject, text: input.body },
    });
    return c.json({ id: ticketId }, 201);
  });

  router.openapi(withdraw, async (c) => {
    await withdrawConsent(
      c.get('db'),
      c.get('accountId'),
      c.get('contactId'),
      c.req.valid('param').purpose,
      c.get('clientIp'),
    );
    return c.body(null, 201);
  });

  router.openapi(deleteMe, async (c) => {
    const accountId = c.get('accountId');
    const requestId = await requestErasure(
      c.get('db'),
      deps.temporal.client,
      { accountId, actor: `contact:${c.get('contactId')}` },
      'registration',
      c.get('contactId'),
      c.get('clientIp'),
    );
    return c.json({ requestId }, 202);
  });

  router.openapi(exportMe, async (c) => {
    const document = await exportContact(c.get('db'), c.get('contactId'));
    if (!document) throw new ProblemError(404, ERROR_CODES.NOT_FOUND, 'No such contact');
    return c.json(document, 200);
  });

  return router;
}

/** Staff routes beside the portal's: an agent's saved searches and a withdrawal recorded on request. */
export function staffConsentRoutes(deps: AppDeps) {
  const router = createRouter<AuthEnv>();
  router.use('/v1/me/saved-searches', authenticate(deps, ['user']));
  router.use('/v1/contacts/*', authenticate(deps, ['user']));
  router.openapi(agentSearch, async (c) => {
    const me = tenantOf(c.get('principal'));
    const input = c.req.valid('json');
    const [row] = await c.get('db')<{ id: string }[]>`
      insert into saved_searches (account_id, user_id, name, query) values (${me.accountId}, ${me.userId}, ${input.name}, ${input.query})
      returning id`;
    return c.json({ id: row?.id ?? '' }, 201);
  });
  router.openapi(staffWithdraw, async (c) => {
    const me = tenantOf(c.get('principal'));
    const { id, purpose } = c.req.valid('param');
    await withdrawConsent(c.get('db'), me.accountId, id, purpose, c.get('clientIp'));
    await insertAudit(c.get('db'), {
      accountId: me.accountId,
      actor: `user:${me.userId}`,
      action: 'consent.withdrawn_by_staff',
      targetId: id,
      clientIp: c.get('clientIp'),
    });
    return c.body(null, 201);
  });
  return router;
}
