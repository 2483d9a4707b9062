import { MockActivityEnvironment } from '@temporalio/testing';
import { createAccountActivities, openBackup } from '../../src/activities/account-activities';
import { isSuppressed, suppressAddresses } from '../../src/db/suppression';
import { loadTenantKey } from '../../src/db/tenant-keys';
import { TENANT_DATA_TABLES } from '../../src/db/tenant-tables';
import { capturingLogger } from '../helpers/app';
import { testSql, truncateAll } from '../helpers/db';
import { databaseDigest, rowsOfAccount, seedTenant, TEST_MASTER_KEY } from '../helpers/tenants';

const sql = testSql();
const { logger, lines: logLines } = capturingLogger();

/** Runs `first`, then `again`, and asserts the second run changed no row anywhere. */
async function expectIdempotent(first: () => Promise<unknown>, again: () => Promise<unknown> = first): Promise<void> {
  await first();
  const before = await databaseDigest(sql);
  await again();
  expect(await databaseDigest(sql)).toEqual(before);
}

describe('account activities', () => {
  const activities = createAccountActivities({ sql, masterKey: TEST_MASTER_KEY, logger, deleteBatchSize: 7 });
  /**
   * The cascade heartbeats, so it runs in the SDK's mock activity context (heartbeats, cancellation); cancellation
   * through a real server is test/workflows/erasure-cancellation.test.ts.
   */
  const deleteTenantData = (accountId: string): Promise<{ deleted: Record<string, number> }> =>
    new MockActivityEnvironment().run(activities.deleteTenantData, accountId);

  beforeEach(() => truncateAll(sql));
  afterAll(() => sql.end());

  it('recordAccountState mirrors the state and audits the transition once', async () => {
    const t = await seedTenant(sql);
    const input = {
      accountId: t.accountId,
      state: 'suspended' as const,
      plan: 'trial' as const,
      suspendedReason: 'trial_expired' as const,
      stateSince: Date.parse('2026-01-15T00:00:00Z'),
      transitionIndex: 1,
      from: 'trial' as const,
      cause: 'trial_expired',
    };
    await expectIdempotent(() => activities.recordAccountState(input));
    const [account] = await sql`select state, suspended_reason, state_since from accounts where id = ${t.accountId}`;
    expect(account).toEqual({
      state: 'suspended',
      suspendedReason: 'trial_expired',
      stateSince: new Date('2026-01-15T00:00:00Z'),
    });
    const audit = await sql`select action from audit_log where account_id = ${t.accountId}`;
    expect(audit).toEqual([{ action: 'account.trial_to_suspended' }]);
    // Logged with ids and states only (issue 12 §3).
    const logged = logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.accountId === t.accountId);
    expect(logged).toContainEqual(
      expect.objectContaining({ msg: 'account transition', from: 'trial', to: 'suspended', cause: 'trial_expired' }),
    );
    for (const secret of [t.subdomain, t.ownerEmail, t.ownerName]) expect(logLines.join('')).not.toContain(secret);
  });

  it('blockAccess revokes sessions and blocks; restoreAccess unblocks and leaves sessions revoked', async () => {
    const t = await seedTenant(sql, { agents: 1, sessionsPerUser: 3 });
    const other = await seedTenant(sql);
    await expectIdempotent(() => activities.blockAccess(t.accountId));
    const [live] =
      await sql`select count(*)::int as n from sessions where account_id = ${t.accountId} and revoked_at is null`;
    expect(live?.n).toBe(0);
    const [blocked] = await sql`select access_blocked_at from accounts where id = ${t.accountId}`;
    expect(blocked?.accessBlockedAt).toBeInstanceOf(Date);
    const [otherLive] =
      await sql`select count(*)::int as n from sessions where account_id = ${other.accountId} and revoked_at is null`;
    expect(otherLive?.n).toBe(6);

    await expectIdempotent(() => activities.restoreAccess(t.accountId));
    const [restored] = await sql`select access_blocked_at from accounts where id = ${t.accountId}`;
    expect(restored?.accessBlockedAt).toBeNull();
    const [stillRevoked] =
      await sql`select count(*)::int as n from sessions where account_id = ${t.accountId} and revoked_at is null`;
    expect(stillRevoked?.n).toBe(0);
  });

  it('removeConfiguration stashes domain and settings encrypted; restoreConfiguration puts them back', async () => {
    const t = await seedTenant(sql);
    const [settingsBefore] = await sql`select settings from account_settings where account_id = ${t.accountId}`;
    await expectIdempotent(() => activities.removeConfiguration(t.accountId));
    expect(await sql`select 1 from account_domains where subdomain = ${t.subdomain}`).toHaveLength(0);
    expect(await sql`select 1 from account_settings where account_id = ${t.accountId}`).toHaveLength(0);
    const [stash] = await sql<
      { sealed: Buffer }[]
    >`select sealed from configuration_stashes where account_id = ${t.accountId}`;
    expect(stash?.sealed.includes(Buffer.from(t.subdomain))).toBe(false);
    expect(await sql`select 1 from users where account_id = ${t.accountId}`).not.toHaveLength(0);

    await expectIdempotent(() => activities.restoreConfiguration(t.accountId));
    expect(await sql`select account_id from account_domains where subdomain = ${t.subdomain}`).toEqual([
      { accountId: t.accountId },
    ]);
    const [settingsAfter] = await sql`select settings from account_settings where account_id = ${t.accountId}`;
    expect(settingsAfter).toEqual(settingsBefore);
    expect(await sql`select 1 from configuration_stashes where account_id = ${t.accountId}`).toHaveLength(0);
  });

  it('backupTenant seals every live row once, and the backup opens with the tenant key', async () => {
    const t = await seedTenant(sql, { agents: 3 });
    const counts = await rowsOfAccount(sql, t.accountId);
    await expectIdempotent(() => activities.backupTenant(t.accountId));
    const [backup] = await sql<{ sealed: Buffer; rowCounts: Record<string, number> }[]>`
      select sealed, row_counts from account_backups where account_id = ${t.accountId}`;
    expect(backup?.sealed.includes(Buffer.from(t.ownerEmail))).toBe(false);
    for (const table of TENANT_DATA_TABLES) {
      if (table !== 'notification_outbox') expect(backup?.rowCounts[table]).toBe(counts[table]);
    }
    const key = await loadTenantKey(sql, TEST_MASTER_KEY, t.accountId);
    const opened = openBackup(key!, t.accountId, backup!.sealed);
    expect(opened.tables.users).toHaveLength(4);
    expect(JSON.stringify(opened.tables.users)).toContain(t.ownerEmail);
  });

  it('deleteTenantData refuses to run without a backup', async () => {
    const t = await seedTenant(sql);
    await expect(deleteTenantData(t.accountId)).rejects.toMatchObject({ type: 'BACKUP_MISSING' });
  });

  it('deleteTenantData interrupted mid-way and re-run leaves no live rows and other tenants intact', async () => {
    const t = await seedTenant(sql, { agents: 20, sessionsPerUser: 3 });
    const other = await seedTenant(sql, { agents: 5 });
    const otherBefore = await rowsOfAccount(sql, other.accountId);
    await activities.backupTenant(t.accountId);

    const env = new MockActivityEnvironment();
    let heartbeats = 0;
    env.on('heartbeat', () => {
      heartbeats += 1;
      if (heartbeats === 3) env.cancel();
    });
    await expect(env.run(activities.deleteTenantData, t.accountId)).rejects.toThrow(/interrupted/);
    const [sessionsLeft] = await sql`select count(*)::int as n from sessions where account_id = ${t.accountId}`;
    expect(sessionsLeft?.n).toBeGreaterThan(0);

    const { deleted } = await deleteTenantData(t.accountId);
    expect(deleted.users).toBe(21);
    const left = await rowsOfAccount(sql, t.accountId);
    for (const table of TENANT_DATA_TABLES) {
      expect({ table, rows: left[table] }).toEqual({ table, rows: table === 'notification_outbox' ? 1 : 0 });
    }
    expect(await rowsOfAccount(sql, other.accountId)).toEqual(otherBefore);
    const [held] = await sql`select kind, status from notification_outbox where account_id = ${t.accountId}`;
    expect(held).toEqual({ kind: 'deletion_done', status: 'held' });

    const before = await databaseDigest(sql);
    await deleteTenantData(t.accountId);
    expect(await databaseDigest(sql)).toEqual(before);
    const audit =
      await sql`select count(*)::int as n from audit_log where account_id = ${t.accountId} and action = 'account.data_deleted'`;
    expect(audit[0]?.n).toBe(1);
  });

  it('deleteTenantData takes the tenant’s spam model with it and leaves another tenant’s exactly as it was', async () => {
    const learn = async (accountId: string, messages: number) => {
      for (let i = 0; i < messages; i++) {
        const [row] = await sql<{ ticketId: string; messageId: string }[]>`
          with t as (insert into tickets (account_id, channel, subject) values (${accountId}, 'email', 's') returning id)
          insert into messages (account_id, ticket_id, author_kind, body) select ${accountId}, id, 'contact', 'b' from t
          returning ticket_id, id as message_id`;
        await sql`insert into spam_features (message_id, account_id, ticket_id, tokens, counts, label)
                  values (${row!.messageId}, ${accountId}, ${row!.ticketId}, ${[String(i), String(i + 1)]}::bigint[],
                          ${[1, 2]}::integer[], ${i % 2 === 0 ? 'spam' : 'ham'})`;
      }
    };
    const model = async (accountId: string) =>
      sql`select (select count(*)::int from spam_token_counts where account_id = ${accountId}) as tokens,
                 (select count(*)::int from spam_features where account_id = ${accountId}) as features,
                 (select count(*)::int from spam_model_totals where account_id = ${accountId}) as totals,
                 (select string_agg(token || ':' || spam || ':' || ham, ',' order by token)
                    from spam_token_counts where account_id = ${accountId}) as counts`;
    const t = await seedTenant(sql);
    const other = await seedTenant(sql);
    await learn(t.accountId, 20);
    await learn(other.accountId, 5);
    const otherBefore = await model(other.accountId);
    await activities.backupTenant(t.accountId);
    await deleteTenantData(t.accountId);
    expect(await model(t.accountId)).toEqual([{ tokens: 0, features: 0, totals: 0, counts: null }]);
    expect(await model(other.accountId)).toEqual(otherBefore);
  });

  it('purgeTenant destroys the key first, then everything but the content-free record', async () => {
    const t = await seedTenant(sql);
    await activities.backupTenant(t.accountId);
    await deleteTenantData(t.accountId);
    await expectIdempotent(() => activities.purgeTenant(t.accountId));
    const left = await rowsOfAccount(sql, t.accountId);
    const nonZero = Object.entries(left)
      .filter(([, n]) => n > 0)
      .map(([table]) => table);
    expect(nonZero.sort()).toEqual(['audit_log', 'purged_accounts']);
    const audit =
      await sql`select actor, action, target_id, client_ip from audit_log where account_id = ${t.accountId}`;
    expect(JSON.stringify(audit)).not.toContain(t.ownerEmail);
  });

  it('the suppression list goes with the tenant, and after the purge its hashes cannot be recomputed by anyone', async () => {
    const t = await seedTenant(sql);
    await suppressAddresses(sql, TEST_MASTER_KEY, t.accountId, ['gone@example.test']);
    expect(await isSuppressed(sql, TEST_MASTER_KEY, t.accountId, ' GONE@example.test')).toBe(true);
    expect(await isSuppressed(sql, TEST_MASTER_KEY, t.accountId, 'other@example.test')).toBe(false);
    // The backup holds the hash (sealed with the tenant key); the live rows go with the tenant's data.
    await activities.backupTenant(t.accountId);
    await deleteTenantData(t.accountId);
    expect(await sql`select 1 from suppressed_addresses where account_id = ${t.accountId}`).toHaveLength(0);
    // At the purge the key the hashes were made with is destroyed: nothing links any hash to an address any more.
    await activities.purgeTenant(t.accountId);
    expect(await loadTenantKey(sql, TEST_MASTER_KEY, t.accountId)).toBeUndefined();
    expect(await isSuppressed(sql, TEST_MASTER_KEY, t.accountId, 'gone@example.test')).toBe(false);
  });

  it('purgeTenant commits the key’s destruction before it touches the backup bytes', async () => {
    const t = await seedTenant(sql);
    await activities.backupTenant(t.accountId);
    await deleteTenantData(t.accountId);
    // Observe the order from inside PostgreSQL: each delete is logged with its transaction, and the backup's
    // delete then fails, as a crash between the two steps would leave it.
    await sql.unsafe(`
      create table purge_order (seq serial, tbl text, tx bigint);
      create function log_purge() returns trigger language plpgsql as $$
        begin insert into purge_order (tbl, tx) values (tg_table_name, txid_current()); return old; end $$;
      create function fail_purge() returns trigger language plpgsql as $$
        begin raise exception 'disk gone'; end $$;
      create trigger log_purge after delete on tenant_keys for each row execute function log_purge();
      create trigger log_purge before delete on account_backups for each row execute function log_purge();
      create trigger fail_purge before delete on account_backups for each row execute function fail_purge();`);
    try {
      await expect(activities.purgeTenant(t.accountId)).rejects.toThrow();
      const order = await sql<{ tbl: string }[]>`select tbl from purge_order order by seq`;
      // The backup's delete ran (and failed) after the key's, whose transaction had committed: the key is gone,
      // the bytes are still there and cannot be opened by anyone.
      expect(order.map((o) => o.tbl)).toEqual(['tenant_keys']);
      expect(await loadTenantKey(sql, TEST_MASTER_KEY, t.accountId)).toBeUndefined();
      const [backup] = await sql`select 1 as present from account_backups where account_id = ${t.accountId}`;
      expect(backup).toEqual({ present: 1 });
    } finally {
      await sql.unsafe(`
        drop trigger fail_purge on account_backups; drop trigger log_purge on account_backups;
        drop trigger log_purge on tenant_keys; drop function fail_purge(); drop function log_purge();
        drop table purge_order;`);
    }
    // The retry finishes the purge.
    await activities.purgeTenant(t.accountId);
    expect(await sql`select 1 from account_backups where account_id = ${t.accountId}`).toEqual([]);
  });

  it('keeps the audit trail append-only: UPDATE, DELETE and TRUNCATE are refused, even to the tables’ owner', async () => {
    const t = await seedTenant(sql);
    await activities.recordAccountState({
      accountId: t.accountId,
      state: 'suspended',
      plan: 'trial',
      stateSince: Date.now(),
      transitionIndex: 1,
      from: 'trial',
      cause: 'trial_expired',
    });
    const before = await sql`select * from audit_log where account_id = ${t.accountId} order by id`;
    expect(before.length).toBeGreaterThan(0);
    await expect(sql`update audit_log set action = 'forged' where account_id = ${t.accountId}`).rejects.toThrow();
    await expect(sql`delete from audit_log where account_id = ${t.accountId}`).rejects.toThrow();
    await expect(sql`truncate audit_log`).rejects.toThrow();
    expect(await sql`select * from audit_log where account_id = ${t.accountId} order by id`).toEqual(before);
  });

  it('enqueueNotification queues once per key with the owner as recipient, and releases the held deletion notice', async () => {
    const t = await seedTenant(sql);
    const input = { accountId: t.accountId, kind: 'suspended' as const, dedupeKey: 'suspended:1' };
    await expectIdempotent(() => activities.enqueueNotification(input));
    const rows = await sql`select kind, status, recipient from notification_outbox where account_id = ${t.accountId}`;
    expect(rows).toEqual([{ kind: 'suspended', status: 'pending', recipient: t.ownerEmail }]);

    await activities.backupTenant(t.accountId);
    await deleteTenantData(t.accountId);
    await expectIdempotent(() =>
      activities.enqueueNotification({ accountId: t.accountId, kind: 'deletion_done', dedupeKey: 'deletion_done' }),
    );
    const [notice] = await sql`select status, recipient from notification_outbox where account_id = ${t.accountId}`;
    expect(notice).toEqual({ status: 'pending', recipient: t.ownerEmail });
  });
});
