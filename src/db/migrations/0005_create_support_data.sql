-- The tenants' own customers and their conversations (issue 5): contacts (end users), their portal identities
-- and social-login tokens, portal sessions, saved searches, tickets on every channel, messages (chat transcripts are
-- the messages of chat tickets), attachments (bytes stored) and consent records. Every table carries account_id
-- and is protected by forced row-level security like the tables of 0004.

-- One place that makes a table tenant-scoped, for this and later migrations.
create function lethe_protect_tenant_table(t text) returns void language plpgsql as $$
declare
  owner_role text := (select pg_get_userbyid(relowner) from pg_class where oid = t::regclass);
begin
  execute format('grant select, insert, update, delete on %I to lethe_app', t);
  execute format('alter table %I enable row level security', t);
  execute format('alter table %I force row level security', t);
  execute format('create policy tenant_isolation on %I to lethe_app using (account_id = lethe_current_account())
                  with check (account_id = lethe_current_account())', t);
  execute format('create policy owner_access on %I to %I using (true) with check (true)', t, owner_role);
end;
$$;

create table contacts (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  email text not null,
  name text not null,
  phone text,
  address text,
  custom jsonb not null default '{}',
  -- The address the contact first wrote from (pre-chat form); personal data, erased with the contact.
  ip text,
  created_at timestamptz not null default now()
);
create index contacts_account_email_idx on contacts (account_id, lower(email));

-- How an end user signs in to the portal: a password, or a social provider's user id.
create table contact_identities (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  contact_id uuid not null references contacts (id) on delete cascade,
  provider text not null check (provider ~ '^[a-z][a-z0-9-]{1,30}$'),
  provider_user_id text,
  email text not null,
  password_hash text,
  created_at timestamptz not null default now()
);
create unique index contact_identities_password_key on contact_identities (account_id, lower(email)) where provider = 'password';
create unique index contact_identities_provider_key on contact_identities (account_id, provider, provider_user_id)
  where provider <> 'password';
create index contact_identities_contact_idx on contact_identities (contact_id);

-- Social-login access and refresh tokens, sealed with the tenant key.
create table oauth_tokens (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  identity_id uuid not null references contact_identities (id) on delete cascade,
  sealed bytea not null,
  created_at timestamptz not null default now()
);
create index oauth_tokens_identity_idx on oauth_tokens (identity_id);

create table portal_sessions (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  contact_id uuid not null references contacts (id) on delete cascade,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index portal_sessions_contact_idx on portal_sessions (contact_id);

create table saved_searches (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  user_id uuid references users (id) on delete cascade,
  contact_id uuid references contacts (id) on delete cascade,
  name text not null,
  query text not null,
  created_at timestamptz not null default now(),
  constraint saved_searches_one_owner check ((user_id is null) <> (contact_id is null))
);
create index saved_searches_user_idx on saved_searches (user_id);
create index saved_searches_contact_idx on saved_searches (contact_id);

create table tickets (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  -- Null once the requester's registration is deleted: the ticket stays, detached from any identity.
  contact_id uuid references contacts (id) on delete set null,
  channel text not null check (channel in ('email', 'chat', 'phone', 'portal')),
  subject text not null,
  status text not null default 'open' check (status in ('open', 'pending', 'solved', 'closed')),
  trashed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index tickets_account_contact_idx on tickets (account_id, contact_id);
create index tickets_trashed_idx on tickets (trashed_at) where trashed_at is not null;

create table messages (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  ticket_id uuid not null references tickets (id) on delete cascade,
  author_kind text not null check (author_kind in ('contact', 'agent', 'deleted_agent', 'system')),
  author_user_id uuid references users (id) on delete set null,
  author_contact_id uuid references contacts (id) on delete set null,
  body text not null,
  created_at timestamptz not null default now()
);
create index messages_ticket_idx on messages (ticket_id, created_at);
create index messages_account_idx on messages (account_id);

create table attachments (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  message_id uuid not null references messages (id) on delete cascade,
  filename text not null,
  content_type text not null,
  size integer not null,
  bytes bytea not null,
  created_at timestamptz not null default now()
);
create index attachments_message_idx on attachments (message_id);

-- What an end user agreed to, under which notice version, when and from where; withdrawal is a new record.
create table consents (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  contact_id uuid not null references contacts (id) on delete cascade,
  purpose text not null check (purpose ~ '^[a-z][a-z0-9_-]{1,50}$'),
  notice_version text not null,
  granted boolean not null,
  ip text,
  recorded_at timestamptz not null default now()
);
create index consents_contact_idx on consents (contact_id, purpose, recorded_at);

select lethe_protect_tenant_table(t) from unnest(array[
  'contacts', 'contact_identities', 'oauth_tokens', 'portal_sessions', 'saved_searches', 'tickets', 'messages',
  'attachments', 'consents'
]) as t;
