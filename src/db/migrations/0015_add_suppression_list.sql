-- The suppression list (issue 15 §5): when a person is erased, a keyed hash of their normalised address is kept, so
-- that imports and marketing consents for it are refused afterwards. Nothing readable: HMAC-SHA256 under a key
-- derived from the tenant's data key, so the same address gives unrelated hashes in two tenants, and the tenant's
-- purge (which destroys that key) leaves nothing that can be linked to anyone.
create table suppressed_addresses (
  account_id uuid not null references accounts (id) on delete cascade,
  address_hash bytea not null check (length(address_hash) = 32),
  created_at timestamptz not null default now(),
  primary key (account_id, address_hash)
);
select lethe_protect_tenant_table('suppressed_addresses');
