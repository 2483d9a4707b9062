-- Staff access to a tenant's data only with its owner's approval (issue 15 §2). A member of staff asks for one
-- tenant, with a reason and a duration; the owner approves or refuses; an approved grant ends when its durable timer
-- fires (the grant's workflow) or when the owner revokes it. Only a live grant (approved, not past `expires_at`)
-- opens the tenant's contacts, tickets and exports to that staff member, and every such read is audited.
create table access_grants (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  staff_name text not null,
  reason text not null,
  duration_ms bigint not null check (duration_ms > 0),
  status text not null default 'requested'
    check (status in ('requested', 'approved', 'refused', 'revoked', 'expired')),
  requested_at timestamptz not null default now(),
  decided_at timestamptz,
  decided_by uuid references users (id) on delete set null,
  expires_at timestamptz,
  constraint access_grants_live_has_expiry check (status <> 'approved' or expires_at is not null)
);
create index access_grants_account_idx on access_grants (account_id, staff_name);
select lethe_protect_tenant_table('access_grants');
