/**
 * The featurizer: the single source of truth for the model's inputs. The same functions build the
 * training arrays (src/ner/export.ts) and the inference tensors (src/ner/ner.ts), so the two can never drift.
 *
 * Per word: hashed character n-gram ids, a hashed whole-word id, shape and layout features, and the
 * box quantised to 0..1000 as LayoutLM does. Words are put in a geometric reading order first (lines
 * top to bottom, words left to right), so the order the words arrive in does not matter.
 */

import { groupRows } from '../document/rows.js';
import { InvexError } from '../errors.js';
import type { BBox } from '../types.js';

export interface FeaturizerConfig {
  /** Bumped whenever a feature changes meaning; a model refuses a featurizer of another version. */
  version: 1;
  /** Size of the n-gram hash table; id 0 is padding. */
  ngramBuckets: number;
  ngramMin: number;
  ngramMax: number;
  /** K: n-gram ids kept per word (prefix and suffix n-grams win when a word has more). */
  ngramsPerWord: number;
  /** Size of the whole-word hash table; id 0 is padding. */
  wordBuckets: number;
  /** Longer words are cut before hashing: long URLs and IBANs add nothing after this. */
  maxWordChars: number;
  /** Words per model window; longer pages are split into overlapping windows. */
  window: number;
  stride: number;
  /** F: number of shape/layout features (SHAPE_FEATURES.length), saved so that a mismatch is caught. */
  shapeFeatures: number;
}

/** Names of the shape/layout features, in tensor order (documented in featurizer.json). */
export const SHAPE_FEATURES = [
  'len_1',
  'len_2',
  'len_3_4',
  'len_5_8',
  'len_9_16',
  'len_17_plus',
  'digit_ratio',
  'alpha_ratio',
  'upper_ratio',
  'has_digit',
  'has_alpha',
  'all_caps',
  'title_case',
  'punct_ratio',
  'currency_symbol',
  'currency_code',
  'date_like',
  'amount_like',
  'integer_like',
  'percent',
  'email_like',
  'url_like',
  'iban_like',
  'iban_group',
  'vat_like',
  'bic_like',
  'phone_like',
  'ends_colon',
  'has_hyphen_slash',
  'time_like',
  'negative',
  'center_x',
  'center_y',
  'content_x',
  'content_y',
  'rel_height',
  'gap_left',
  'gap_right',
  'line_start',
  'line_end',
  'line_pos',
  'pos_in_line',
  'line_words',
  'reading_pos',
  'first_page',
  'last_page',
  'page_words',
] as const;

export const DEFAULT_FEATURIZER_CONFIG: FeaturizerConfig = Object.freeze({
  version: 1,
  ngramBuckets: 1 << 16,
  ngramMin: 2,
  ngramMax: 4,
  ngramsPerWord: 24,
  wordBuckets: 1 << 14,
  maxWordChars: 32,
  window: 512,
  stride: 384,
  shapeFeatures: SHAPE_FEATURES.length,
});

/** Box channels per word: x0, y0, x1, y1, w, h on 0..1000. */
export const BBOX_CHANNELS = 6;
export const BBOX_SCALE = 1000;

export interface FeatWord {
  text: string;
  /** x0, y0, x1, y1 as fractions of the page, origin top-left. */
  bbox: BBox;
}

export interface PageContext {
  /** 0-based index of the page in its document. */
  pageIndex: number;
  pageCount: number;
}

/** One page's features, in reading order. Row i describes the word `order[i]` of the input. */
export interface FeaturizedPage {
  length: number;
  /** Sequence position → index of the word in the input array. */
  order: Int32Array;
  /** [length, K] */
  ngramIds: Int32Array;
  /** [length] */
  wordIds: Int32Array;
  /** [length, F] */
  shape: Float32Array;
  /** [length, 6] */
  bbox: Int32Array;
}

/** A slice [start, end) of a page's sequence that the model sees at once. */
export interface WindowSpan {
  start: number;
  end: number;
}

/** A batch of windows, padded to the longest, as the ONNX model takes them. */
export interface WindowBatch {
  batch: number;
  seq: number;
  ngramIds: Int32Array;
  wordIds: Int32Array;
  shape: Float32Array;
  bbox: Int32Array;
  mask: Int32Array;
}

