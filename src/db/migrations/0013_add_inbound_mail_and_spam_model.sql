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

-- Adds (direction 1) or subtracts (-1) one labelled message's features. Runs as the tables' owner so that it sees
-- the tenant's whole model whichever role deletes the message. The totals row is locked first: a tenant's model
-- changes one message at a time, so two concurrent changes never lock token rows in opposite orders. A negative
-- count violates a check and fails the statement that caused it, loudly.
create function lethe_spam_apply(account uuid, label text, tokens bigint[], counts integer[], direction integer)
returns void language plpgsql security definer set search_path = public, pg_temp as $$
declare
  is_spam boolean := label = 'spam';
  total integer := coalesce((select sum(c) from unnest(counts) as c), 0);
  added bigint := 0;
  removed bigint := 0;
begin
  if direction > 0 then
    insert into spam_model_totals (account_id) values (account) on conflict (account_id) do nothing;
  end if;
  perform 1 from spam_model_totals where account_id = account for update;
  -- No totals while subtracting: the whole model is being deleted with the tenant's data (or the account).
  if not found then
    return;
  end if;
  if direction > 0 then
    with upserted as (
      insert into spam_token_counts as s (account_id, token, spam, ham)
      select account, u.t, case when is_spam then u.c else 0 end, case when is_spam then 0 else u.c end
      from unnest(tokens, counts) as u (t, c) order by u.t
      on conflict (account_id, token) do update
        set spam = s.spam + excluded.spam, ham = s.ham + excluded.ham
      returning (xmax = 0) as inserted
    )
    select count(*) filter (where inserted) into added from upserted;
  else
    update spam_token_counts as s
      set spam = s.spam - case when is_spam then u.c else 0 end,
          ham = s.ham - case when is_spam then 0 else u.c end
      from unnest(tokens, counts) as u (t, c)
      where s.account_id = account and s.token = u.t;
    with gone as (
      delete from spam_token_counts
      where account_id = account and token = any (tokens) and spam = 0 and ham = 0
      returning 1
    )
    select count(*) into removed from gone;
  end if;
  update spam_model_totals
    set spam_docs = spam_docs + case when is_spam then direction else 0 end,
        ham_docs = ham_docs + case when is_spam then 0 else direction end,
        spam_tokens = spam_tokens + case when is_spam then direction * total else 0 end,
        ham_tokens = ham_tokens + case when is_spam then 0 else direction * total end,
        vocabulary = vocabulary + added - removed
    where account_id = account;
end;
$$;

create function lethe_spam_features_changed() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  if tg_op in ('UPDATE', 'DELETE') and old.label is not null then
    perform lethe_spam_apply(old.account_id, old.label, old.tokens, old.counts, -1);
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.label is not null then
    perform lethe_spam_apply(new.account_id, new.label, new.tokens, new.counts, 1);
  end if;
  return null;
end;
$$;

create trigger spam_features_learned after insert or delete on spam_features
  for each row execute function lethe_spam_features_changed();
create trigger spam_features_relabelled after update of label, tokens, counts on spam_features
  for each row when (old.label is distinct from new.label or old.tokens is distinct from new.tokens
                     or old.counts is distinct from new.counts)
  execute function lethe_spam_features_changed();
