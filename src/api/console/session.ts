import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Sql } from '../../db/client';
import type { StaffMember } from '../../domain/staff';
import { safeEqual } from '../../security/tokens';
import type { StaffPrincipal } from '../middleware/auth';

// A console session is a row (console_sessions) named by the hash of a random secret the browser holds in its
// cookie. Staff are configuration, so the row names its staff member and a fingerprint of the token it was opened
// with: taking a token out of OPERATOR_TOKENS/SUPPORT_TOKENS (or changing it) ends its sessions at the next request.

/** A console session lasts one working day. */
export const CONSOLE_SESSION_TTL_MS = 8 * 3_600_000;

export interface ConsoleSession {
  staff: StaffPrincipal;
  /** The token every form of this session carries (synchronizer token, derived from the session's secret). */
  csrfToken: string;
}

const hashOf = (secret: string): Buffer => createHash('sha256').update(`lethe/console-session:${secret}`).digest();

/** Names a token without keeping it. */
const fingerprint = (token: string): string =>
  createHash('sha256').update(`lethe/console-token:${token}`).digest('base64url');

export class ConsoleSessions {
  private readonly csrfKey: Buffer;

  constructor(
    private readonly sql: Sql,
    masterKey: Buffer,
    private readonly staff: readonly StaffMember[],
  ) {
    // Derived for this one purpose: a CSRF token can pass for nothing else.
    this.csrfKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'lethe/console-csrf/v1', 32));
  }

  /** The staff member a token belongs to, compared in constant time; undefined for any other string. */
  memberFor(token: string): StaffMember | undefined {
    return this.staff.find((m) => safeEqual(m.token, token));
  }

  /** Opens a session for a member; the returned secret is the cookie's value. Expired sessions are swept here. */
  async open(member: StaffMember): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    await this.sql`delete from console_sessions where expires_at < now()`;
    await this.sql`
      insert into console_sessions (secret_hash, staff_name, token_fingerprint, expires_at)
      values (${hashOf(secret)}, ${member.name}, ${fingerprint(member.token)},
              now() + make_interval(secs => ${CONSOLE_SESSION_TTL_MS / 1000}))`;
    return secret;
  }

  /** The live session a cookie's secret names, if its token is still configured. */
  async read(secret: string | undefined): Promise<ConsoleSession | undefined> {
    if (secret === undefined || !/^[A-Za-z0-9_-]{43}$/.test(secret)) return undefined;
    const [row] = await this.sql<{ staffName: string; tokenFingerprint: string }[]>`
      select staff_name, token_fingerprint from console_sessions
      where secret_hash = ${hashOf(secret)} and expires_at > now()`;
    if (row === undefined) return undefined;
    const member = this.staff.find((m) => m.name === row.staffName && fingerprint(m.token) === row.tokenFingerprint);
    if (member === undefined) return undefined;
    const csrfToken = createHmac('sha256', this.csrfKey).update(secret).digest('base64url');
    return { staff: { kind: member.role, name: member.name }, csrfToken };
  }

  /** Ends a session (sign-out): the secret is worthless from now on, wherever a copy of it is. */
  async close(secret: string | undefined): Promise<void> {
    if (secret !== undefined) await this.sql`delete from console_sessions where secret_hash = ${hashOf(secret)}`;
  }
}
