// Spam filter benchmark (issue 14): the shipped cold-start model on the test split of the SpamAssassin corpus, then a
// tenant that learnt 10,000 marked mails on top of it: accuracy, spam recall and ham false positives (overall and per
// folder), scoring latency, and the time to forget one person's 100 mails. No servers: pure code and the corpus.
import { readFileSync, statSync } from 'node:fs';
import { baseModelPath, loadBaseModel } from '../src/domain/spam/base-model';
import { InMemoryModel, SPAM_THRESHOLD, spamProbability } from '../src/domain/spam/naive-bayes';
import type { ClassCounts, ModelCounts } from '../src/domain/spam/naive-bayes';
import { tokenize } from '../src/domain/spam/tokenize';
import { parseInboundMail, spamDocumentOf } from '../src/mail/parse-inbound';
import { corpusSplit, parseCorpus, SPAM_CORPUS_FOLDERS, SPLIT } from './spam-corpus';
import type { CorpusMessage, SpamCorpusFolder } from './spam-corpus';
import { distribution } from './stats';
import type { Distribution } from './stats';

export const SPAM_GOALS = { maxHamFalsePositiveRate: 0.005, minSpamRecall: 0.95, maxScoreP99Ms: 5 } as const;

export interface SpamBenchOptions {
  /** Marked mails the tenant learns (train split, cycled when it holds fewer). */
  tenantMessages: number;
  /** Mails of the one person the tenant forgets. */
  personMessages: number;
  /** Scorings before latency is sampled (JIT, caches). */
  warmup: number;
}

const DEFAULTS: SpamBenchOptions = { tenantMessages: 10_000, personMessages: 100, warmup: 300 };

export interface Confusion {
  messages: number;
  spam: number;
  ham: number;
  /** Spam called spam. */
  caught: number;
  /** Spam let through. */
  missed: number;
  /** Ham called spam. */
  falsePositives: number;
  accuracy: number;
  /** caught / spam (NaN for a ham-only folder). */
  spamRecall: number;
  /** falsePositives / ham (NaN for a spam-only folder). */
  hamFalsePositiveRate: number;
}

export interface ModelFigures {
  overall: Confusion;
  byFolder: Record<SpamCorpusFolder, Confusion>;
  meetsGoal: boolean;
}

export interface SpamBenchResult {
  split: {
    seed: string;
    testShare: number;
    trainFiles: number;
    testFiles: number;
    /** Files the production parser refused (skipped), by split. */
    parseFailures: { train: number; test: number };
  };
  threshold: number;
  baseModel: { bytes: number; vocabulary: number; docs: ClassCounts; tokens: ClassCounts };
  /** The shipped model alone, on messages it never saw. */
  base: ModelFigures;
  tenant: ModelFigures & {
    /** Mails learnt; `distinct` of them different (the train split cycled when smaller than `learnt`). */
    learnt: number;
    distinct: number;
    vocabulary: number;
    /** Base plus tenant scoring of an already tokenized mail, per test mail. */
    scoreMs: Distribution;
    /** Tokenizing plus scoring, per test mail: what an arrival costs after the parse. */
    tokenizeAndScoreMs: Distribution;
    /** The production parse of each test mail, for scale. */
    parseMs: Distribution;
    /** Removing one person's mails from the tenant model, in total. */
    removePersonMs: number;
    personMessages: number;
    meetsLatencyGoal: boolean;
  };
  goals: typeof SPAM_GOALS;
}

