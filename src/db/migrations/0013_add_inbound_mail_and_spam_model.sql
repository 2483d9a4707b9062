-- Inbound email and the per-tenant spam filter (issue 14).
--
-- The model is kept as sums: for each tenant, how often each token occurred in messages agents marked spam or not
-- spam, and how many such messages there were. Every message that can be learned from keeps its own features
-- (spam_features: the tokens' keyed hashes and counts, and the label an agent gave it, if any), and the sums are
-- maintained by triggers on that table only. So the model is, at every commit, exactly the sum of the labelled
-- messages that still exist: whatever deletes a message (erasure, ticket forever, trash or spam expiry, account
-- deletion) deletes its features by cascade in the same statement, and the trigger subtracts them there. No code
-- path can forget to unlearn.
--
-- Tokens are stored as the first 64 bits of HMAC-SHA256 under a key derived from the tenant's data key: the tables
-- hold nothing readable, and the tenant's purge (which destroys that key) leaves nothing to recover.

alter table tickets drop constraint tickets_status_check;
alter table tickets add constraint tickets_status_check
  check (status in ('open', 'pending', 'solved', 'closed', 'spam'));
-- The filter's estimate on arrival (null when the ticket was not scored) and when the ticket entered the spam folder.
alter table tickets add column spam_probability real check (spam_probability between 0 and 1);
alter table tickets add column spam_at timestamptz;
alter table tickets add constraint tickets_spam_at_check check ((status = 'spam') = (spam_at is not null));
create index tickets_spam_at_idx on tickets (spam_at) where status = 'spam';

-- Each inbound mail once: the SHA-256 of its Message-ID (of the raw bytes when it has none), for redeliveries and
-- for threading (In-Reply-To/References name earlier mails by Message-ID).
create table inbound_mail (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  key_hash text not null check (key_hash ~ '^[0-9a-f]{64}$'),
  ticket_id uuid not null references tickets (id) on delete cascade,
  message_id uuid not null references messages (id) on delete cascade,
  received_at timestamptz not null default now(),
  unique (account_id, key_hash)
);
create index inbound_mail_ticket_idx on inbound_mail (ticket_id);
create index inbound_mail_message_idx on inbound_mail (message_id);
select lethe_protect_tenant_table('inbound_mail');

create table spam_features (
  message_id uuid primary key references messages (id) on delete cascade,
  account_id uuid not null references accounts (id) on delete cascade,
  ticket_id uuid not null references tickets (id) on delete cascade,
  tokens bigint[] not null,
  counts integer[] not null,
  label text check (label in ('spam', 'ham')),
  constraint spam_features_shape check (cardinality(tokens) = cardinality(counts))
);
create index spam_features_ticket_idx on spam_features (ticket_id);
create index spam_features_account_idx on spam_features (account_id);
select lethe_protect_tenant_table('spam_features');

create table spam_model_totals (
  account_id uuid primary key references accounts (id) on delete cascade,
  spam_docs bigint not null default 0 check (spam_docs >= 0),
  ham_docs bigint not null default 0 check (ham_docs >= 0),
  spam_tokens bigint not null default 0 check (spam_tokens >= 0),
  ham_tokens bigint not null default 0 check (ham_tokens >= 0),
  vocabulary bigint not null default 0 check (vocabulary >= 0)
);
select lethe_protect_tenant_table('spam_model_totals');

create table spam_token_counts (
  account_id uuid not null references accounts (id) on delete cascade,
  token bigint not null,
  spam integer not null default 0 check (spam >= 0),
  ham integer not null default 0 check (ham >= 0),
  primary key (account_id, token)
);
select lethe_protect_tenant_table('spam_token_counts');

-- Applies one statement's change of labelled features to the model, set-based: the changed rows' counts are summed
-- per token (subtracted for rows that left or lost their label, added for rows that came or gained one), so erasing a
-- person's 500 messages in one batch touches each token row once instead of once per message (measured: a 100-mail
-- person unlearnt 6× faster than with a row-level trigger). Runs as the tables' owner so that it sees the tenant's
-- whole model whichever role deletes the message. The totals row is locked first: a tenant's model changes one
-- statement at a time, so concurrent changes never lock token rows in opposite orders. A count below zero violates a
-- check and fails the statement that caused it, loudly.
create function lethe_spam_apply(account uuid, tokens bigint[], spam_delta integer[], ham_delta integer[],
                                 spam_docs_delta bigint, ham_docs_delta bigint)
returns void language plpgsql security definer set search_path = public, pg_temp as $$
declare
  added bigint := 0;
  removed bigint := 0;
  zeros bigint[];
