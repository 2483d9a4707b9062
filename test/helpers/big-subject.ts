import { randomBytes } from 'node:crypto';
import type { Stack } from './stack';
import { FIXTURE_PASSWORD } from './tenants';

/** A tenant whose subject and a bystander each own `tickets` tickets of 10 messages, made through the API and SQL. */
export async function tenantWithBigSubject(stack: Stack, tickets: number) {
  const tag = randomBytes(4).toString('hex');
  const subdomain = `big-${tag}`;
  const ownerEmail = `o-${tag}@example.test`;
  const signup = await stack.http('POST', '/v1/accounts', {
    subdomain,
    name: 'Big Co',
    owner: { email: ownerEmail, name: 'O', password: FIXTURE_PASSWORD },
  });
  const accountId = signup.body.account.id as string;
  const token = (
    await stack.http('POST', '/v1/auth/login', { subdomain, email: ownerEmail, password: FIXTURE_PASSWORD })
  ).body.token as string;
  const auth = { authorization: `Bearer ${token}` };
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
