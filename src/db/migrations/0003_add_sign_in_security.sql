-- Sign-in security (issue 4): TOTP 2FA, recovery codes, API token display prefixes, IP allow-lists, login throttling.

alter table users
  -- The confirmed TOTP secret, sealed with a key derived from MASTER_KEY and bound to the user id.
  add column totp_secret_sealed bytea,
  -- An enrolment waiting for its first code; replaced by a new enrolment, cleared by confirmation.
  add column totp_pending_sealed bytea,
  -- The last TOTP step accepted: that code, and every code of an earlier step, is refused from then on.
  add column totp_last_step bigint,
  add column password_changed_at timestamptz not null default now();

create table recovery_codes (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  code_hash text not null,
  used_at timestamptz,
  created_at timestamptz not null default now(),
  unique (user_id, code_hash)
);
create index recovery_codes_account_idx on recovery_codes (account_id);

-- Shown in listings so people can tell their tokens apart; the token itself is never stored.
alter table api_tokens add column display_prefix text not null default '';

-- Empty list (or no row) = no restriction.
create table ip_allowlists (
  account_id uuid primary key references accounts (id) on delete cascade,
  cidrs text[] not null default '{}',
  updated_at timestamptz not null default now()
);

-- Failed sign-ins per account and client address; the lock grows with each failure past the free ones.
create table login_throttles (
  account_id uuid not null references accounts (id) on delete cascade,
  client_ip text not null,
  failures integer not null default 0,
  locked_until timestamptz,
  updated_at timestamptz not null default now(),
  primary key (account_id, client_ip)
);
