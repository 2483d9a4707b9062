// The spam filter as production runs it (issue 14 §3): a tenant whose model lives in PostgreSQL, learnt through the
// triggers from 10,000 marked corpus mails, then scored through SpamFilter (two queries per mail) and made to forget
// one person's 100 mails by deleting their tickets (the cascade and the triggers do the unlearning). Baseline for
// scale: a bare `select 1` round trip on the same pool in the same run.
import { randomBytes } from 'node:crypto';
import type { Sql } from '../src/db/client';
import { insertAccountWithOwner } from '../src/db/signup';
import { indexedHashes } from '../src/security/token-hashes';
import { SpamFilter } from '../src/spam/spam-filter';
import type { CorpusMessage } from './spam-corpus';
import { distribution } from './stats';
import type { Distribution } from './stats';

export interface SpamDatabaseResult {
  /** Marked mails learnt through the triggers, and at what rate. */
  learnt: number;
  learnPerSecond: number;
  vocabulary: number;
  /** SpamFilter.assessTokens per test mail (hashing, two queries, scoring). */
  scoreMs: Distribution;
  /** A bare `select 1` on the same pool: the floor any query-backed scoring pays. */
  roundTripMs: Distribution;
  /** Deleting one person's tickets; the triggers subtract their mails in the same statement. */
  unlearnPersonMs: number;
  personMessages: number;
  /** The model after the unlearning equals the model learnt without the person, count for count. */
  exact: boolean;
  meetsGoals: boolean;
}

const GOALS = { maxScoreP99Ms: 5, maxUnlearnMs: 50 } as const;

async function modelDigest(sql: Sql, accountId: string): Promise<string> {
  const [row] = await sql<{ digest: string }[]>`
    select md5(coalesce(string_agg(token || ':' || spam || ':' || ham, ',' order by token), '')) ||
           (select coalesce(string_agg(concat_ws(':', spam_docs, ham_docs, spam_tokens, ham_tokens, vocabulary), ''), '')
              from spam_model_totals where account_id = ${accountId}) as digest
    from spam_token_counts where account_id = ${accountId}`;
  return row?.digest ?? '';
}

export async function benchSpamDatabase(
  sql: Sql,
  masterKey: Buffer,
  train: readonly CorpusMessage[],
  test: readonly CorpusMessage[],
  settings: { tenantMessages: number; personMessages: number; warmup: number },
): Promise<SpamDatabaseResult> {
  const tag = randomBytes(4).toString('hex');
  const { accountId } = await insertAccountWithOwner(sql, masterKey, {
    subdomain: `spam-${tag}`,
    name: 'Spam bench',
    owner: { email: `owner-${tag}@example.test`, name: 'Owner', passwordHash: 'x' },
  });
  const filter = new SpamFilter(sql, masterKey);
  const key = await filter.tokenKey(accountId);
  const [person] = await sql<{ id: string }[]>`
    insert into contacts (account_id, email, name) values (${accountId}, ${`p-${tag}@example.test`}, 'P') returning id`;
  const n = settings.tenantMessages;
  // One ticket and message per learnt mail, made in bulk; the person's are the last `personMessages`.
  const rows = await sql<{ ticketId: string; messageId: string }[]>`
    with t as (
      insert into tickets (account_id, contact_id, channel, subject)
      select ${accountId}, case when g > ${n - settings.personMessages} then ${person?.id ?? null}::uuid end, 'email', 's'
      from generate_series(1, ${n}) g returning id
    )
    insert into messages (account_id, ticket_id, author_kind, body)
    select ${accountId}, id, 'contact', 'b' from t returning ticket_id, id as message_id`;
  const [personTickets] = await sql<{ ids: string[] }[]>`
    select array_agg(id) as ids from tickets where contact_id = ${person?.id ?? ''}`;
  const personSet = new Set(personTickets?.ids ?? []);
  const ordered = [...rows.filter((r) => !personSet.has(r.ticketId)), ...rows.filter((r) => personSet.has(r.ticketId))];

  const learn = async (from: number, to: number) => {
    for (let i = from; i < to; i += 200) {
      const chunk = ordered.slice(i, Math.min(to, i + 200)).map((row, j) => {
        const message = train[(i + j) % train.length]!;
        const { features } = indexedHashes(key, message.features);
        return [row.messageId, accountId, row.ticketId, features.tokens, features.counts, message.label] as const;
      });
      // One transaction per chunk: the triggers run once per labelled row, serialised on the tenant's totals row.
      await sql.begin(async (tx) => {
        for (const [messageId, account, ticketId, tokens, counts, label] of chunk) {
          await tx`insert into spam_features (message_id, account_id, ticket_id, tokens, counts, label)
                   values (${messageId}, ${account}, ${ticketId}, ${tokens}::bigint[], ${counts}::integer[], ${label})`;
        }
      });
    }
  };
  const t0 = performance.now();
  await learn(0, n - settings.personMessages);
  const learnMs = performance.now() - t0;
  const withoutPerson = await modelDigest(sql, accountId);
  await learn(n - settings.personMessages, n);
  const withPerson = await modelDigest(sql, accountId);

  // Steady state, as a tenant's model is most of its life: not the autovacuum that 10,000 fresh rows set off.
  await sql`vacuum analyze spam_token_counts`;
  await sql`vacuum analyze spam_model_totals`;
  for (let i = 0; i < settings.warmup; i++) await filter.assessTokens(sql, accountId, test[i % test.length]!.features);
  const scoreMs: number[] = [];
  const roundTripMs: number[] = [];
  for (const message of test) {
    const a = performance.now();
    await filter.assessTokens(sql, accountId, message.features);
    const b = performance.now();
    await sql`select 1`;
    roundTripMs.push(performance.now() - b);
    scoreMs.push(b - a);
  }

  const u0 = performance.now();
  await sql`delete from tickets where account_id = ${accountId} and contact_id = ${person?.id ?? ''}`;
  const unlearnPersonMs = performance.now() - u0;
  const exact = withPerson !== withoutPerson && (await modelDigest(sql, accountId)) === withoutPerson;
  const [{ vocabulary } = { vocabulary: '0' }] = await sql<{ vocabulary: string }[]>`
    select vocabulary from spam_model_totals where account_id = ${accountId}`;
  await sql`delete from accounts where id = ${accountId}`;

  const score = distribution(scoreMs);
  return {
    learnt: n,
    learnPerSecond: Math.round(((n - settings.personMessages) / learnMs) * 1000),
    vocabulary: Number(vocabulary),
    scoreMs: score,
    roundTripMs: distribution(roundTripMs),
    unlearnPersonMs: Math.round(unlearnPersonMs * 10) / 10,
    personMessages: settings.personMessages,
    exact,
    meetsGoals: exact && score.p99 <= GOALS.maxScoreP99Ms && unlearnPersonMs <= GOALS.maxUnlearnMs,
  };
}
