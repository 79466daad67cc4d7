/**
 * Decoding: per-word class scores → BIO repair → entities shaped like the Hugging Face
 * token-classification pipeline (entity_group, score, word, start, end), plus page, bbox and word indices.
 *
 * Words are our tokens, so the word-level strategies (first, average, max) only differ from `simple` when a
 * sub-word model (bring your own model) is aggregated to words first: see aggregateSubwords.
 */
import type { BBox } from '../types.js';

export type AggregationStrategy = 'none' | 'simple' | 'first' | 'average' | 'max';
export const AGGREGATION_STRATEGIES: readonly AggregationStrategy[] = [
  'none',
  'simple',
  'first',
  'average',
  'max',
];

interface EntityBase {
  /** Mean of the words' scores (softmax probability of the chosen tag). */
  score: number;
  /** The words joined by single spaces. */
  word: string;
  /** Character offsets into the page text (the page's words, in reading order, joined by single spaces). */
  start: number;
  end: number;
  /** 1-based page number. */
  page: number;
  /** Union of the words' boxes, fractions of the page, origin top-left. */
  bbox: BBox;
  /** Indices into the page's input word array. */
  word_indices: number[];
}

/** One entity span (strategies simple, first, average, max). */
export interface GroupedEntity extends EntityBase {
  /** The field name, e.g. `total_amount`. */
  entity_group: string;
}

/** One tagged word (strategy none). */
export interface TokenEntity extends EntityBase {
  /** The BIO tag after repair, e.g. `B-total_amount`. */
  entity: string;
  /** Position of the word in reading order. */
  index: number;
}

export type Entity = GroupedEntity | TokenEntity;

export interface DecodeWord {
  text: string;
  bbox: BBox;
}

export interface DecodeInput {
  /** The page's words, in input order. */
  words: readonly DecodeWord[];
  /** Sequence (reading-order) position → index into `words`. */
  order: ArrayLike<number>;
  /** [order.length, labels.length] probabilities, in sequence order. */
  probs: Float32Array;
  labels: readonly string[];
  page: number;
}

/** Row-wise softmax of [rows, cols] logits (numerically stable). */
export function softmaxRows(logits: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < cols; c++) max = Math.max(max, logits[o + c] as number);
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const e = Math.exp((logits[o + c] as number) - max);
      out[o + c] = e;
      sum += e;
    }
    for (let c = 0; c < cols; c++) out[o + c] = (out[o + c] as number) / sum;
  }
  return out;
}

/** `B-x` → [B, x]; `I-x` → [I, x]; `O` → [O, O]; a tag without prefix counts as I (as Hugging Face does). */
export function splitTag(tag: string): ['B' | 'I' | 'O', string] {
  if (tag === 'O') return ['O', 'O'];
  if (tag.startsWith('B-')) return ['B', tag.slice(2)];
  if (tag.startsWith('I-')) return ['I', tag.slice(2)];
  return ['I', tag];
}

/** BIO repair: an I- that does not continue an entity of its own type becomes B-. */
export function repairBio(tags: readonly string[]): string[] {
  const out: string[] = [];
  let prevType = 'O';
  for (const t of tags) {
    const [bi, type] = splitTag(t);
    if (bi === 'O') {
      out.push('O');
      prevType = 'O';
    } else {
      out.push(bi === 'I' && prevType === type ? `I-${type}` : `B-${type}`);
      prevType = type;
    }
  }
  return out;
}

/**
 * Sub-word pieces → per-word probabilities, as the Hugging Face pipeline's word-level strategies do:
 * first = the first piece's scores, average = the mean of the pieces' scores, max = the scores of the
 * piece with the highest single score. `none` and `simple` use `first`, since our unit is the word.
 */
