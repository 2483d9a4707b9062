import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { parse as parseCookies } from 'hono/utils/cookie';
import { z } from '@hono/zod-openapi';
import { findAccount } from '../../db/accounts';
import { ERROR_CODES } from '../../domain/error-codes';
import { isStorableText } from '../../domain/storable-text';
import { queryAccountView } from '../../temporal/account-client';
import { accountWorkflowId } from '../../temporal/ids';
import { accountPage, errorPage, searchPage, signInPage } from '../console/pages';
import { CONSOLE_SESSION_TTL_MS, ConsoleSessions } from '../console/session';
import type { ConsoleSession } from '../console/session';
import { CONSOLE_CSS } from '../console/styles';
import type { AppDeps, AppEnv } from '../deps';
import { toProblem } from '../error-handler';
import { ProblemError } from '../problem';
import { EmailSchema, SupportDeletionSchema, SupportRequestSchema } from '../schemas/account-schemas';
import { deleteForOwner, lookUpAccounts, reactivateForOwner, readAuditTrail } from '../staff-desk';

// The support console (issue 11 §3): the staff desk's actions as server-rendered pages. Forms only, no scripts.
// Personal data never goes into a URL: searches are posted, pages are addressed by account id. Every form that acts
// carries a CSRF token bound to the session, the cookie is SameSite=Strict and HttpOnly, and a browser's cross-site
// POST is refused before anything else.

