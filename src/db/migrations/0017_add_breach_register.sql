-- The breach register (issue 15 §1, GDPR Art. 33 and 34). One row per personal-data breach, the tenants it touched,
-- and a timeline of every step with its time and actor (Art. 33(5): the controller documents every breach). The
-- register outlives the tenants it names (no foreign key to accounts): it is the evidence of what was done.
create table breaches (
  id uuid primary key default gen_random_uuid(),
  -- When Lethe became aware: the 72-hour clock of Art. 33(1) starts here.
  aware_at timestamptz not null,
  nature text not null,
  categories text[] not null check (cardinality(categories) > 0),
  subjects_approx integer not null check (subjects_approx >= 0),
  records_approx integer not null check (records_approx >= 0),
  consequences text not null,
  measures text not null,
  -- The data protection officer (DPO_EMAIL when the breach was opened): the contact point of Art. 33(3)(b).
  contact_point text not null,
  opened_by text not null,
  opened_at timestamptz not null default now(),
  authority_notified_at timestamptz,
  authority_reference text,
  -- Art. 33(1): a notification later than 72 hours comes with the reasons for the delay.
  delay_reason text
);

create table breach_accounts (
  breach_id uuid not null references breaches (id) on delete cascade,
  account_id uuid not null,
  primary key (breach_id, account_id)
);
create index breach_accounts_account_idx on breach_accounts (account_id);
-- It names tenants, so the application role sees a tenant's own rows only, like every table with an account_id.
select lethe_protect_tenant_table('breach_accounts');

create table breach_events (
  id bigserial primary key,
  breach_id uuid not null references breaches (id) on delete cascade,
  at timestamptz not null default now(),
  actor text not null,
  action text not null,
  detail text
);
create index breach_events_breach_idx on breach_events (breach_id, at);

-- A tenant's notice of a breach names it: the outbox row refers to the register's entry.
alter table notification_outbox add column breach_id uuid references breaches (id) on delete cascade;
