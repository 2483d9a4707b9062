-- Outbound mail for real (issue 9). The outbox keeps what a delivery needs beyond the kind: the deadline the notice
-- names, a sealed payload for one-off secrets (a verification code, sealed with the tenant key and cleared once
-- sent), and the delivery state: attempts, when to try again, and the SMTP reply class of the last failure (never
-- the server's text, which may quote the address). `failed` is a permanent rejection, recorded and not retried;
-- `expired` is a one-off mail that could not be sent before its code stopped working.
alter table notification_outbox
  add column deadline_at timestamptz,
  add column sealed_payload bytea,
  add column expires_at timestamptz,
  add column attempts integer not null default 0,
  add column next_attempt_at timestamptz not null default now(),
  add column last_error text,
  add column finished_at timestamptz;
alter table notification_outbox drop constraint notification_outbox_status_check;
alter table notification_outbox
  add constraint notification_outbox_status_check check (status in ('held', 'pending', 'sent', 'failed', 'expired'));
drop index notification_outbox_pending_idx;
create index notification_outbox_due_idx on notification_outbox (next_attempt_at) where status = 'pending';

-- An end user's portal sign-up waiting for the emailed code. Nothing of an existing contact is reachable from here:
-- the identity is made, and linked to a contact, only when the code is verified. The code is stored hashed; a row
-- lives 15 minutes, allows 5 tries and is deleted when used. One pending sign-up per address and tenant.
create table portal_verifications (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  email text not null,
  name text not null,
  password_hash text not null,
  code_hash text,
  attempts integer not null default 0,
  expires_at timestamptz not null,
  sent_at timestamptz not null default now(),
  created_at timestamptz not null default now()
);
create unique index portal_verifications_email_key on portal_verifications (account_id, lower(email));

-- Contacts the public pre-chat form made from a typed address: nobody proved they own it, so such a contact is
-- never merged with an existing person's record, and the portal's verified sign-up never links to it.
alter table contacts add column unverified boolean not null default false;

select lethe_protect_tenant_table('portal_verifications');