/** No scripts, no frames, styles and forms from the console itself. */
export const CONSOLE_CSP = {
  defaultSrc: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

/** Entries of the audit trail the account page shows. */
const AUDIT_ON_PAGE = 50;

type ConsoleEnv = AppEnv & { Variables: { session: ConsoleSession | undefined } };

const NOTICES: Record<string, string> = {
  reactivated: 'Reactivated. The owner can sign in again; the audit trail records your name and the reference.',
  deletion: 'Deletion is under way. The audit trail records your name and the reference.',
};

const Uuid = z.string().uuid();

export function consoleRoutes(deps: AppDeps) {
  const sessions = new ConsoleSessions(deps.sql, deps.config.masterKey, deps.config.staff);
  // Over TLS the cookie is `__Host-`: bound to this host, Secure, Path=/, unsettable by a sibling domain.
  const cookieName = deps.https ? '__Host-lethe-console' : 'lethe-console';
  const logger = deps.logger.child({ module: 'console' });
  const router = new Hono<ConsoleEnv>();
  const secretOf = (c: { req: { header(name: string): string | undefined } }) =>
    parseCookies(c.req.header('cookie') ?? '', cookieName)[cookieName];

  router.use('/console/*', async (c, next) => {
    if (c.req.method === 'POST' && crossSite((name) => c.req.header(name))) {
      return c.html(errorPage(undefined, refusal(403, 'Refused: this form was not sent from the console')), 403);
    }
    c.set('session', await sessions.read(secretOf(c)));
    await next();
    // Pages show personal data: never cached, never stored by the browser or a proxy.
    c.header('Cache-Control', 'no-store');
  });

  router.get('/console/console.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    return c.body(CONSOLE_CSS);
  });

  router.get('/console', (c) => {
    const session = c.get('session');
    return session ? c.html(searchPage(session)) : c.html(signInPage());
  });

  router.post('/console/sign-in', async (c) => {
    const token = field(await c.req.parseBody(), 'token');
    const member = token === undefined ? undefined : sessions.memberFor(token);
    if (member === undefined) {
      return c.html(signInPage(refusal(401, 'That is not a staff token')), 401);
    }
    setCookie(c, cookieName, await sessions.open(member), {
      httpOnly: true,
      secure: deps.https === true,
      sameSite: 'Strict',
      path: '/',
      maxAge: CONSOLE_SESSION_TTL_MS / 1000,
    });
    logger.info({ staff: member.name }, 'console sign-in');
    return c.redirect('/console', 303);
  });

  /** The signed-in session of a form post whose CSRF token is right; otherwise the page that says why. */
  async function formOf(c: Context<ConsoleEnv>) {
    const session = c.get('session');
    const form = await c.req.parseBody();
    if (session === undefined) {
      return { refused: c.html(signInPage(refusal(401, 'Your session has ended: sign in again')), 401) };
    }
    if (field(form, 'csrf') !== session.csrfToken) {
      return { refused: c.html(errorPage(session, refusal(403, 'Refused: the form is stale; reload the page')), 403) };
    }
    // What PostgreSQL cannot store (NUL, a lone surrogate) never reaches a query, as on the JSON routes.
    if (Object.values(form).some((value) => typeof value === 'string' && !isStorableText(value))) {
      const problem = new ProblemError(
        400,
        ERROR_CODES.VALIDATION_FAILED,
        'Invalid input',
        'A field holds a character that cannot be stored',
      );
      return { refused: c.html(errorPage(session, problem), 400) };
    }
    return { session, form };
  }

  router.post('/console/sign-out', async (c) => {
    const { refused } = await formOf(c);
    if (refused) return refused;
    await sessions.close(secretOf(c));
    deleteCookie(c, cookieName, { path: '/', secure: deps.https === true });
    return c.redirect('/console', 303);
  });

  router.post('/console/search', async (c) => {
    const { refused, session, form } = await formOf(c);
    if (refused) return refused;
    const query = (field(form, 'query') ?? '').trim();
    try {
      const lookup = query.includes('@')
        ? { ownerEmail: EmailSchema.parse(query).toLowerCase() }
        : { subdomain: z.string().min(1).max(63).parse(query.toLowerCase()) };
      const accounts = await lookUpAccounts(deps, session.staff, lookup, 20, c.get('clientIp'));
      return c.html(searchPage(session, { query, accounts }));
    } catch (error) {
      const problem = asProblem(error, 'Enter a subdomain or an email address');
      return c.html(searchPage(session, { query, accounts: [] }, problem), problem.status);
    }
  });

  async function renderAccount(
    c: Context<ConsoleEnv>,
    session: ConsoleSession,
    id: string,
    outcome: { notice?: string; problem?: ProblemError } = {},
  ) {
    const account = await findAccount(deps.sql, id);
    if (!account) throw new ProblemError(404, ERROR_CODES.ACCOUNT_NOT_FOUND, 'No such account');
    const view = await queryAccountView(deps.temporal.client, id);
    const audit = await readAuditTrail(deps, session.staff, id, { limit: AUDIT_ON_PAGE }, c.get('clientIp'));
    const ui = deps.config.temporalUiUrl;
    const temporalLink =
      ui === undefined
        ? undefined
        : `${ui}/namespaces/${encodeURIComponent(deps.config.temporalNamespace)}/workflows/${accountWorkflowId(id)}`;
    const page = accountPage(session, {
      subdomain: account.subdomain,
      view,
      audit,
      temporalLink,
      ...(outcome.notice !== undefined ? { notice: outcome.notice } : {}),
      ...(outcome.problem !== undefined ? { problem: outcome.problem } : {}),
    });
    return c.html(page, outcome.problem?.status ?? 200);
  }

  router.get('/console/accounts/:id', async (c) => {
    const session = c.get('session');
    if (session === undefined) return c.redirect('/console', 303);
    const id = Uuid.safeParse(c.req.param('id'));
    if (!id.success) return c.html(errorPage(session, refusal(404, 'No such account')), 404);
    try {
      const done = c.req.query('done');
      return await renderAccount(c, session, id.data, done && NOTICES[done] ? { notice: NOTICES[done] } : {});
    } catch (error) {
      const problem = asProblem(error, 'No such account');
      return c.html(errorPage(session, problem), problem.status);
    }
  });

  /** Runs an owner's request; success goes back to the account page (303), a refusal is shown on it with its reason. */
  function ownerRequestRoute(
    path: string,
    done: string,
    act: (session: ConsoleSession, id: string, form: Form, clientIp: string | null) => Promise<unknown>,
  ) {
    router.post(`/console/accounts/:id/${path}`, async (c) => {
      const { refused, session, form } = await formOf(c);
      if (refused) return refused;
      const id = Uuid.safeParse(c.req.param('id'));
      if (!id.success) return c.html(errorPage(session, refusal(404, 'No such account')), 404);
      try {
        await act(session, id.data, form, c.get('clientIp'));
        return c.redirect(`/console/accounts/${id.data}?done=${done}`, 303);
      } catch (error) {
        const problem = asProblem(error, 'Check the reference (letters, digits and # : . _ -)');
        if (problem.status >= 500) return c.html(errorPage(session, problem), problem.status);
        try {
          return await renderAccount(c, session, id.data, { problem });
        } catch (again) {
          const other = asProblem(again, problem.title);
          return c.html(errorPage(session, other), other.status);
        }
      }
    });
  }

  ownerRequestRoute('reactivate', 'reactivated', (session, id, form, clientIp) =>
    reactivateForOwner(
      deps,
      session.staff,
      id,
      SupportRequestSchema.parse({ channel: field(form, 'channel'), reference: field(form, 'reference') }),
      clientIp,
    ),
  );

  ownerRequestRoute('deletion', 'deletion', (session, id, form, clientIp) =>
    deleteForOwner(
      deps,
      session.staff,
      id,
      SupportDeletionSchema.parse({
        channel: field(form, 'channel'),
        reference: field(form, 'reference'),
        confirm: field(form, 'confirm'),
      }),
      clientIp,
    ),
  );

  /** A problem for the page: a validation failure says `invalid`, anything unknown is logged and said plainly. */
  function asProblem(error: unknown, invalid: string): ProblemError {
    if (error instanceof z.ZodError) {
      return new ProblemError(400, ERROR_CODES.VALIDATION_FAILED, 'Invalid input', invalid);
    }
    const problem = toProblem(error);
    if (problem) return problem;
    logger.error({ err: error }, 'console request failed');
    return new ProblemError(500, ERROR_CODES.INTERNAL, 'Something went wrong; nothing more is known here');
  }

  return router;
}

type Form = Record<string, string | File | (string | File)[]>;

/** A text field of a posted form; files and repeated fields count as absent. */
function field(form: Form, name: string): string | undefined {
  const value = form[name];
  return typeof value === 'string' ? value : undefined;
}

const REFUSAL_CODES = {
  401: ERROR_CODES.UNAUTHENTICATED,
  403: ERROR_CODES.FORBIDDEN,
  404: ERROR_CODES.ACCOUNT_NOT_FOUND,
} as const;

function refusal(status: keyof typeof REFUSAL_CODES, title: string): ProblemError {
  return new ProblemError(status, REFUSAL_CODES[status], title);
}

/**
 * A browser says where a form came from: `Sec-Fetch-Site` (all current browsers), else `Origin`. Anything but the
 * console's own origin is refused; a client that sends neither is no browser, and still needs the CSRF token.
 */
function crossSite(header: (name: string) => string | undefined): boolean {
  const site = header('sec-fetch-site');
  if (site !== undefined) return site !== 'same-origin';
  const origin = header('origin');
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== header('host');
  } catch {
    return true;
  }
}
