/**
 * The NER stage: page words → labeled entity spans, page by page (long pages in overlapping windows).
 * The model directory is ours (featurizer.json) or a Hugging Face export (config.json + tokenizer.json).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { config } from '../config.js';
import { InvexError } from '../errors.js';
import type { DocumentWords } from '../types.js';
import { type AggregationStrategy, decodePage, type Entity, pageText } from './decode.js';
import { HfModel } from './hf-model.js';
import { InvexModel, type ModelInfo, type NerModel } from './model.js';
import { closeSessions } from './onnx.js';

export interface NerOptions {
  /** Model directory; default INVEX_MODEL_DIR, else the shipped models/invoice-ner. */
  modelDir?: string;
  /** As in the Hugging Face pipeline; default `simple`. */
  aggregation?: AggregationStrategy;
  /** ONNX intra-op threads; default INVEX_NER_THREADS. Only the first load of a model uses it. */
  threads?: number;
}

export interface NerPage {
  /** 1-based page number. */
  number: number;
  /** The text that entity `start`/`end` offsets point into: the words in reading order, space-joined. */
  text: string;
  entities: Entity[];
}

export interface NerResult {
  pages: NerPage[];
  model: ModelInfo;
}

/** The shipped model, next to the sources (not the working directory). */
export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../../models/invoice-ner/', import.meta.url));

const models = new Map<string, Promise<NerModel>>();

export function defaultModelDir(): string {
  return config().modelDir ?? DEFAULT_MODEL_DIR;
}

/** Loads (once per process) the model in `dir`, recognising our format or a Hugging Face export. */
export function loadNerModel(dir: string = defaultModelDir(), threads?: number): Promise<NerModel> {
  const abs = resolve(dir);
  let p = models.get(abs);
  if (!p) {
    if (existsSync(join(abs, 'featurizer.json'))) p = InvexModel.load(abs, threads);
    else if (existsSync(join(abs, 'config.json')) && existsSync(join(abs, 'tokenizer.json'))) {
      p = HfModel.load(abs, threads);
    } else {
      return Promise.reject(
        new InvexError(
          'INVEX_E_MODEL_MISSING',
          `${abs}: not a model directory (needs featurizer.json, or config.json + tokenizer.json, and model.onnx)`,
        ),
      );
    }
    p.catch(() => models.delete(abs));
    models.set(abs, p);
  }
  return p;
}

/** Runs NER over every page of a document. */
export async function runNer(doc: DocumentWords, opts: NerOptions = {}): Promise<NerResult> {
  const model = await loadNerModel(opts.modelDir, opts.threads);
  const strategy = opts.aggregation ?? 'simple';
  const pages: NerPage[] = [];
  for (const [pageIndex, page] of doc.pages.entries()) {
    const pred = await model.predictPage(page.words, { pageIndex, pageCount: doc.pages.length }, strategy);
    const entities = decodePage(
      { words: page.words, order: pred.order, probs: pred.probs, labels: model.labels, page: page.number },
      strategy,
    );
    pages.push({ number: page.number, text: pageText(page.words, pred.order), entities });
  }
  return { pages, model: model.info };
}

/** Releases the models and their ONNX sessions (shutdown, tests). */
export async function closeNer(): Promise<void> {
  models.clear();
  await closeSessions();
}
