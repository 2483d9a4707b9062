import { signUpAndSignIn } from './stack';
import type { Stack } from './stack';

/** A tenant whose subject and a bystander each own `tickets` tickets of 10 messages, made through the API and SQL. */
export async function tenantWithBigSubject(stack: Stack, tickets: number) {
  const { id: accountId, auth, tag } = await signUpAndSignIn(stack, 'big');
  const subject = { email: `big-${tag}@example.test`, name: 'Big Subject' };
  const contact = (await stack.http('POST', '/v1/contacts', subject, auth)).body.id as string;
  const other = (await stack.http('POST', '/v1/contacts', { email: `other-${tag}@example.test`, name: 'Other' }, auth))
    .body.id as string;
  await stack.sql`insert into tickets (account_id, contact_id, channel, subject)
                  select ${accountId}, c, 'email', 'ticket ' || g from generate_series(1, ${tickets}) g, unnest(${[contact, other]}::uuid[]) c`;
  await stack.sql`insert into messages (account_id, ticket_id, author_kind, author_contact_id, body)
                  select t.account_id, t.id, 'contact', t.contact_id, 'message ' || g || ' from ' || t.contact_id
                  from tickets t, generate_series(1, 10) g where t.account_id = ${accountId}`;
  return {
    accountId,
    auth,
    contact,
    subject,
    /** The bystander's messages: how many, and a digest of their ids. */
    bystander: () =>
      stack.sql`select count(*)::int as n, md5(string_agg(id::text, ',' order by id)) as d from messages where author_contact_id = ${other}`,
    /** The subject's messages left in the tenant. */
    async subjectMessagesLeft(): Promise<number> {
      const [left] = await stack.sql<{ n: number }[]>`
        select count(*)::int as n from messages where account_id = ${accountId} and author_contact_id = ${contact}`;
      return left?.n ?? -1;
    },
  };
}