export async function benchSpam(options: Partial<SpamBenchOptions> = {}): Promise<SpamBenchResult> {
  const settings = { ...DEFAULTS, ...options };
  const path = baseModelPath();
  const base = loadBaseModel(JSON.parse(readFileSync(path, 'utf8')) as unknown);
  const { train, test } = corpusSplit();
  const trained = await parseCorpus(train);
  const tested = await parseCorpus(test);
  const baseFigures = figures(tested.messages, (m) => spamProbability(m.features, base));

  const tenant = new InMemoryModel();
  const learnt: CorpusMessage[] = [];
  for (let i = 0; i < settings.tenantMessages && trained.messages.length > 0; i++) {
    const message = trained.messages[i % trained.messages.length]!;
    tenant.add(message.features, message.label);
    learnt.push(message);
  }
  const tenantFigures = figures(tested.messages, (m) => spamProbability(m.features, base, tenant));
  const latency = await scoringLatency(tested.messages, base, tenant, settings.warmup);

  const person = learnt.slice(-settings.personMessages);
  const t0 = process.hrtime.bigint();
  for (const message of person) tenant.remove(message.features, message.label);
  const removePersonMs = Number(process.hrtime.bigint() - t0) / 1e6;

  return {
    split: {
      seed: SPLIT.seed,
      testShare: SPLIT.testShare,
      trainFiles: train.length,
      testFiles: test.length,
      parseFailures: { train: trained.failed.length, test: tested.failed.length },
    },
    threshold: SPAM_THRESHOLD,
    baseModel: { bytes: statSync(path).size, vocabulary: base.vocabulary, docs: base.docs, tokens: base.tokens },
    base: baseFigures,
    tenant: {
      ...tenantFigures,
      learnt: learnt.length,
      distinct: Math.min(learnt.length, trained.messages.length),
      vocabulary: tenant.vocabulary,
      ...latency,
      removePersonMs,
      personMessages: person.length,
      meetsLatencyGoal: latency.tokenizeAndScoreMs.p99 <= SPAM_GOALS.maxScoreP99Ms,
    },
    goals: SPAM_GOALS,
  };
}

function figures(messages: readonly CorpusMessage[], probability: (m: CorpusMessage) => number): ModelFigures {
  const verdicts = messages.map((m) => ({ folder: m.folder, label: m.label, spam: probability(m) >= SPAM_THRESHOLD }));
  const byFolder = Object.fromEntries(
    SPAM_CORPUS_FOLDERS.map((folder) => [folder, confusion(verdicts.filter((v) => v.folder === folder))]),
  ) as Record<SpamCorpusFolder, Confusion>;
  const overall = confusion(verdicts);
  const meetsGoal =
    overall.hamFalsePositiveRate <= SPAM_GOALS.maxHamFalsePositiveRate &&
    overall.spamRecall >= SPAM_GOALS.minSpamRecall;
  return { overall, byFolder, meetsGoal };
}

function confusion(verdicts: readonly { label: 'spam' | 'ham'; spam: boolean }[]): Confusion {
  const spam = verdicts.filter((v) => v.label === 'spam').length;
  const caught = verdicts.filter((v) => v.label === 'spam' && v.spam).length;
  const falsePositives = verdicts.filter((v) => v.label === 'ham' && v.spam).length;
  const ham = verdicts.length - spam;
  return {
    messages: verdicts.length,
    spam,
    ham,
    caught,
    missed: spam - caught,
    falsePositives,
    accuracy: (caught + ham - falsePositives) / verdicts.length,
    spamRecall: caught / spam,
    hamFalsePositiveRate: falsePositives / ham,
  };
}

async function scoringLatency(
  messages: readonly CorpusMessage[],
  base: ModelCounts,
  tenant: ModelCounts,
  warmup: number,
): Promise<{ scoreMs: Distribution; tokenizeAndScoreMs: Distribution; parseMs: Distribution }> {
  const docs = [];
  const parseMs: number[] = [];
  for (const message of messages) {
    const raw = readFileSync(message.path);
    const t0 = process.hrtime.bigint();
    docs.push(spamDocumentOf(await parseInboundMail(raw)));
    parseMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  // The sum keeps the optimiser from dropping the work it would otherwise find unused.
  let sink = 0;
  for (let i = 0; i < warmup; i++) sink += spamProbability(tokenize(docs[i % docs.length]!), base, tenant);
  const scoreMs: number[] = [];
  const tokenizeAndScoreMs: number[] = [];
  for (const doc of docs) {
    const t0 = process.hrtime.bigint();
    const features = tokenize(doc);
    const t1 = process.hrtime.bigint();
    sink += spamProbability(features, base, tenant);
    const t2 = process.hrtime.bigint();
    tokenizeAndScoreMs.push(Number(t2 - t0) / 1e6);
    scoreMs.push(Number(t2 - t1) / 1e6);
  }
  if (Number.isNaN(sink)) throw new Error('a score was NaN');
  return {
    scoreMs: distribution(scoreMs),
    tokenizeAndScoreMs: distribution(tokenizeAndScoreMs),
    parseMs: distribution(parseMs),
  };
}
