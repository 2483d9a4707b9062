import type { Queryable } from './client';

export interface PendingVerification {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  codeHash: string | null;
}

/**
 * Records a sign-up waiting for its code, replacing an earlier one for the address unless that one was mailed
 * less than `resendIntervalMs` ago and is still valid. Returns the row id when a mail is due, `undefined` when
 * not. One statement, so concurrent sign-ups for one address send one mail.
 */
export async function upsertPendingVerification(
  db: Queryable,
  v: {
    accountId: string;
    email: string;
    name: string;
    passwordHash: string;
    /** `null` when the address is registered already: the row then never verifies. */
    codeHash: string | null;
    ttlMs: number;
    resendIntervalMs: number;
  },
): Promise<{ id: string; expiresAt: Date } | undefined> {
  const [row] = await db<{ id: string; expiresAt: Date }[]>`
    insert into portal_verifications (account_id, email, name, password_hash, code_hash, expires_at)
    values (${v.accountId}, ${v.email}, ${v.name}, ${v.passwordHash}, ${v.codeHash},
            now() + make_interval(secs => ${v.ttlMs / 1000}))
    on conflict (account_id, lower(email)) do update
      set email = excluded.email, name = excluded.name, password_hash = excluded.password_hash,
          code_hash = excluded.code_hash, expires_at = excluded.expires_at, attempts = 0, sent_at = now()
      where portal_verifications.sent_at < now() - make_interval(secs => ${v.resendIntervalMs / 1000})
         or portal_verifications.expires_at <= now()
    returning id, expires_at`;
  return row;
}

/**
 * Spends one try of the address's live sign-up and returns it, or `undefined` when there is none left (no sign-up,
 * expired, or out of tries). The try is counted before the code is compared, in its own statement, so concurrent
 * guesses cannot share one try.
 */
export async function claimVerificationAttempt(
  db: Queryable,
  accountId: string,
  email: string,
  maxAttempts: number,
): Promise<PendingVerification | undefined> {
  const [row] = await db<PendingVerification[]>`
    update portal_verifications set attempts = attempts + 1
    where account_id = ${accountId} and lower(email) = lower(${email}) and expires_at > now()
      and attempts < ${maxAttempts}
    returning id, email, name, password_hash, code_hash`;
  return row;
}

/** Uses a verified sign-up up: true for exactly one of concurrent callers. */
export async function consumeVerification(db: Queryable, id: string): Promise<boolean> {
  return (await db`delete from portal_verifications where id = ${id}`).count === 1;
}

/** Forgets the tenant's sign-ups whose codes expired (they hold a name, an address and a password hash). */
export async function deleteExpiredVerifications(db: Queryable, accountId: string): Promise<void> {
  await db`delete from portal_verifications where account_id = ${accountId} and expires_at <= now()`;
}
