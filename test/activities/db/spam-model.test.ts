import fc from 'fast-check';
import type { Sql } from '../../../src/db/client';
import { withTenant } from '../../../src/db/client';
import { storeFeatures } from '../../../src/db/spam-model';
import { insertContact, insertMessage, insertTicket } from '../../../src/db/tickets';
import { testSql } from '../../helpers/db';
import { seedTenant } from '../../helpers/tenants';

type Label = 'spam' | 'ham';

/** The tenant's model as stored: totals and every token row, in a comparable form. */
async function modelOf(sql: Sql, accountId: string) {
  const [totals] = await sql<Record<string, string>[]>`
    select spam_docs, ham_docs, spam_tokens, ham_tokens, vocabulary from spam_model_totals where account_id = ${accountId}`;
  const tokens = await sql<{ token: string; spam: number; ham: number }[]>`
    select token, spam, ham from spam_token_counts where account_id = ${accountId} order by token`;
  // No totals row: nothing was ever learned, which is the empty model.
  const none = { spamDocs: '0', hamDocs: '0', spamTokens: '0', hamTokens: '0', vocabulary: '0' };
  return { totals: totals ?? none, tokens };
}

/** What the model must be: the sum of the labelled features that exist, computed independently of the triggers. */
function expectedModel(messages: { features: Map<number, number>; label: Label | null }[]) {
  const counts = new Map<number, { spam: number; ham: number }>();
  const totals = { spamDocs: 0, hamDocs: 0, spamTokens: 0, hamTokens: 0 };
  for (const { features, label } of messages) {
    if (!label) continue;
    totals[label === 'spam' ? 'spamDocs' : 'hamDocs'] += 1;
    for (const [token, n] of features) {
      const row = counts.get(token) ?? { spam: 0, ham: 0 };
      row[label] += n;
      totals[label === 'spam' ? 'spamTokens' : 'hamTokens'] += n;
      counts.set(token, row);
    }
  }
  const tokens = [...counts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([token, c]) => ({ token: String(token), spam: c.spam, ham: c.ham }));
  return { totals, tokens };
}

const asStored = (features: Map<number, number>) => {
  const sorted = [...features.entries()].sort(([a], [b]) => a - b);
  return { tokens: sorted.map(([t]) => String(t)), counts: sorted.map(([, n]) => n) };
};

describe('spam model sums (migration 0013 triggers)', () => {
  const sql = testSql();
  afterAll(() => sql.end());

  const featuresArb = fc
    .array(fc.tuple(fc.integer({ min: -40, max: 40 }), fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 8 })
    .map((pairs) => new Map(pairs));
  const labelArb = fc.constantFrom<Label | null>('spam', 'ham', null);

  it('always equals the sum of the labelled messages that still exist, whatever is learned, relabelled or deleted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ features: featuresArb, label: labelArb, relabel: labelArb, person: fc.nat(2) }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.nat(2),
        async (messages, erased) => {
          const { accountId } = await seedTenant(sql, { agents: 0, sessionsPerUser: 0 });
          const people: string[] = [];
          const ids = await withTenant(sql, accountId, async (db) => {
            for (let p = 0; p < 3; p++)
              people.push(await insertContact(db, accountId, { email: `p${p}@example.test`, name: `P${p}` }));
            const made: { ticketId: string; messageId: string }[] = [];
            for (const m of messages) {
              const ticketId = await insertTicket(db, accountId, {
                contactId: people[m.person] ?? null,
                channel: 'email',
                subject: 's',
              });
              const messageId = await insertMessage(db, accountId, ticketId, { kind: 'contact', contactId: null }, 'b');
              await storeFeatures(db, {
                accountId,
                ticketId,
                messageId,
                features: asStored(m.features),
                ...(m.label ? { label: m.label } : {}),
              });
              made.push({ ticketId, messageId });
            }
            return made;
          });
          // An agent changes their mind on some (as `/spam` and `/not-spam` do).
          for (const [i, m] of messages.entries()) {
            await withTenant(
              sql,
              accountId,
              (db) => db`
              update spam_features set label = ${m.relabel} where message_id = ${ids[i]?.messageId ?? ''}`,
            );
          }
          const relabelled = messages.map((m) => ({ features: m.features, label: m.relabel, person: m.person }));
          expect(await modelOf(sql, accountId)).toEqual(
            expect.objectContaining({ tokens: expectedModel(relabelled).tokens }),
          );
          // A person is erased: their tickets go (the messages and features with them, by cascade).
          await withTenant(sql, accountId, (db) => db`delete from tickets where contact_id = ${people[erased] ?? ''}`);
          const rest = relabelled.filter((m) => m.person !== erased);
          const after = await modelOf(sql, accountId);
          const expected = expectedModel(rest);
          expect(after.tokens).toEqual(expected.tokens);
          expect(after.totals).toEqual({
            spamDocs: String(expected.totals.spamDocs),
            hamDocs: String(expected.totals.hamDocs),
            spamTokens: String(expected.totals.spamTokens),
            hamTokens: String(expected.totals.hamTokens),
            vocabulary: String(expected.tokens.length),
          });
          await sql`delete from accounts where id = ${accountId}`;
        },
      ),
      { numRuns: 25 },
    );
  });

  it('subtracts whichever role deletes the message, and deleting the whole tenant leaves no model behind', async () => {
    const { accountId } = await seedTenant(sql, { agents: 0, sessionsPerUser: 0 });
    const { messageId } = await withTenant(sql, accountId, async (db) => {
      const ticketId = await insertTicket(db, accountId, { contactId: null, channel: 'chat', subject: 'Chat' });
      const id = await insertMessage(db, accountId, ticketId, { kind: 'contact', contactId: null }, 'b');
      await storeFeatures(db, {
        accountId,
        ticketId,
        messageId: id,
        features: { tokens: ['1', '2'], counts: [3, 1] },
        label: 'spam',
      });
      return { messageId: id };
    });
    expect((await modelOf(sql, accountId)).tokens).toHaveLength(2);
    // The owner role (migrations, tenant deletion) deletes outside any tenant setting.
    await sql`delete from messages where id = ${messageId}`;
    expect(await modelOf(sql, accountId)).toEqual({
      totals: { spamDocs: '0', hamDocs: '0', spamTokens: '0', hamTokens: '0', vocabulary: '0' },
      tokens: [],
    });
    await sql`delete from accounts where id = ${accountId}`;
    const [left] = await sql<{ n: number }[]>`
      select (select count(*) from spam_model_totals where account_id = ${accountId})
           + (select count(*) from spam_token_counts where account_id = ${accountId})::int as n`;
    expect(Number(left?.n)).toBe(0);
  });

  it('refuses a count that would go below zero instead of keeping a wrong model', async () => {
    const { accountId } = await seedTenant(sql, { agents: 0, sessionsPerUser: 0 });
    await sql`insert into spam_model_totals (account_id) values (${accountId})`;
    await expect(
      sql`insert into spam_token_counts (account_id, token, spam, ham) values (${accountId}, 1, -1, 0)`,
    ).rejects.toThrow(/check constraint/);
    await sql`delete from accounts where id = ${accountId}`;
  });
});