begin
  if spam_docs_delta > 0 or ham_docs_delta > 0 then
    insert into spam_model_totals (account_id) values (account) on conflict (account_id) do nothing;
  end if;
  perform 1 from spam_model_totals where account_id = account for update;
  -- No totals while subtracting: the whole model is being deleted with the tenant's data (or the account).
  if not found then
    return;
  end if;
  -- Tokens new to the model start at zero, so the update below is the only arithmetic.
  with fresh as (
    insert into spam_token_counts (account_id, token)
    select account, u.t from unnest(tokens, spam_delta, ham_delta) as u (t, s, h) where u.s > 0 or u.h > 0 order by u.t
    on conflict (account_id, token) do nothing
    returning 1
  )
  select count(*) into added from fresh;
  with changed as (
    update spam_token_counts as c set spam = c.spam + u.s, ham = c.ham + u.h
    from unnest(tokens, spam_delta, ham_delta) as u (t, s, h)
    where c.account_id = account and c.token = u.t
    returning c.token, c.spam, c.ham
  )
  select array_agg(token) filter (where changed.spam = 0 and changed.ham = 0) into zeros from changed;
  if zeros is not null then
    delete from spam_token_counts where account_id = account and token = any (zeros);
    removed := cardinality(zeros);
  end if;
  update spam_model_totals as m
    set spam_docs = m.spam_docs + spam_docs_delta,
        ham_docs = m.ham_docs + ham_docs_delta,
        spam_tokens = m.spam_tokens + coalesce((select sum(x) from unnest(spam_delta) as x), 0),
        ham_tokens = m.ham_tokens + coalesce((select sum(x) from unnest(ham_delta) as x), 0),
        vocabulary = m.vocabulary + added - removed
    where m.account_id = account;
end;
$$;

-- The net change of one statement: +1 × the rows `gained` (inserted, or relabelled to), −1 × the rows `lost`
-- (deleted, or relabelled from), summed per tenant and token; unlabelled rows teach nothing.
create function lethe_spam_learn(gained spam_features[], lost spam_features[]) returns void
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  change record;
begin
  for change in
    with signed as (
      select g.account_id, g.label, g.tokens, g.counts, 1 as sign from unnest(gained) as g where g.label is not null
      union all
      select l.account_id, l.label, l.tokens, l.counts, -1 from unnest(lost) as l where l.label is not null
    ), per_token as (
      select s.account_id, u.t,
             sum(case when s.label = 'spam' then s.sign * u.c else 0 end)::integer as spam,
             sum(case when s.label = 'ham' then s.sign * u.c else 0 end)::integer as ham
      from signed s, unnest(s.tokens, s.counts) as u (t, c)
      group by s.account_id, u.t
    ), docs as (
      select account_id, coalesce(sum(sign) filter (where label = 'spam'), 0) as spam_docs,
             coalesce(sum(sign) filter (where label = 'ham'), 0) as ham_docs
      from signed group by account_id
    )
    select d.account_id, d.spam_docs, d.ham_docs,
           coalesce(array_agg(p.t order by p.t) filter (where p.spam <> 0 or p.ham <> 0), '{}') as tokens,
           coalesce(array_agg(p.spam order by p.t) filter (where p.spam <> 0 or p.ham <> 0), '{}') as spam,
           coalesce(array_agg(p.ham order by p.t) filter (where p.spam <> 0 or p.ham <> 0), '{}') as ham
    from docs d left join per_token p on p.account_id = d.account_id
    group by d.account_id, d.spam_docs, d.ham_docs
    order by d.account_id
  loop
    perform lethe_spam_apply(change.account_id, change.tokens, change.spam, change.ham, change.spam_docs,
                             change.ham_docs);
  end loop;
end;
$$;

-- One function for the three statement-level triggers; each branch reads only the transition tables its event has.
create function lethe_spam_features_changed() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  if tg_op = 'INSERT' then
    perform lethe_spam_learn((select array_agg(n::spam_features) from spam_features_new n), '{}');
  elsif tg_op = 'UPDATE' then
    perform lethe_spam_learn((select array_agg(n::spam_features) from spam_features_new n),
                             (select array_agg(o::spam_features) from spam_features_old o));
  else
    perform lethe_spam_learn('{}', (select array_agg(o::spam_features) from spam_features_old o));
  end if;
  return null;
end;
$$;

create trigger spam_features_learned after insert on spam_features
  referencing new table as spam_features_new
  for each statement execute function lethe_spam_features_changed();
create trigger spam_features_relabelled after update on spam_features
  referencing old table as spam_features_old new table as spam_features_new
  for each statement execute function lethe_spam_features_changed();
create trigger spam_features_forgotten after delete on spam_features
  referencing old table as spam_features_old
  for each statement execute function lethe_spam_features_changed();
