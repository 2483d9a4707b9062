import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import type { Sql } from '../db/client';
import { loadTenantKey } from '../db/tenant-keys';
import { tokenize } from '../domain/spam/tokenize';
import { spamTokenKey, tokenHash } from '../security/token-hashes';

/** One place an identifier was found. */
export interface Hit {
  where: 'database' | 'spam-model' | 'temporal' | 'log';
  /** `table.column`, a workflow id, or a log file. */
  location: string;
  /** Row id, history event id or line number. */
  ref: string;
  identifier: string;
}

export interface VerifyOptions {
  sql: Sql;
  identifiers: readonly string[];
  /** Restrict tables with an `account_id` column (and workflow histories) to this tenant. */
  accountId?: string;
  temporal?: Client;
  logFiles?: readonly string[];
  /**
   * With `accountId`: also look for the identifiers' tokens in the tenant's spam model, whose tokens are keyed
   * hashes that only the tenant's data key (unwrapped with this) can recompute.
   */
  masterKey?: Buffer;
}

const TEXT_TYPES = new Set(['text', 'character varying', 'character', 'json', 'jsonb', 'inet', 'citext']);

/**
 * Looks for each identifier (case-insensitive; in binary columns also as its bare SHA-256) in every text, JSON and
 * binary column of every table, in the
 * Temporal histories of the account's workflows (payloads decoded), and in log files. "Nothing remains" is this
 * function returning no hits — checked, not assumed (DESIGN §7).
 */
export async function findIdentifiers(options: VerifyOptions): Promise<Hit[]> {
  const identifiers = options.identifiers.map((i) => i.trim()).filter((i) => i.length >= 3);
  const hits: Hit[] = [];
  const columns = await options.sql<{ tableName: string; columnName: string; dataType: string }[]>`
    select c.table_name, c.column_name, c.data_type from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE' order by c.table_name, c.ordinal_position`;
  const tables = new Map<string, { hasAccount: boolean; hasId: boolean }>();
  for (const c of columns) {
    const t = tables.get(c.tableName) ?? { hasAccount: false, hasId: false };
    if (c.columnName === 'account_id') t.hasAccount = true;
    if (c.columnName === 'id') t.hasId = true;
    tables.set(c.tableName, t);
  }
  for (const c of columns) {
    const isText = TEXT_TYPES.has(c.dataType);
    if (!isText && c.dataType !== 'bytea') continue;
    const table = tables.get(c.tableName);
    const scope = options.accountId && table?.hasAccount ? `and account_id = $2` : '';
    const ref = table?.hasId ? 'id::text' : 'ctid::text';
    // Bytes hold the identifier itself, or its bare SHA-256: an unkeyed hash is still personal data (anyone holding
    // the address can recompute it), unlike a hash under a per-tenant key that the tenant's purge destroys.
    const match = isText
      ? `"${c.columnName}"::text ilike '%' || $1 || '%'`
      : `(position(convert_to($1, 'UTF8') in "${c.columnName}") > 0
          or position(sha256(convert_to(lower(btrim($1)), 'UTF8')) in "${c.columnName}") > 0)`;
    for (const identifier of identifiers) {
      const params = scope ? [identifier, options.accountId] : [identifier];
      const rows = await options.sql.unsafe<{ ref: string }[]>(
        `select ${ref} as ref from "${c.tableName}" where ${match} ${scope} limit 100`,
        params as string[],
      );
      for (const row of rows)
        hits.push({ where: 'database', location: `${c.tableName}.${c.columnName}`, ref: row.ref, identifier });
    }
  }
  if (options.accountId && options.masterKey) {
    hits.push(...(await searchSpamModel(options.sql, identifiers, options.accountId, options.masterKey)));
  }
  if (options.temporal) hits.push(...(await searchHistories(options.temporal, identifiers, options.accountId)));
  for (const file of options.logFiles ?? []) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const identifier of identifiers) {
          if (line.toLowerCase().includes(identifier.toLowerCase()))
            hits.push({ where: 'log', location: file, ref: String(i + 1), identifier });
        }
      });
  }
  return hits;
}

/**
 * The tokens an identifier would have become in the spam model: the tokenizer's own, as subject and as body text,
 * plus the whole identifier and an address's local part, in case a tokenizer ever let one through. Domains and URL
 * hosts are left out: they are shared by many people (`gmail.com`), not identifiers.
 */
function identifierTokens(identifier: string): string[] {
  const lower = identifier.toLowerCase();
  const at = lower.lastIndexOf('@');
  const own = [...tokenize({ subject: identifier, text: identifier }).keys()].filter(
    (token) => !/^(email-domain|url|host):/.test(token),
  );
  return [...new Set([lower, ...(at > 0 ? [lower.slice(0, at)] : []), ...own])];
}

async function searchSpamModel(
  sql: Sql,
  identifiers: readonly string[],
  accountId: string,
  masterKey: Buffer,
): Promise<Hit[]> {
  const dataKey = await loadTenantKey(sql, masterKey, accountId);
  if (!dataKey) return [];
  const key = spamTokenKey(dataKey);
  const hits: Hit[] = [];
  for (const identifier of identifiers) {
    const hashes = identifierTokens(identifier).map((token) => tokenHash(key, token).toString());
    const counted = await sql<{ token: string }[]>`
      select token from spam_token_counts where account_id = ${accountId} and token = any (${hashes}::bigint[])`;
    for (const row of counted)
      hits.push({ where: 'spam-model', location: 'spam_token_counts.token', ref: String(row.token), identifier });
    const kept = await sql<{ messageId: string }[]>`
      select message_id from spam_features where account_id = ${accountId} and tokens && ${hashes}::bigint[]`;
    for (const row of kept)
      hits.push({ where: 'spam-model', location: 'spam_features.tokens', ref: row.messageId, identifier });
  }
  return hits;
}

async function searchHistories(
  client: Client,
  identifiers: readonly string[],
  accountId: string | undefined,
): Promise<Hit[]> {
  const hits: Hit[] = [];
  const query = accountId
    ? `WorkflowId = 'account-${accountId}' OR WorkflowId STARTS_WITH 'erasure-${accountId}'`
    : `WorkflowType = 'accountWorkflow' OR WorkflowType = 'erasureWorkflow'`;
  for await (const execution of client.workflow.list({ query })) {
    const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    for (const event of history.events ?? []) {
      const text = decodedText(event).toLowerCase();
      for (const identifier of identifiers) {
        if (text.includes(identifier.toLowerCase())) {
          hits.push({ where: 'temporal', location: execution.workflowId, ref: String(event.eventId), identifier });
        }
      }
    }
  }
  return hits;
}

/** Every string and every byte array (payload data, decoded as UTF-8) reachable from a history event. */
function decodedText(value: unknown, depth = 0): string {
  if (depth > 20 || value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value)) return value.map((v) => decodedText(v, depth + 1)).join('\n');
  if (typeof value === 'object')
    return Object.values(value)
      .map((v) => decodedText(v, depth + 1))
      .join('\n');
  return '';
}
