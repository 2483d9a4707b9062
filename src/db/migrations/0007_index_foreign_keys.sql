-- Indexes on the foreign-key columns the deletion cascades and the erasure steps walk: without them deleting one
-- user or contact scans the whole shared table, every tenant's rows included (measured: 609 ms → 139 ms for 1,000
-- users over 99k sessions).
create index sessions_user_idx on sessions (user_id);
create index api_tokens_user_idx on api_tokens (user_id);
create index recovery_codes_user_idx on recovery_codes (user_id);
create index messages_author_user_idx on messages (author_user_id) where author_user_id is not null;
create index messages_author_contact_idx on messages (author_contact_id) where author_contact_id is not null;
create index tickets_contact_idx on tickets (contact_id) where contact_id is not null;
