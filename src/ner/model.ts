/**
 * NER models behind one interface: our own layout model (featurizer.json + model.onnx) and a Hugging Face
 * token-classification export (config.json + tokenizer.json + model.onnx, see hf-model.ts).
 * A model turns one page's words into per-word class probabilities in reading order.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InvexError } from '../errors.js';
import type { AggregationStrategy } from './decode.js';
import { softmaxRows } from './decode.js';
import {
  type FeaturizerConfig,
  type FeatWord,
  featurizePage,
  mergeWindowLogits,
  type PageContext,
  type Rel2dLuts,
  type Rel2dTable,
  rel2dLuts,
  relPairs,
  SHAPE_FEATURES,
  windowBatch,
  windowSpans,
} from './featurize.js';
import { loadSession, type OnnxSession } from './onnx.js';

export interface ModelInfo {
  name: string;
  version: string;
  /** sha256 of model.onnx, hex. */
  sha256: string;
}

export interface PagePrediction {
  /** Sequence (reading-order) position → index into the page's words. */
  order: ArrayLike<number>;
  /** [order.length, labels.length] probabilities, in sequence order. */
  probs: Float32Array;
}

export interface NerModel {
  readonly kind: 'invex' | 'huggingface';
  readonly dir: string;
  readonly info: ModelInfo;
  /** Class names; entity types are these with the B-/I- prefix removed. */
  readonly labels: readonly string[];
  predictPage(
    words: readonly FeatWord[],
    ctx: PageContext,
    strategy: AggregationStrategy,
  ): Promise<PagePrediction>;
}

/** What featurizer.json holds: the settings the model was trained with, and the feature names. */
export interface FeaturizerFile {
  featurizer: FeaturizerConfig;
  shapeFeatureNames: readonly string[];
}

export function readJson<T>(path: string): T {
  if (!existsSync(path)) throw new InvexError('INVEX_E_MODEL_MISSING', `model file not found: ${path}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new InvexError('INVEX_E_MODEL_MISSING', `cannot read ${path}: ${String(err)}`, { cause: err });
  }
}

export function sha256File(path: string): string {
  if (!existsSync(path)) throw new InvexError('INVEX_E_MODEL_MISSING', `model file not found: ${path}`);
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Our layout model: the featurizer settings it was trained with drive the inference tensors. */
export class InvexModel implements NerModel {
  readonly kind = 'invex' as const;

  private constructor(
    readonly dir: string,
    readonly info: ModelInfo,
    readonly labels: readonly string[],
    readonly cfg: FeaturizerConfig,
    private readonly session: OnnxSession,
    private readonly rel2d: Rel2dLuts | undefined,
  ) {}

  static async load(dir: string, threads?: number): Promise<InvexModel> {
    const abs = resolve(dir);
    const fz = readJson<FeaturizerFile>(join(abs, 'featurizer.json'));
    const labels = readJson<string[]>(join(abs, 'labels.json'));
    const cfg = fz.featurizer;
    if (cfg?.version !== 1 || fz.shapeFeatureNames?.join() !== SHAPE_FEATURES.join()) {
      throw new InvexError(
        'INVEX_E_MODEL_MISSING',
        `${abs}: featurizer.json does not match this featurizer (version ${String(cfg?.version)}); retrain the model`,
      );
    }
    const meta = existsSync(join(abs, 'training.json'))
      ? readJson<{ name?: string; version?: string }>(join(abs, 'training.json'))
      : {};
    const onnxPath = join(abs, 'model.onnx');
    const info: ModelInfo = {
      name: meta.name ?? basename(abs),
      version: meta.version ?? 'unversioned',
      sha256: sha256File(onnxPath),
    };
    const session = await loadSession(onnxPath, threads === undefined ? {} : { threads });
    // A graph with a rel_pair input (2D relative-position bias) needs the bucket table it was trained with.
    const rel2d = session.inputs.some((i) => i.name === 'rel_pair')
      ? rel2dLuts(checkRel2d(abs, readJson<Rel2dTable>(join(abs, 'rel2d.json'))))
      : undefined;
    return new InvexModel(abs, info, labels, cfg, session, rel2d);
  }

  async predictPage(words: readonly FeatWord[], ctx: PageContext): Promise<PagePrediction> {
    const fp = featurizePage(words, ctx, this.cfg);
    const C = this.labels.length;
    if (fp.length === 0) return { order: fp.order, probs: new Float32Array(0) };
    const spans = windowSpans(fp.length, this.cfg);
    const b = windowBatch(fp, spans, this.cfg);
    const K = this.cfg.ngramsPerWord;
    const out = await this.session.run({
      ngram_ids: { type: 'int32', data: b.ngramIds, dims: [b.batch, b.seq, K] },
      word_ids: { type: 'int32', data: b.wordIds, dims: [b.batch, b.seq] },
      shape: { type: 'float32', data: b.shape, dims: [b.batch, b.seq, this.cfg.shapeFeatures] },
      bbox: { type: 'int32', data: b.bbox, dims: [b.batch, b.seq, 6] },
      mask: { type: 'int32', data: b.mask, dims: [b.batch, b.seq] },
      ...(this.rel2d && {
        rel_pair: { type: 'int32', data: relPairs(b, this.rel2d), dims: [b.batch, b.seq, b.seq] },
      }),
    });
    const logits = out.logits;
    if (!logits || logits.dims[2] !== C) {
      throw new InvexError('INVEX_E_MODEL_MISSING', `${this.dir}: model output does not have ${C} classes`);
    }
    const merged = mergeWindowLogits(fp.length, spans, logits.data, b.seq, C);
    return { order: fp.order, probs: softmaxRows(merged, fp.length, C) };
  }
}

/** The rel2d table a `rel_pair` model needs, checked: a bad one would silently skew every attention bias. */
function checkRel2d(dir: string, rel: Rel2dTable): Rel2dTable {
  const ok =
    Number.isInteger(rel.offset) &&
    Number.isInteger(rel.side) &&
    Array.isArray(rel.lut) &&
    rel.lut.length === 2 * rel.offset + 1 &&
    rel.lut.every((v) => Number.isInteger(v) && v >= 0 && v < rel.side);
  if (!ok) {
    throw new InvexError(
      'INVEX_E_MODEL_MISSING',
      `${dir}: rel2d.json is not a valid bucket table for model.onnx's rel_pair input; re-export the model`,
    );
  }
  return rel;
}
