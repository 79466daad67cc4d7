/** `invex eval SET_DIR`: shared EVAL.md scores of `invex extract` on a labeled set; `--tokens` for entity scores. */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { config } from '../config.js';
import type { CorpusDoc } from '../corpus/format.js';
import { parseWordsCache, wordsCacheFile } from '../corpus/import-common.js';
import { InvexError } from '../errors.js';
import { readLabeledSet, toPrediction } from '../eval/run.js';
import { formatReliability, formatScore, type Prediction, reliability, scoreSet } from '../eval/score.js';
import { countPage, type EntityCounts, formatEntityReport, goldPages } from '../eval/tokens.js';
import { corpusSources, readCorpusFile } from '../ner/export-arrays.js';
import { runNer } from '../ner/ner.js';
import { closePipeline, extractFile, extractFromWords } from '../pipeline.js';
import type { DocumentWords } from '../types.js';
import { parseCommandArgs } from './args.js';
import { runFiles } from './run-files.js';

export const EVAL_USAGE = `usage: invex eval SET_DIR [--model DIR] [--limit N] [--out PRED.jsonl] [--misses N] [--json]
                      [--words-cache DIR] [--no-embedded]
       invex eval --tokens CORPUS_DIR [--split dev] [--source NAME] [--model DIR]

Scores extraction on a labeled set (SET_DIR/gt.jsonl, files relative to SET_DIR) as shared EVAL.md defines:
per-field precision, recall, F1, the micro average, and seconds per document.
  --out      also write the extraction output lines there
  --misses   print the first N wrong or missing values
  --json     print the scores as JSON
  --words-cache  take a file's words from DIR/<file name>.words.json where \`invex corpus import\` cached them
             (the same ingest and OCR), so that a model can be scored again without OCR; files not
             cached there, or cached with other OCR languages, are read as usual. Report figures from a
             run without it.
  --no-embedded  ignore the e-invoice XML a PDF carries (ZUGFeRD, Factur-X): score what the model and the
             assembler read off the pages, which is what the model card reports
  --tokens   entity-level (seqeval-style) scores of the NER model on a token-labeled corpus split`;

export async function evalCommand(argv: string[]): Promise<undefined> {
  try {
    await evaluate(argv);
  } finally {
    await closePipeline();
  }
  return undefined;
}

async function evaluate(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(argv, {
    model: { type: 'string' },
    limit: { type: 'string' },
    out: { type: 'string' },
    misses: { type: 'string', default: '0' },
    json: { type: 'boolean', default: false },
    tokens: { type: 'boolean', default: false },
    split: { type: 'string', default: 'dev' },
    source: { type: 'string' },
    'words-cache': { type: 'string' },
    'no-embedded': { type: 'boolean', default: false },
  });
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw new InvexError('INVEX_E_USAGE', 'give exactly one set directory');
  const modelDir = typeof values.model === 'string' ? values.model : undefined;
  const limit = values.limit === undefined ? Number.POSITIVE_INFINITY : Number(values.limit);
  if (values.tokens) {
    await tokenEval(
      dir,
      String(values.split),
      typeof values.source === 'string' ? values.source : undefined,
      modelDir,
      limit,
    );
    return undefined;
  }
  const out = typeof values.out === 'string' ? values.out : undefined;
  const wordsCache = values['words-cache'];
  const { set, predictions, seconds } = await extractSet(dir, {
    limit,
    ...(modelDir ? { modelDir } : {}),
    ...(out ? { out } : {}),
    ...(typeof wordsCache === 'string' ? { wordsCache } : {}),
    ...(values['no-embedded'] ? { embedded: false } : {}),
  });
  const score = scoreSet(set, predictions);
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ set: dir, embedded: !values['no-embedded'], seconds_per_document: seconds, ...score, misses: undefined, judged: undefined, reliability: reliability(score.judged) }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(
      `${formatScore(score, seconds)}\n\n${formatReliability(reliability(score.judged))}\n`,
    );
    const n = Number(values.misses);
    for (const m of score.misses.slice(0, n)) {
      process.stdout.write(
        `miss ${m.file} ${m.field}: predicted ${JSON.stringify(m.predicted ?? null)}, label ${JSON.stringify(m.label)}\n`,
      );
    }
  }
}

