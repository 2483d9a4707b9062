-- A billing event is "seen" only once it reached the account's workflow (issue 10, defect 1). Until then its row
-- says it arrived; a redelivery signals again (the workflow ignores an event id it has applied) instead of hearing
-- "duplicate" for an event that was never delivered. Rows from before were all delivered: undelivered ones used to
-- be deleted.
alter table billing_events add column delivered_at timestamptz;
update billing_events set delivered_at = received_at;
