-- Sessions of the support console (issue 11 §3). Staff are configuration, not rows: a session names its staff member
-- and a fingerprint of the token it was opened with, so taking a token out of OPERATOR_TOKENS/SUPPORT_TOKENS ends
-- the sessions opened with it. Only a hash of the cookie's secret is kept; signing out deletes the row, so a copied
-- cookie dies with it.
create table console_sessions (
  secret_hash bytea primary key,
  staff_name text not null,
  token_fingerprint text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index console_sessions_expires_at on console_sessions (expires_at);