export interface ExtractedSet {
  set: ReturnType<typeof readLabeledSet>;
  predictions: Prediction[];
  seconds: number;
  /** sha256 of the model that produced the predictions (from the output's `model`). */
  modelSha?: string;
}

/** Runs `invex extract` over a labeled set, in-process, and returns its predictions keyed by gt.jsonl file. */
export async function extractSet(
  dir: string,
  opts: {
    modelDir?: string;
    limit?: number;
    out?: string;
    calibrate?: boolean;
    wordsCache?: string;
    /** false: score what the pages give, ignoring embedded e-invoice XML (the model's and assembler's own work). */
    embedded?: boolean;
  },
): Promise<ExtractedSet> {
  const set = readLabeledSet(dir).slice(0, opts.limit ?? Number.POSITIVE_INFINITY);
  if (opts.out) writeFileSync(opts.out, '');
  const predictions: Prediction[] = [];
  const byPath = new Map(set.map((d) => [d.path, d.file]));
  let modelSha: string | undefined;
  const t0 = performance.now();
  await runFiles(
    set.map((d) => d.path),
    (file) => {
      const ner = opts.modelDir ? { ner: { modelDir: opts.modelDir } } : {};
      const calibrate = opts.calibrate === false ? { calibrate: false } : {};
      const cached = opts.wordsCache ? cachedWords(opts.wordsCache, file) : undefined;
      const embedded = opts.embedded === false ? { embedded: false } : {};
      if (cached) {
        if (opts.embedded === false) delete cached.embedded;
        return extractFromWords(cached, { ...ner, ...calibrate, file });
      }
      return extractFile(file, { ocr: 'auto', lang: config().ocrLang, ...ner, ...calibrate, ...embedded });
    },
    {
      format: 'jsonl',
      concurrency: config().ocrWorkers,
      warn: () => {},
      write: (line) => {
        const parsed = JSON.parse(line) as {
          file: string;
          fields?: Record<string, { value?: string }>;
          model?: { sha256?: string };
        };
        modelSha ??= parsed.model?.sha256;
        predictions.push(toPrediction(byPath.get(parsed.file) ?? parsed.file, parsed));
        if (opts.out) appendFileSync(opts.out, line);
      },
    },
  );
  const seconds = (performance.now() - t0) / 1000 / Math.max(1, set.length);
  return { set, predictions, seconds, ...(modelSha ? { modelSha } : {}) };
}

/**
 * The words `invex corpus import` cached for `file` (src/corpus/import-common.ts frontEndWords), if any, and if
 * read with the OCR languages this run would use.
 */
function cachedWords(dir: string, file: string): DocumentWords | undefined {
  const path = wordsCacheFile(dir, file);
  return existsSync(path) ? parseWordsCache(readFileSync(path, 'utf8'), config().ocrLang) : undefined;
}

async function tokenEval(
  corpusDir: string,
  split: string,
  source: string | undefined,
  modelDir: string | undefined,
  limit: number,
) {
  const counts = new Map<string, EntityCounts>();
  let docs = 0;
  for (const name of corpusSources(corpusDir)) {
    if (source && name !== source) continue;
    for await (const doc of readCorpusFile(join(corpusDir, `${name}.jsonl`)) as AsyncGenerator<CorpusDoc>) {
      if (doc.split !== split || docs >= limit) continue;
      docs++;
      const words = {
        id: doc.id,
        mediaType: 'application/octet-stream',
        pages: doc.pages.map((p) => ({
          number: p.number,
          width: p.width,
          height: p.height,
          unit: 'pt' as const,
          source: p.source,
          rotation: 0 as const,
          words: p.words.map((w, i) => ({ text: w.text, bbox: w.bbox, confidence: 1, line: i })),
        })),
      };
      const ner = await runNer(words, { aggregation: 'simple', ...(modelDir ? { modelDir } : {}) });
      const gold = goldPages(doc);
      for (const page of ner.pages) {
        const predicted = page.entities.flatMap((e) =>
          'entity_group' in e ? [{ type: e.entity_group, words: e.word_indices }] : [],
        );
        countPage(counts, page.number, gold.find((g) => g.number === page.number)?.entities ?? [], predicted);
      }
    }
  }
  process.stdout.write(`${formatEntityReport(counts.values())}\n${docs} documents (split ${split})\n`);
}
