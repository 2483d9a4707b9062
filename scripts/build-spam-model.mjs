// Rebuilds data/spam-base-model.json, the spam filter's cold-start model, from the training split of the
// SpamAssassin corpus (bench/spam-corpus.ts: fixed seed, 80 % train / 20 % test per folder, by a hash of the file
// name), so the benchmark's test split stays unseen. Runs on the compiled code, so the model is built by exactly the
// parser and tokenizer production runs:
//
//   npm run -s build && node scripts/build-spam-model.mjs
//
// Then it scores the training split by 5-fold cross-validation (never the test split), fits the calibration of
// naive-bayes.ts (CALIBRATION) to those scores, and prints the false-positive rate and recall at each candidate
// threshold, with the one SPAM_THRESHOLD should be.
// Rebuild after any change to the tokenizer (and bump TOKENIZER_VERSION), the parser or the split.
import { statSync, writeFileSync } from 'node:fs';
import { corpusSplit, parseCorpus } from '../dist/bench/spam-corpus.js';
import { CALIBRATION, InMemoryModel, SPAM_THRESHOLD, spamEvidence } from '../dist/src/domain/spam/naive-bayes.js';

const OUT = 'data/spam-base-model.json';
// Tokens met in fewer training mails than this are left out. 1 keeps them all: pruning at 2 or 3 mails shrinks the
// file from 1.7 MB to 0.8 or 0.5 MB but raised cross-validated false positives at 95 % recall from 0.27 % to 0.51 %
// (a token seen once is often a sender's or a campaign's own word, which is exactly what recurs).
const MIN_DOCUMENTS = 1;
const FOLDS = 5;
// The benchmark's goals (issue 14); the threshold is the highest candidate whose validation figures meet both.
const GOALS = { maxFpRate: 0.005, minRecall: 0.95 };
const CANDIDATES = [0.5, 0.6, 0.7, 0.8, 0.85, 0.875, 0.9, 0.925, 0.95, 0.97, 0.99];

/** Trains on `messages` and keeps only tokens met in at least MIN_DOCUMENTS of them. */
function train(messages) {
  const model = new InMemoryModel();
  const documents = new Map();
  for (const message of messages) {
    model.add(message.features, message.label);
    for (const token of message.features.keys()) documents.set(token, (documents.get(token) ?? 0) + 1);
  }
  return model.pruned((token) => (documents.get(token) ?? 0) >= MIN_DOCUMENTS);
}

/** The JSON as Prettier would print it (one token per line), so `npm run lint` passes on the data file too. */
function serialize(model) {
  const json = model.toJSON();
  const lines = Object.entries(json.counts).map(
    ([token, pair]) => `    ${JSON.stringify(token)}: [${pair[0]}, ${pair[1]}]`,
  );
  return [
    '{',
    `  "format": ${json.format},`,
    `  "tokenizer": ${JSON.stringify(json.tokenizer)},`,
    `  "docs": { "spam": ${json.docs.spam}, "ham": ${json.docs.ham} },`,
    '  "counts": {',
    lines.join(',\n'),
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Logistic regression of the label on one score (Platt scaling), by Newton's method. */
function fitCalibration(scored) {
  let slope = 1;
  let intercept = 0;
  for (let iteration = 0; iteration < 50; iteration++) {
    let ga = 0,
      gb = 0,
      haa = 0,
      hab = 0,
      hbb = 0;
    for (const { x, label } of scored) {
      const p = 1 / (1 + Math.exp(-(slope * x + intercept)));
      const e = p - (label === 'spam' ? 1 : 0);
      const v = Math.max(p * (1 - p), 1e-12);
      ga += e * x;
      gb += e;
      haa += v * x * x;
      hab += v * x;
      hbb += v;
    }
    const det = haa * hbb - hab * hab;
    slope -= (hbb * ga - hab * gb) / det;
    intercept -= (haa * gb - hab * ga) / det;
  }
  return { slope, intercept };
}

function rates(scored, threshold) {
  const spam = scored.filter((s) => s.label === 'spam');
  const ham = scored.filter((s) => s.label === 'ham');
  const caught = spam.filter((s) => s.p >= threshold).length;
  const falsePositives = ham.filter((s) => s.p >= threshold).length;
  return {
    threshold,
    recall: caught / spam.length,
    fpRate: falsePositives / ham.length,
    falsePositives,
    ham: ham.length,
  };
}

const { train: trainFiles } = corpusSplit();
const parsed = await parseCorpus(trainFiles);
console.log(`training split: ${trainFiles.length} files, ${parsed.failed.length} refused by the parser (skipped)`);
for (const failure of parsed.failed) console.log(`  skipped ${failure.folder}/${failure.name}: ${failure.reason}`);

const model = train(parsed.messages);
writeFileSync(OUT, serialize(model));
console.log(
  `wrote ${OUT}: ${statSync(OUT).size} bytes, ${model.vocabulary} tokens (in ≥ ${MIN_DOCUMENTS} mails), ` +
    `${model.docs.spam} spam and ${model.docs.ham} ham mails`,
);

const evidence = [];
for (let fold = 0; fold < FOLDS; fold++) {
  const held = parsed.messages.filter((_, i) => i % FOLDS === fold);
  const foldModel = train(parsed.messages.filter((_, i) => i % FOLDS !== fold));
  for (const message of held) evidence.push({ label: message.label, x: spamEvidence(message.features, foldModel) });
}
const fit = fitCalibration(evidence);
const rounded = { slope: Math.round(fit.slope * 100) / 100, intercept: Math.round(fit.intercept * 100) / 100 };
console.log(
  `calibration fitted on cross-validated scores: slope ${rounded.slope}, intercept ${rounded.intercept}; ` +
    `naive-bayes.ts has ${CALIBRATION.slope}, ${CALIBRATION.intercept}` +
    (rounded.slope === CALIBRATION.slope && rounded.intercept === CALIBRATION.intercept ? '' : ' (update it)'),
);
const scored = evidence.map(({ label, x }) => ({
  label,
  p: 1 / (1 + Math.exp(-(rounded.slope * x + rounded.intercept))),
}));
console.log(`${FOLDS}-fold cross-validation on the training split:`);
for (const threshold of CANDIDATES) {
  const r = rates(scored, threshold);
  console.log(
    `  threshold ${threshold}: ham false positives ${r.falsePositives}/${r.ham} = ${(r.fpRate * 100).toFixed(2)} %, ` +
      `spam recall ${(r.recall * 100).toFixed(2)} %`,
  );
}
const chosen = CANDIDATES.filter((threshold) => {
  const r = rates(scored, threshold);
  return r.fpRate <= GOALS.maxFpRate && r.recall >= GOALS.minRecall;
}).at(-1);
console.log(
  `highest candidate meeting both goals on validation: ${chosen ?? 'none'}; ` +
    `SPAM_THRESHOLD is ${SPAM_THRESHOLD}${chosen === SPAM_THRESHOLD ? '' : ' (update naive-bayes.ts)'}`,
);