// ---------------------------------------------------------------------------------------------
// Hashing

/** FNV-1a, 32-bit, over UTF-16 code units: stable across runs, platforms and languages. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A hash into 1..buckets-1, keeping 0 for padding. */
function bucket(s: string, buckets: number): number {
  return 1 + (fnv1a(s) % (buckets - 1));
}

/** The text the hashes see: NFKC, lower case, every decimal digit as 0 (numbers count by shape, not value). */
export function normalizeWord(text: string, maxChars: number): string {
  const s = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\p{Nd}/gu, '0');
  const cps = Array.from(s);
  return cps.length > maxChars ? cps.slice(0, maxChars).join('') : s;
}

/** Deduplicated n-gram ids of `<word>`, position-major so that cutting the middle keeps prefix and suffix. */
export function ngramIds(norm: string, cfg: FeaturizerConfig): number[] {
  const cps = Array.from(`<${norm}>`);
  const ids: number[] = [];
  const mod = cfg.ngramBuckets - 1;
  for (let i = 0; i < cps.length; i++) {
    // FNV-1a extended one code point at a time: the hash of every n-gram starting at i, without substrings.
    let h = 0x811c9dc5;
    for (let n = 1; n <= cfg.ngramMax && i + n <= cps.length; n++) {
      const cp = cps[i + n - 1] as string;
      for (let u = 0; u < cp.length; u++) {
        h ^= cp.charCodeAt(u);
        h = Math.imul(h, 0x01000193);
      }
      if (n < cfg.ngramMin) continue;
      const id = 1 + ((h >>> 0) % mod);
      if (!ids.includes(id)) ids.push(id);
    }
  }
  const k = cfg.ngramsPerWord;
  if (ids.length <= k) return ids;
  const head = Math.ceil(k / 2);
  return [...ids.slice(0, head), ...ids.slice(ids.length - (k - head))];
}

export function wordId(norm: string, cfg: FeaturizerConfig): number {
  return bucket(`w|${norm}`, cfg.wordBuckets);
}

// ---------------------------------------------------------------------------------------------
// Shape features

const CURRENCY_SYMBOL = /[$€£¥₹₽₩₺฿₫₴₪₦₱¢]/u;
// ISO 4217 codes that invoices in our locales print most often.
const CURRENCY_CODES = new Set([
  'EUR',
  'USD',
  'GBP',
  'CHF',
  'JPY',
  'CNY',
  'INR',
  'MYR',
  'SGD',
  'AUD',
  'CAD',
  'NZD',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'CZK',
  'HUF',
  'RON',
  'BGN',
  'TRY',
  'RUB',
  'HKD',
  'IDR',
  'THB',
  'PHP',
  'ZAR',
  'BRL',
  'MXN',
  'RM',
]);
const DATE_LIKE =
  /^(\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}[./-]?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[./-]?\d{0,4}|\d{4}-\d{2}-\d{2}(t[\d:]+)?)[.,]?$/i;
