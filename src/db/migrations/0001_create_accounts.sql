-- Tenant accounts: one row per customer of Lethe. The lifecycle workflow is the source of truth for the
-- state; the copy here lets the API refuse logins and data requests without asking Temporal.
create table accounts (
  id uuid primary key default gen_random_uuid(),
  subdomain text not null,
  name text not null,
  state text not null default 'trial'
    check (state in ('trial', 'active', 'past_due', 'suspended', 'removed', 'deleting', 'deleted', 'purged')),
  plan text not null default 'trial' check (plan in ('trial', 'paid')),
  state_since timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint accounts_subdomain_format check (subdomain ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$')
);

-- A removed, deleted or purged account frees nothing: subdomains are never reused while a row exists.
create unique index accounts_subdomain_key on accounts (subdomain);
