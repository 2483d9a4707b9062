-- Set in the API's transaction that accepts an agent's deletion (with their sessions and API tokens revoked), long
-- before the erasure workflow deletes the row: from then on the user cannot sign in or use any credential.
alter table users add column deletion_requested_at timestamptz;
