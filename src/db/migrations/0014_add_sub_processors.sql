-- Lethe's own sub-processors (issue 15 §4, GDPR Art. 28(2)): a public registry, not tenant data. A planned addition
-- opens an objection window: every live tenant's owner is mailed, and owners may object until the change takes
-- effect at `effective_at` (a durable timer of the sub-processor's workflow).
create table sub_processors (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  purpose text not null,
  location text not null,
  transfer_mechanism text not null,
  status text not null default 'planned' check (status in ('planned', 'active')),
  announced_at timestamptz not null default now(),
  effective_at timestamptz not null,
  -- `staff:<name>`: who announced it.
  announced_by text not null
);
create index sub_processors_announced_idx on sub_processors (announced_at);
grant select on sub_processors to lethe_app;

-- An owner's (or admin's) objection, one per tenant and sub-processor, while the window is open. Recorded for the
-- operators, who answer it; the change still takes effect (the customer's remedy is the contract's, not a veto).
create table sub_processor_objections (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  sub_processor_id uuid not null references sub_processors (id) on delete cascade,
  user_id uuid references users (id) on delete set null,
  reason text not null,
  created_at timestamptz not null default now(),
  unique (account_id, sub_processor_id)
);
create index sub_processor_objections_sub_processor_idx on sub_processor_objections (sub_processor_id);
select lethe_protect_tenant_table('sub_processor_objections');

-- The notice of a planned sub-processor names it: the outbox row refers to the registry's entry.
alter table notification_outbox add column sub_processor_id uuid references sub_processors (id) on delete cascade;
create index notification_outbox_sub_processor_idx on notification_outbox (sub_processor_id)
  where sub_processor_id is not null;
