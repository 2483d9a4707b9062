-- The legal clock on data-subject requests (issue 15 §3, GDPR Art. 12(3) and 12(5)). A request is due one month
-- after it was received; it may be extended once, by two further months, with a reason the requester is told; a
-- request refused as manifestly unfounded or excessive is recorded with its reason. Reasons are staff's words and
-- may name the person: an extension's reason is cleared when the erasure completes (the fact of the extension
-- stays), a refusal's stays with the person it concerns, who was not erased.
alter table erasure_requests add column due_at timestamptz;
update erasure_requests set due_at = requested_at + interval '1 month';
alter table erasure_requests alter column due_at set not null;
alter table erasure_requests alter column due_at set default now() + interval '1 month';
alter table erasure_requests add column extended_at timestamptz;
alter table erasure_requests add column extension_reason text;
alter table erasure_requests add column refusal_reason text;
alter table erasure_requests drop constraint erasure_requests_status_check;
alter table erasure_requests add constraint erasure_requests_status_check
  check (status in ('queued', 'running', 'completed', 'failed', 'refused'));
alter table erasure_requests add constraint erasure_requests_refusal_check
  check ((status = 'refused') = (refusal_reason is not null));
create index erasure_requests_due_idx on erasure_requests (due_at) where status in ('queued', 'running');
