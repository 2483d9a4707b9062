import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN_PREFIXES = ['lsess', 'lapi', 'lrec', 'lport'] as const;

/** Kind of a bearer secret: `lsess` session, `lapi` API token, `lrec` 2FA recovery code, `lport` portal session. */
export type TokenPrefix = (typeof TOKEN_PREFIXES)[number];

// 256 bits: guessing is hopeless, so a fast unsalted SHA-256 is enough to store them (unlike passwords).
const TOKEN_BYTES = 32;

/**
 * Creates a random bearer secret `<prefix>_<43 base64url chars>` and the SHA-256 hex hash to store. The token is
 * shown to its owner once and never stored; lookups hash the presented token with {@link sha256Hex}.
 */
export function newToken(prefix: TokenPrefix): { token: string; hash: string } {
  const token = `${prefix}_${randomBytes(TOKEN_BYTES).toString('base64url')}`;
  return { token, hash: sha256Hex(token) };
}

/** SHA-256 of the UTF-8 bytes of `text`, as 64 lowercase hex characters. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The known prefix of a token (the part before the first `_`), or `undefined` when it has none. Lets a caller
 * tell a session token from an API token before querying, e.g. in HTTP Basic where both arrive as the password.
 */
export function tokenPrefix(token: string): TokenPrefix | undefined {
  const end = token.indexOf('_');
  if (end <= 0) return undefined;
  const prefix = token.slice(0, end);
  return (TOKEN_PREFIXES as readonly string[]).includes(prefix) ? (prefix as TokenPrefix) : undefined;
}

/**
 * Compares two strings (e.g. a presented secret with a configured one) in time independent of where they differ.
 * Both are hashed first because `timingSafeEqual` needs equal lengths and a length check would return early.
 */
export function safeEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB);
}
