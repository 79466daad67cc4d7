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
  relBias,
  relPairs,
  SHAPE_FEATURES,
  windowBatch,
  windowSpans,
} from './featurize.js';
import { loadSession, type OnnxSession } from './onnx.js';

/** Larger bias buffers (pages of over about 1,000 words) are not kept. */
const MAX_KEPT_BIAS_BYTES = 16 * 2 ** 20;

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
    private readonly rel2d: { input: 'rel_bias' | 'rel_pair'; luts: Rel2dLuts } | undefined,
  ) {}

  /** rel_bias buffers of finished runs, reused: a fresh 4 MB array per page costs as much as filling it. */
  private readonly biasBuffers: Float32Array[] = [];

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
    // A graph with a rel_bias (or, up to model 0.3.0, rel_pair) input needs the 2D bucket table it was trained with.
    const input = session.inputs.find((i) => i.name === 'rel_bias' || i.name === 'rel_pair')?.name as
      | 'rel_bias'
      | 'rel_pair'
      | undefined;
    const rel2d = input
      ? {
          input,
          luts: rel2dLuts(
            checkRel2d(abs, readJson<Rel2dTable>(join(abs, 'rel2d.json')), input === 'rel_bias'),
          ),
        }
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
    const rel = this.rel2d;
    const bias = rel?.input === 'rel_bias' ? relBias(b, rel.luts, this.biasBuffers.pop()) : undefined;
    const out = await this.session.run({
      ngram_ids: { type: 'int32', data: b.ngramIds, dims: [b.batch, b.seq, K] },
      word_ids: { type: 'int32', data: b.wordIds, dims: [b.batch, b.seq] },
      shape: { type: 'float32', data: b.shape, dims: [b.batch, b.seq, this.cfg.shapeFeatures] },
      bbox: { type: 'int32', data: b.bbox, dims: [b.batch, b.seq, 6] },
      mask: { type: 'int32', data: b.mask, dims: [b.batch, b.seq] },
      ...(bias &&
        rel && {
          rel_bias: { type: 'float32', data: bias, dims: [b.batch, rel.luts.heads, b.seq, b.seq] },
        }),
      ...(rel?.input === 'rel_pair' && {
        rel_pair: { type: 'int32', data: relPairs(b, rel.luts), dims: [b.batch, b.seq, b.seq] },
      }),
    });
    // The run is over: the bias buffer can serve the next page (pages of concurrent documents take turns).
    if (bias && bias.buffer.byteLength <= MAX_KEPT_BIAS_BYTES && this.biasBuffers.length < 2)
      this.biasBuffers.push(new Float32Array(bias.buffer));
    const logits = out.logits;
    if (!logits || logits.dims[2] !== C) {
      throw new InvexError('INVEX_E_MODEL_MISSING', `${this.dir}: model output does not have ${C} classes`);
    }
    const merged = mergeWindowLogits(fp.length, spans, logits.data, b.seq, C);
    return { order: fp.order, probs: softmaxRows(merged, fp.length, C) };
  }
}

/**
 * The rel2d table a `rel_bias` or `rel_pair` model needs, checked: a bad one would silently skew every attention
 * bias. `rel_bias` graphs also need the learned bias per bucket pair and head; `rel_pair` graphs look it up inside.
 */
function checkRel2d(dir: string, rel: Rel2dTable, withWeights: boolean): Rel2dTable {
  const w = rel.weights;
  const heads = w?.[0]?.length ?? 0;
  const ok =
    Number.isInteger(rel.offset) &&
    Number.isInteger(rel.side) &&
    Array.isArray(rel.lut) &&
    rel.lut.length === 2 * rel.offset + 1 &&
    rel.lut.every((v) => Number.isInteger(v) && v >= 0 && v < rel.side) &&
    (withWeights
      ? Array.isArray(w) &&
        w.length === rel.side ** 2 &&
        heads > 0 &&
        w.every((row) => row.length === heads && row.every(Number.isFinite))
      : true);
  if (!ok) {
    throw new InvexError(
      'INVEX_E_MODEL_MISSING',
      `${dir}: rel2d.json does not fit model.onnx's ${withWeights ? 'rel_bias' : 'rel_pair'} input; re-export the model`,
    );
  }
  return rel;
}
