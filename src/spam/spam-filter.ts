import { readFileSync } from 'node:fs';
import type { Queryable, Sql } from '../db/client';
import { labelTicket, loadTenantCounts, messagesWithoutFeatures, storeFeatures } from '../db/spam-model';
import type { SpamLabel } from '../db/spam-model';
import { loadTenantKey } from '../db/tenant-keys';
import { baseModelPath, loadBaseModel } from '../domain/spam/base-model';
import { SPAM_THRESHOLD, spamProbability } from '../domain/spam/naive-bayes';
import type { ClassCounts, ModelCounts } from '../domain/spam/naive-bayes';
import { tokenize } from '../domain/spam/tokenize';
import type { SpamDocument } from '../domain/spam/tokenize';
import { hashFeatures, indexedHashes, spamTokenKey } from '../security/token-hashes';
import type { HashedFeatures } from '../security/token-hashes';

/** The filter's judgement of one arriving message. */
export interface SpamAssessment {
  probability: number;
  spam: boolean;
  features: HashedFeatures;
}

const NONE: ClassCounts = { spam: 0, ham: 0 };

let baseModel: ModelCounts | undefined;
const filters = new WeakMap<object, SpamFilter>();

/** The process's filter for these dependencies (one per app, so tenant keys are derived once). */
export function spamFilterFor(deps: { sql: Sql; config: { masterKey: Buffer } }): SpamFilter {
  let filter = filters.get(deps);
  if (!filter) {
    filter = new SpamFilter(deps.sql, deps.config.masterKey);
    filters.set(deps, filter);
  }
  return filter;
}

/** The cold-start model shipped in data/ (trained on the SpamAssassin corpus), read once per process. */
export function sharedBaseModel(): ModelCounts {
  baseModel ??= loadBaseModel(JSON.parse(readFileSync(baseModelPath(), 'utf8')) as unknown);
  return baseModel;
}

/**
 * Scores arriving messages with the shipped base model plus the tenant's learned counts, and turns documents into
 * the keyed hashes the tenant's model stores. Keys are derived from each tenant's data key and kept in memory for
 * the process's life (a purged tenant has no key, and nothing to score).
 */
export class SpamFilter {
  private readonly keys = new Map<string, Buffer>();

  constructor(
    private readonly sql: Sql,
    private readonly masterKey: Buffer,
    private readonly base: ModelCounts = sharedBaseModel(),
  ) {}

  async tokenKey(accountId: string): Promise<Buffer> {
    const cached = this.keys.get(accountId);
    if (cached) return cached;
    const dataKey = await loadTenantKey(this.sql, this.masterKey, accountId);
    if (!dataKey) throw new Error('The tenant has no data key');
    const key = spamTokenKey(dataKey);
    // A bound on memory, not a cache policy: keys are cheap to derive again.
    if (this.keys.size >= 10_000) this.keys.clear();
    this.keys.set(accountId, key);
    return key;
  }

  /** The document's hashed features, as the tenant's model would store them. */
  async features(accountId: string, doc: SpamDocument): Promise<HashedFeatures> {
    return hashFeatures(await this.tokenKey(accountId), tokenize(doc));
  }

  /** Scores a document inside the tenant's transaction `db`. */
  async assess(db: Queryable, accountId: string, doc: SpamDocument): Promise<SpamAssessment> {
    return this.assessTokens(db, accountId, tokenize(doc));
  }

  /** Scores an already tokenized document (the benchmark's corpus is tokenized once). */
  async assessTokens(db: Queryable, accountId: string, plain: ReadonlyMap<string, number>): Promise<SpamAssessment> {
    const key = await this.tokenKey(accountId);
    const { features, hashOf } = indexedHashes(key, plain);
    const { totals, counts } = await loadTenantCounts(db, accountId, features.tokens);
    const tenant: ModelCounts = {
      docs: { spam: totals.spamDocs, ham: totals.hamDocs },
      tokens: { spam: totals.spamTokens, ham: totals.hamTokens },
      vocabulary: totals.vocabulary,
      count: (token) => counts.get(hashOf.get(token) ?? '') ?? NONE,
    };
    const probability = spamProbability(plain, this.base, totals.vocabulary > 0 ? tenant : undefined);
    return { probability, spam: probability >= SPAM_THRESHOLD, features };
  }

  /** Keeps an arriving message's features for later learning, without judging it (a reply in a conversation). */
  async keepFeatures(
    db: Queryable,
    arrival: { accountId: string; ticketId: string; messageId: string; doc: SpamDocument },
  ): Promise<void> {
    await storeFeatures(db, { ...arrival, features: await this.features(arrival.accountId, arrival.doc) });
  }

  /**
   * Scores a newly arrived message, keeps its features for later learning and, when it is spam, files its ticket
   * in the spam folder. Runs inside the transaction that stored the message.
   */
  async screenArrival(
    db: Queryable,
    arrival: { accountId: string; ticketId: string; messageId: string; doc: SpamDocument },
  ): Promise<SpamAssessment> {
    const assessment = await this.assess(db, arrival.accountId, arrival.doc);
    await storeFeatures(db, { ...arrival, features: assessment.features });
    await db`
      update tickets set spam_probability = ${assessment.probability},
        status = case when ${assessment.spam} then 'spam' else status end,
        spam_at = case when ${assessment.spam} then now() else spam_at end
      where id = ${arrival.ticketId}`;
    return assessment;
  }
}

/**
 * An agent's verdict on a ticket, inside the tenant's transaction: gives features to the ticket's messages that
 * have none (written before the filter existed, or entered by staff), labels them all and files the ticket.
 * Returns the ticket's new status, or undefined when there is no such ticket outside the trash.
 */
export async function teachFilter(
  filter: SpamFilter,
  db: Queryable,
  accountId: string,
  ticketId: string,
  label: SpamLabel,
): ReturnType<typeof labelTicket> {
  // Locked, so two verdicts on one ticket apply one after the other.
  const [ticket] = await db<{ subject: string }[]>`
    select subject from tickets where id = ${ticketId} and trashed_at is null for update`;
  if (!ticket) return undefined;
  for (const message of await messagesWithoutFeatures(db, ticketId)) {
    const doc = { subject: message.first ? ticket.subject : '', text: message.body };
    await storeFeatures(db, {
      accountId,
      ticketId,
      messageId: message.id,
      features: await filter.features(accountId, doc),
    });
  }
  return labelTicket(db, ticketId, label);
}
