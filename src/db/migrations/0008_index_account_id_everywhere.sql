-- Every table deleted with its tenant gets an index led by account_id. Tenant deletion removes rows in batches of
-- `where account_id = $1 limit n`, and the erasure picks filter on account_id: without these indexes each batch
-- scanned the whole shared table, every other tenant's rows included (attachments: a parallel sequential scan of
-- all tenants' attachments per erasure batch in benchmark 5). A test keeps the rule for new tables.
create index attachments_account_idx on attachments (account_id);
create index consents_account_idx on consents (account_id);
create index oauth_tokens_account_idx on oauth_tokens (account_id);
create index portal_sessions_account_idx on portal_sessions (account_id);
create index saved_searches_account_idx on saved_searches (account_id);
