-- Tenant data of the account lifecycle (issue 3). Every tenant table carries account_id so deletion, export and
-- (later) row-level security work table by table.

alter table accounts
  add column suspended_reason text check (suspended_reason in ('trial_expired', 'payment_failed')),
  -- Set while suspended/removed/deleting: every login and data request is refused. Kept apart from `state` so a
  -- retried activity can tell "already blocked" from "blocked now".
  add column access_blocked_at timestamptz;

create table users (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  email text not null,
  name text not null,
  role text not null check (role in ('owner', 'admin', 'agent')),
  password_hash text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_account_email_key on users (account_id, lower(email));
create unique index users_one_owner_per_account on users (account_id) where role = 'owner';

create table sessions (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index sessions_account_idx on sessions (account_id);

create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  name text not null,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_tokens_account_idx on api_tokens (account_id);

-- The public name of a tenant: what the widget, portal and mail routing resolve. Removed at `removed`.
create table account_domains (
  subdomain text primary key,
  account_id uuid not null unique references accounts (id) on delete cascade,
  created_at timestamptz not null default now()
);

-- Tenant configuration (branding, business hours, widget, mail routing). Removed at `removed`.
create table account_settings (
  account_id uuid primary key references accounts (id) on delete cascade,
  settings jsonb not null default '{}',
  updated_at timestamptz not null default now()
);

-- Configuration taken away at `removed`, sealed with the tenant key so reactivation can put it back.
create table configuration_stashes (
  account_id uuid primary key references accounts (id) on delete cascade,
  sealed bytea not null,
  created_at timestamptz not null default now()
);

-- Per-tenant data key, wrapped by MASTER_KEY. Deleting the row is the crypto-shredding of the tenant's backup.
create table tenant_keys (
  account_id uuid primary key references accounts (id) on delete cascade,
  wrapped_key bytea not null,
  created_at timestamptz not null default now()
);

-- The final, inactive backup written before live data is deleted; never served. Destroyed at `purged`.
create table account_backups (
  account_id uuid primary key references accounts (id) on delete cascade,
  sealed bytea not null,
  row_counts jsonb not null,
  created_at timestamptz not null default now()
);

-- Billing event ids seen by the webhook: a replay finds its id here and signals nothing.
create table billing_events (
  id text primary key,
  account_id uuid not null references accounts (id) on delete cascade,
  type text not null,
  received_at timestamptz not null default now()
);
create index billing_events_account_idx on billing_events (account_id);

-- Notifications to the owner. The recipient is copied in when the row is made (the owner may be deleted before
-- it is sent) and cleared once sent. `held` rows wait for a later release (the deletion notice).
create table notification_outbox (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  kind text not null,
  dedupe_key text not null,
  recipient text,
  status text not null default 'pending' check (status in ('held', 'pending', 'sent')),
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  unique (account_id, dedupe_key)
);
create index notification_outbox_pending_idx on notification_outbox (created_at) where status = 'pending';

-- What remains of a purged account: that it existed and when it was purged. No name, no subdomain.
create table purged_accounts (
  account_id uuid primary key,
  purged_at timestamptz not null default now()
);

-- Append-only audit trail: ids, actions and times, never personal data. Survives tenant deletion (no foreign key).
create table audit_log (
  id bigint generated always as identity primary key,
  account_id uuid,
  actor text not null,
  action text not null,
  target_id text,
  client_ip inet,
  -- A support ticket or chat reference the action answered (validated short token, not free text).
  reference text check (reference ~ '^[A-Za-z0-9#:._-]{1,100}$'),
  -- Lets an activity that may run twice record its entry exactly once.
  idempotency_key text unique,
  created_at timestamptz not null default now()
);
create index audit_log_account_idx on audit_log (account_id, created_at);

create function audit_log_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end;
$$;
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function audit_log_refuse_change();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_refuse_change();
