/**
 * Tables holding a tenant's live data, in the order their rows are deleted (children before parents).
 * The final backup contains exactly these tables plus the `accounts` row. A unit test fails when a migration adds
 * a table with an `account_id` column that is in neither this list nor {@link TABLES_KEPT_THROUGH_DELETION}.
 */
export const TENANT_DATA_TABLES = [
  'sessions',
  'api_tokens',
  'recovery_codes',
  'login_throttles',
  'ip_allowlists',
  'erasure_requests',
  'sub_processor_objections',
  'suppressed_addresses',
  'access_grants',
  // The model's sums go first, so deleting the features below has nothing left to subtract from.
  'spam_token_counts',
  'spam_model_totals',
  'spam_features',
  'inbound_mail',
  'attachments',
  'messages',
  'tickets',
  'consents',
  'saved_searches',
  'oauth_tokens',
  'portal_sessions',
  'contact_identities',
  'portal_verifications',
  'contacts',
  'notification_outbox',
  'billing_events',
  'configuration_stashes',
  'account_settings',
  'account_domains',
  'users',
] as const;

export type TenantDataTable = (typeof TENANT_DATA_TABLES)[number];

/**
 * Tables with an `account_id` that the deletion cascade leaves alone, and why:
 * - accounts: the account record itself, removed at purge;
 * - tenant_keys, account_backups: the inactive backup and its key, destroyed at purge;
 * - audit_log: the append-only trail, content-free, survives the tenant;
 * - purged_accounts: the content-free record that the tenant existed;
 * - breach_accounts: the breach register's record of which tenants a breach touched (Art. 33(5) evidence).
 */
export const TABLES_KEPT_THROUGH_DELETION = [
  'accounts',
  'tenant_keys',
  'account_backups',
  'audit_log',
  'purged_accounts',
  'breach_accounts',
] as const;
