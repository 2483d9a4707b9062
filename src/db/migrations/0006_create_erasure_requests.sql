-- Deletion requests of data subjects (issue 5): each is a workflow `erasure-<accountId>-<requestId>`; this row is
-- its status, progress and, once done, its signed receipt. Content-free: ids, counts, times and a keyed hash.
create table erasure_requests (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  kind text not null check (kind in ('agent', 'registration', 'erasure', 'ticket')),
  subject_id uuid not null,
  status text not null default 'queued' check (status in ('queued', 'running', 'completed', 'failed')),
  -- Per-step row counts so far, e.g. {"contact_messages": 1200}.
  progress jsonb not null default '{}',
  -- HMAC of the subject's identifiers (emails, phones) under a key derived from MASTER_KEY.
  subject_hash text,
  requested_by text not null,
  requested_at timestamptz not null default now(),
  completed_at timestamptz,
  receipt jsonb,
  signature text
);
-- Two requests for the same subject at once run one cascade: the second finds the first.
create unique index erasure_requests_one_active on erasure_requests (account_id, kind, subject_id)
  where status in ('queued', 'running');
create index erasure_requests_account_idx on erasure_requests (account_id, requested_at);

select lethe_protect_tenant_table('erasure_requests');