export function aggregateSubwords(
  probs: Float32Array,
  pieceWord: ArrayLike<number>,
  words: number,
  classes: number,
  strategy: AggregationStrategy,
): Float32Array {
  const out = new Float32Array(words * classes);
  const count = new Int32Array(words);
  const bestScore = new Float32Array(words).fill(-1);
  for (let t = 0; t < pieceWord.length; t++) {
    const w = pieceWord[t] as number;
    if (w < 0) continue;
    const row = probs.subarray(t * classes, (t + 1) * classes);
    const o = w * classes;
    if (strategy === 'average') {
      for (let c = 0; c < classes; c++) out[o + c] = (out[o + c] as number) + (row[c] as number);
    } else if (strategy === 'max') {
      let m = 0;
      for (let c = 0; c < classes; c++) m = Math.max(m, row[c] as number);
      if (m > (bestScore[w] as number)) {
        bestScore[w] = m;
        out.set(row, o);
      }
    } else if (count[w] === 0) {
      out.set(row, o);
    }
    count[w] = (count[w] as number) + 1;
  }
  if (strategy === 'average') {
    for (let w = 0; w < words; w++) {
      const n = count[w] as number;
      if (n > 1)
        for (let c = 0; c < classes; c++) out[w * classes + c] = (out[w * classes + c] as number) / n;
    }
  }
  return out;
}

function unionBox(boxes: readonly BBox[]): BBox {
  const b: BBox = [1, 1, 0, 0];
  for (const x of boxes) {
    b[0] = Math.min(b[0], x[0]);
    b[1] = Math.min(b[1], x[1]);
    b[2] = Math.max(b[2], x[2]);
    b[3] = Math.max(b[3], x[3]);
  }
  return b;
}

/** The page text that `start`/`end` point into: words in reading order joined by single spaces. */
export function pageText(words: readonly DecodeWord[], order: ArrayLike<number>): string {
  return Array.from(order, (i) => (words[i] as DecodeWord).text).join(' ');
}

/** Decodes one page: argmax per word, BIO repair, then the aggregation strategy. */
export function decodePage(input: DecodeInput, strategy: AggregationStrategy = 'simple'): Entity[] {
  const { words, order, probs, labels, page } = input;
  const n = order.length;
  const C = labels.length;
  const raw: string[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestP = -1;
    for (let c = 0; c < C; c++) {
      const p = probs[i * C + c] as number;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    raw.push(labels[best] as string);
    scores.push(bestP);
  }
  const tags = repairBio(raw);
  const starts: number[] = [];
  let off = 0;
  for (let i = 0; i < n; i++) {
    starts.push(off);
    off += (words[order[i] as number] as DecodeWord).text.length + 1;
  }
  const span = (from: number, to: number) => {
    const idx = Array.from({ length: to - from }, (_, k) => order[from + k] as number);
    const ws = idx.map((k) => words[k] as DecodeWord);
    const sc = scores.slice(from, to);
    return {
      score: sc.reduce((a, b) => a + b, 0) / sc.length,
      word: ws.map((w) => w.text).join(' '),
      start: starts[from] as number,
      end: (starts[to - 1] as number) + (ws[ws.length - 1] as DecodeWord).text.length,
      page,
      bbox: unionBox(ws.map((w) => w.bbox)),
      word_indices: idx,
    };
  };

  if (strategy === 'none') {
    const out: TokenEntity[] = [];
    for (let i = 0; i < n; i++) {
      if (tags[i] !== 'O') out.push({ entity: tags[i] as string, index: i, ...span(i, i + 1) });
    }
    return out;
  }
  // Hugging Face group_entities: a new group at every B- or change of type; O groups are dropped.
  const out: GroupedEntity[] = [];
  let from = 0;
  for (let i = 1; i <= n; i++) {
    const [bi, type] = i < n ? splitTag(tags[i] as string) : ['B', ''];
    const [, prevType] = splitTag(tags[i - 1] as string);
    if (i === n || bi === 'B' || bi === 'O' || type !== prevType) {
      if (prevType !== 'O') out.push({ entity_group: prevType, ...span(from, i) });
      from = i;
    }
  }
  return n === 0 ? [] : out;
}
