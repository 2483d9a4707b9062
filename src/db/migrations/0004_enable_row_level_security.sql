-- Tenant isolation in the database (issue 4). Requests of a tenant run as the role `lethe_app`, which owns no
-- table, with the tenant's id in the transaction setting `lethe.account_id`; row-level security, forced on every
-- tenant table, then shows and changes only that tenant's rows. The migrating role (the tables' owner, used by
-- workers and by cross-tenant look-ups such as sign-in) keeps full access through a policy of its own, since FORCE
-- subjects the owner to policies too.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'lethe_app') then
    create role lethe_app nologin;
  end if;
  execute format('grant lethe_app to %I', current_user);
end
$$;

grant usage on schema public to lethe_app;
grant select, insert, update, delete on all tables in schema public to lethe_app;
grant usage, select on all sequences in schema public to lethe_app;
-- The audit trail stays append-only for the application role as well.
revoke update, delete on audit_log from lethe_app;

create function lethe_current_account() returns uuid language sql stable as $$
  select nullif(current_setting('lethe.account_id', true), '')::uuid
$$;

do $$
declare
  t text;
begin
  foreach t in array array[
    'users', 'sessions', 'api_tokens', 'recovery_codes', 'login_throttles', 'ip_allowlists', 'account_domains',
    'account_settings', 'configuration_stashes', 'tenant_keys', 'account_backups', 'billing_events',
    'notification_outbox', 'audit_log'
  ] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy tenant_isolation on %I to lethe_app using (account_id = lethe_current_account())
                    with check (account_id = lethe_current_account())', t);
    execute format('create policy owner_access on %I to %I using (true) with check (true)', t, current_user);
  end loop;
  alter table accounts enable row level security;
  alter table accounts force row level security;
  create policy tenant_isolation on accounts to lethe_app using (id = lethe_current_account())
    with check (id = lethe_current_account());
  execute format('create policy owner_access on accounts to %I using (true) with check (true)', current_user);
end
$$;