const AMOUNT_LIKE =
  /^[-+(]?[$€£¥]?\d{1,3}([.,' \u00a0\u202f]\d{3})*([.,]\d{1,2})?[$€£¥)]?-?$|^[-+(]?\d+[.,]\d{2}\)?$/u;
const EMAIL_LIKE = /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i;
const URL_LIKE =
  /^(https?:\/\/|www\.)|^[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|de|fr|org|net|io|co|uk|eu|my|biz|info)(\/.*)?$/i;
const IBAN_LIKE = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;
const IBAN_GROUP = /^[A-Z]{2}\d{2}$/;
const VAT_LIKE = /^[A-Z]{2}[A-Z0-9]{8,12}$/;
const BIC_LIKE = /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;
const PHONE_LIKE = /^\+?[\d().\-/\u00a0]{7,}$/u;
const TIME_LIKE = /^\d{1,2}:\d{2}(:\d{2})?$/;
const LETTER = /\p{L}/u;
const UPPER = /\p{Lu}/u;
const DIGIT = /\p{Nd}/u;
const PUNCT = /[\p{P}\p{S}]/u;

/** The text-only features of one word, written at `out[off..]` (indices 0..30 of SHAPE_FEATURES). */
function textFeatures(raw: string, out: Float32Array, off: number): void {
  const text = raw.normalize('NFKC');
  const cps = Array.from(text);
  const n = cps.length;
  let digits = 0;
  let letters = 0;
  let upper = 0;
  let punct = 0;
  for (const c of cps) {
    if (DIGIT.test(c)) digits++;
    else if (LETTER.test(c)) {
      letters++;
      if (UPPER.test(c)) upper++;
    } else if (PUNCT.test(c)) punct++;
  }
  const lenBucket = n <= 1 ? 0 : n === 2 ? 1 : n <= 4 ? 2 : n <= 8 ? 3 : n <= 16 ? 4 : 5;
  out[off + lenBucket] = 1;
  const d = Math.max(1, n);
  const b = (x: boolean) => (x ? 1 : 0);
  const compact = text.replace(/[\s\u00a0]/gu, '');
  const up = compact.toUpperCase();
  out[off + 6] = digits / d;
  out[off + 7] = letters / d;
  out[off + 8] = letters ? upper / letters : 0;
  out[off + 9] = b(digits > 0);
  out[off + 10] = b(letters > 0);
  out[off + 11] = b(letters >= 2 && upper === letters);
  out[off + 12] = b(letters >= 2 && UPPER.test(cps[0] ?? '') && upper === 1);
  out[off + 13] = punct / d;
  out[off + 14] = b(CURRENCY_SYMBOL.test(text));
  out[off + 15] = b(CURRENCY_CODES.has(up.replace(/[.,:;]$/, '')));
  out[off + 16] = b(DATE_LIKE.test(compact));
  out[off + 17] = b(digits > 0 && AMOUNT_LIKE.test(compact));
  out[off + 18] = b(/^\d+$/.test(compact));
  out[off + 19] = b(text.includes('%'));
  out[off + 20] = b(EMAIL_LIKE.test(compact));
  out[off + 21] = b(URL_LIKE.test(compact));
  out[off + 22] = b(IBAN_LIKE.test(up));
  out[off + 23] = b(IBAN_GROUP.test(up));
  out[off + 24] = b(VAT_LIKE.test(up) && digits >= 6);
  out[off + 25] = b(letters >= 6 && BIC_LIKE.test(compact));
  out[off + 26] = b(digits >= 6 && PHONE_LIKE.test(compact));
  out[off + 27] = b(text.endsWith(':'));
  out[off + 28] = b(/[-/]/.test(text));
  out[off + 29] = b(TIME_LIKE.test(compact));
  out[off + 30] = b(/^[-(−]/u.test(compact) && digits > 0);
}

const TEXT_FEATURES = 31;

// ---------------------------------------------------------------------------------------------
// Reading order

// A NaN coordinate (a broken box) counts as 0 rather than poisoning the features.
const clamp01 = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);
const q = (v: number) => Math.round(clamp01(v) * BBOX_SCALE);

/** Words in reading order: rows by vertical overlap (the rule the text layer uses), top to bottom, left to right. */
export function readingOrder(words: readonly FeatWord[]): number[][] {
  return groupRows(words.map((w, i) => ({ bbox: w.bbox, i }))).map((row) => row.map((w) => w.i));
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

// ---------------------------------------------------------------------------------------------
// Page features

interface WordFeatures {
  ngrams: number[];
  wordId: number;
  text: Float32Array;
}

// Everything that depends on the text alone, per config: invoices repeat their words, so most lookups hit.
const wordCache = new WeakMap<FeaturizerConfig, Map<string, WordFeatures>>();
const WORD_CACHE_MAX = 50_000;

function wordFeatures(text: string, cfg: FeaturizerConfig): WordFeatures {
  let cache = wordCache.get(cfg);
  if (!cache) {
    cache = new Map();
    wordCache.set(cfg, cache);
  }
  const hit = cache.get(text);
  if (hit) return hit;
  const norm = normalizeWord(text, cfg.maxWordChars);
  const tf = new Float32Array(TEXT_FEATURES);
  textFeatures(text, tf, 0);
  const wf = { ngrams: ngramIds(norm, cfg), wordId: wordId(norm, cfg), text: tf };
  if (cache.size >= WORD_CACHE_MAX) cache.clear();
  cache.set(text, wf);
  return wf;
}

/** Featurizes one page: the exact arrays the model sees, before windowing. */
export function featurizePage(
  words: readonly FeatWord[],
  ctx: PageContext,
  cfg: FeaturizerConfig,
): FeaturizedPage {
  if (cfg.shapeFeatures !== SHAPE_FEATURES.length) {
    throw new InvexError(
      'INVEX_E_MODEL_MISSING',
      `featurizer: config has ${cfg.shapeFeatures} shape features, this code ${SHAPE_FEATURES.length}`,
    );
  }
  const n = words.length;
  const K = cfg.ngramsPerWord;
  const F = SHAPE_FEATURES.length;
  const lines = readingOrder(words);
  const order = new Int32Array(n);
  const ngrams = new Int32Array(n * K);
  const wids = new Int32Array(n);
  const shape = new Float32Array(n * F);
  const bbox = new Int32Array(n * BBOX_CHANNELS);

  let minX = 1;
  let minY = 1;
  let maxX = 0;
  let maxY = 0;
  for (const w of words) {
    minX = Math.min(minX, clamp01(w.bbox[0]));
    minY = Math.min(minY, clamp01(w.bbox[1]));
    maxX = Math.max(maxX, clamp01(w.bbox[2]));
    maxY = Math.max(maxY, clamp01(w.bbox[3]));
  }
  const spanX = Math.max(1e-3, maxX - minX);
  const spanY = Math.max(1e-3, maxY - minY);
  const medH = Math.max(1e-4, median(words.map((w) => w.bbox[3] - w.bbox[1])));
  const nLines = lines.length;

  let pos = 0;
  for (let li = 0; li < nLines; li++) {
    const line = lines[li] as number[];
    for (let j = 0; j < line.length; j++) {
      const wi = line[j] as number;
      const w = words[wi] as FeatWord;
      const [x0, y0, x1, y1] = w.bbox;
      order[pos] = wi;

      const wf = wordFeatures(w.text, cfg);
      ngrams.set(wf.ngrams, pos * K);
      wids[pos] = wf.wordId;

      const b = pos * BBOX_CHANNELS;
      const qx0 = q(Math.min(x0, x1));
      const qy0 = q(Math.min(y0, y1));
      const qx1 = q(Math.max(x0, x1));
      const qy1 = q(Math.max(y0, y1));
      bbox[b] = qx0;
      bbox[b + 1] = qy0;
      bbox[b + 2] = qx1;
      bbox[b + 3] = qy1;
      bbox[b + 4] = qx1 - qx0;
      bbox[b + 5] = qy1 - qy0;

      const o = pos * F;
      shape.set(wf.text, o);
      const prev = j > 0 ? (words[line[j - 1] as number] as FeatWord) : undefined;
      const next = j + 1 < line.length ? (words[line[j + 1] as number] as FeatWord) : undefined;
      const cx = clamp01((x0 + x1) / 2);
      const cyy = clamp01((y0 + y1) / 2);
      let f = o + TEXT_FEATURES;
      shape[f++] = cx;
      shape[f++] = cyy;
      shape[f++] = clamp01((cx - minX) / spanX);
      shape[f++] = clamp01((cyy - minY) / spanY);
      shape[f++] = Math.min(4, (y1 - y0) / medH) / 4;
      // Gaps in page widths, scaled so that a column gap (~0.1 page) saturates.
      shape[f++] = prev ? clamp01((x0 - prev.bbox[2]) * 10) : 1;
      shape[f++] = next ? clamp01((next.bbox[0] - x1) * 10) : 1;
      shape[f++] = j === 0 ? 1 : 0;
      shape[f++] = j === line.length - 1 ? 1 : 0;
      shape[f++] = nLines > 1 ? li / (nLines - 1) : 0;
      shape[f++] = line.length > 1 ? j / (line.length - 1) : 0;
      shape[f++] = Math.min(1, line.length / 20);
      shape[f++] = n > 1 ? pos / (n - 1) : 0;
      shape[f++] = ctx.pageIndex === 0 ? 1 : 0;
      shape[f++] = ctx.pageIndex === ctx.pageCount - 1 ? 1 : 0;
      shape[f++] = Math.min(1, n / 1000);
      pos++;
    }
  }
  return { length: n, order, ngramIds: ngrams, wordIds: wids, shape, bbox };
}

// ---------------------------------------------------------------------------------------------
// Windows

/** Overlapping windows over a sequence of `length`; the last one is aligned to the end. */
export function windowSpans(length: number, cfg: Pick<FeaturizerConfig, 'window' | 'stride'>): WindowSpan[] {
  if (length === 0) return [];
  const W = cfg.window;
  if (length <= W) return [{ start: 0, end: length }];
  const spans: WindowSpan[] = [];
  for (let s = 0; ; s += cfg.stride) {
    if (s + W >= length) {
      spans.push({ start: length - W, end: length });
      break;
    }
    spans.push({ start: s, end: s + W });
  }
  return spans;
}

/** For each position, the window in which it is most central (its distance to the nearer edge is largest). */
export function bestWindow(length: number, spans: readonly WindowSpan[]): Int32Array {
  const best = new Int32Array(length).fill(-1);
  const score = new Int32Array(length).fill(-1);
  spans.forEach((sp, wi) => {
    for (let i = sp.start; i < sp.end; i++) {
      const c = Math.min(i - sp.start, sp.end - 1 - i);
      if (c > (score[i] as number)) {
        score[i] = c;
        best[i] = wi;
      }
    }
  });
  return best;
}

/** Copies windows of a featurized page into one padded batch (padding: ids 0, mask 0). */
export function windowBatch(
  page: FeaturizedPage,
  spans: readonly WindowSpan[],
  cfg: FeaturizerConfig,
): WindowBatch {
  const K = cfg.ngramsPerWord;
  const F = cfg.shapeFeatures;
  const B = spans.length;
  const T = spans.reduce((m, s) => Math.max(m, s.end - s.start), 0);
  const out: WindowBatch = {
    batch: B,
    seq: T,
    ngramIds: new Int32Array(B * T * K),
    wordIds: new Int32Array(B * T),
    shape: new Float32Array(B * T * F),
    bbox: new Int32Array(B * T * BBOX_CHANNELS),
    mask: new Int32Array(B * T),
  };
  spans.forEach((sp, b) => {
    const len = sp.end - sp.start;
    const r = b * T;
    out.ngramIds.set(page.ngramIds.subarray(sp.start * K, sp.end * K), r * K);
    out.wordIds.set(page.wordIds.subarray(sp.start, sp.end), r);
    out.shape.set(page.shape.subarray(sp.start * F, sp.end * F), r * F);
    out.bbox.set(page.bbox.subarray(sp.start * BBOX_CHANNELS, sp.end * BBOX_CHANNELS), r * BBOX_CHANNELS);
    out.mask.fill(1, r, r + len);
  });
  return out;
}

/**
 * The 2D relative-position table of a rel2d model (`rel2d.json` from training/model.py): the bucket of every
 * doubled centre distance -offset..offset on the 0..1000 grid, the number of buckets per axis, and (graphs with a
 * `rel_bias` input) the learned bias of every bucket pair per head, [side², heads].
 */
export interface Rel2dTable {
  offset: number;
  side: number;
  lut: readonly number[];
  weights?: readonly (readonly number[])[];
}

/** A `Rel2dTable` as `relPairs` and `relBias` read it: typed arrays, the x table pre-multiplied by `side`. */
export interface Rel2dLuts {
  offset: number;
  lut: Int32Array;
  lutX: Int32Array;
  /** Heads: the number of attention heads the bias is for (0 without weights). */
  heads: number;
  /** The bias of every bucket pair for each head, interleaved: [pair × heads + head]. */
  weights: Float32Array;
}

/** Prepares a bucket table once, when its model loads. */
export function rel2dLuts(rel: Rel2dTable): Rel2dLuts {
  const lut = Int32Array.from(rel.lut);
  const w = rel.weights ?? [];
  return {
    offset: rel.offset,
    lut,
    lutX: lut.map((v) => v * rel.side),
    heads: w[0]?.length ?? 0,
    weights: Float32Array.from(w.flat()),
  };
}

/** Doubled box centres (0..2000, integers) of window `b`'s words, into `cx` and `cy`. */
function centres(bbox: Int32Array, b: number, cx: Int32Array, cy: Int32Array): void {
  const T = cx.length;
  for (let t = 0; t < T; t++) {
    const o = (b * T + t) * BBOX_CHANNELS;
    cx[t] = clampBox(bbox[o] as number) + clampBox(bbox[o + 2] as number);
    cy[t] = clampBox(bbox[o + 1] as number) + clampBox(bbox[o + 3] as number);
  }
}

/**
 * `rel_pair` [B,T,T] for a batch (graphs of model 0.3.0 and older, which look the table up in ONNX): for each
 * word pair (i, j) of a window, (bucket of cx_i - cx_j) × side + (bucket of cy_i - cy_j), the centres doubled so
 * they stay integers. Exactly `InvoiceNer.rel_pairs` (training/model.py).
 */
export function relPairs(batch: Pick<WindowBatch, 'batch' | 'seq' | 'bbox'>, rel: Rel2dLuts): Int32Array {
  const { batch: B, seq: T, bbox } = batch;
  const { offset: off, lut, lutX } = rel;
  const cx = new Int32Array(T);
  const cy = new Int32Array(T);
  const out = new Int32Array(B * T * T);
  for (let b = 0; b < B; b++) {
    centres(bbox, b, cx, cy);
    for (let i = 0; i < T; i++) {
      const xi = (cx[i] as number) + off;
      const yi = (cy[i] as number) + off;
      let r = (b * T + i) * T;
      for (let j = 0; j < T; j++, r++) {
        out[r] = (lutX[xi - (cx[j] as number)] as number) + (lut[yi - (cy[j] as number)] as number);
      }
    }
  }
  return out;
}

/**
 * `rel_bias` [B,H,T,T] for a batch: each head's learned attention bias of every word pair (the pair's table index
 * as `relPairs` gives it), looked up here rather than in ONNX, where a [B,T,T,H] gather and its transpose to
 * [B,H,T,T] took a quarter of the model's run time. Writes every element of `into` when it is given and large
 * enough: a buffer kept across pages, since fresh 4 MB arrays cost as much in page faults as the lookups.
 */
export function relBias(
  batch: Pick<WindowBatch, 'batch' | 'seq' | 'bbox'>,
  rel: Rel2dLuts,
  into?: Float32Array,
): Float32Array {
  const { batch: B, seq: T, bbox } = batch;
  const { offset: off, lut, lutX, heads: H, weights: w } = rel;
  const size = B * H * T * T;
  const out = into && into.length >= size ? into.subarray(0, size) : new Float32Array(size);
  const cx = new Int32Array(T);
  const cy = new Int32Array(T);
  const plane = T * T;
  for (let b = 0; b < B; b++) {
    centres(bbox, b, cx, cy);
    // The hot loop of NER preprocessing (T² per window): typed arrays only, no calls. One pass over the pairs
    // writes every head's plane from the interleaved table (0.83× the time of a pass per head).
    for (let i = 0; i < T; i++) {
      const xi = (cx[i] as number) + off;
      const yi = (cy[i] as number) + off;
      const row = (b * H * T + i) * T;
      for (let j = 0; j < T; j++) {
        const p = ((lutX[xi - (cx[j] as number)] as number) + (lut[yi - (cy[j] as number)] as number)) * H;
        for (let h = 0, r = row + j; h < H; h++, r += plane) out[r] = w[p + h] as number;
      }
    }
  }
  return out;
}

const clampBox = (v: number) => Math.max(0, Math.min(v, BBOX_SCALE));

/** Picks, for every sequence position, the logits row of its most central window: [length, C]. */
export function mergeWindowLogits(
  length: number,
  spans: readonly WindowSpan[],
  logits: Float32Array,
  seq: number,
  classes: number,
): Float32Array {
  const best = bestWindow(length, spans);
  const out = new Float32Array(length * classes);
  for (let i = 0; i < length; i++) {
    const w = best[i] as number;
    const sp = spans[w] as WindowSpan;
    const row = (w * seq + (i - sp.start)) * classes;
    out.set(logits.subarray(row, row + classes), i * classes);
  }
  return out;
}
