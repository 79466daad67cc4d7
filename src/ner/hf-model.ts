/**
 * Bring your own model: a Hugging Face token-classification model exported to ONNX
 * (model.onnx with input_ids, attention_mask[, token_type_ids] → logits; config.json with id2label;
 * tokenizer.json with a WordPiece model). Words are tokenized one by one, windows are cut on word
 * boundaries to fit max_position_embeddings, and piece scores are aggregated back to our words.
 */
import { basename, join, resolve } from 'node:path';
import { InvexError } from '../errors.js';
import { type AggregationStrategy, aggregateSubwords, softmaxRows } from './decode.js';
import { bestWindow, type FeatWord, readingOrder, type WindowSpan } from './featurize.js';
import { FIELD_NAMES } from './labels.js';
import { type ModelInfo, type NerModel, type PagePrediction, readJson, sha256File } from './model.js';
import { loadSession, type OnnxSession, type TensorData } from './onnx.js';
import { loadWordPiece, type WordPiece } from './wordpiece.js';

interface HfConfig {
  id2label?: Record<string, string>;
  max_position_embeddings?: number;
  _name_or_path?: string;
  model_type?: string;
  transformers_version?: string;
}

// Label names of public receipt sets (SROIE) that mean one of our fields.
const ALIASES: Record<string, string> = {
  company: 'supplier_name',
  date: 'issue_date',
  address: 'supplier_address',
  total: 'total_amount',
};
// A runaway "word" (a long garbage string) must not eat a whole window.
const MAX_PIECES_PER_WORD = 32;

/** An id2label name → our tag when its type is one of our fields (any case, or an alias); else kept as is. */
export function mapHfLabel(name: string): string {
  if (name.toUpperCase() === 'O') return 'O';
  const m = /^([BI])[-_](.+)$/i.exec(name);
  const bi = m ? (m[1] as string).toUpperCase() : undefined;
  const type = m ? (m[2] as string) : name;
  const lower = type.toLowerCase();
  const field = (FIELD_NAMES as readonly string[]).includes(lower) ? lower : ALIASES[lower];
  if (field === undefined) return name;
  return `${bi ?? 'I'}-${field}`;
}

/** Word windows whose pieces fit `budget`, overlapping by about a quarter. */
export function pieceWindows(pieceCounts: readonly number[], budget: number): WindowSpan[] {
  const n = pieceCounts.length;
  const spans: WindowSpan[] = [];
  let start = 0;
  while (start < n) {
    let end = start;
    let used = 0;
    while (end < n && (end === start || used + (pieceCounts[end] as number) <= budget)) {
      used += pieceCounts[end] as number;
      end++;
    }
    spans.push({ start, end });
    if (end >= n) break;
    start = Math.max(start + 1, start + Math.floor((end - start) * 0.75));
  }
  return spans;
}

export class HfModel implements NerModel {
  readonly kind = 'huggingface' as const;

  private constructor(
    readonly dir: string,
    readonly info: ModelInfo,
    readonly labels: readonly string[],
    private readonly tok: WordPiece,
    private readonly maxLen: number,
    private readonly session: OnnxSession,
  ) {}

  static async load(dir: string, threads?: number): Promise<HfModel> {
    const abs = resolve(dir);
    const cfg = readJson<HfConfig>(join(abs, 'config.json'));
    const ids = Object.keys(cfg.id2label ?? {})
      .map(Number)
      .sort((a, b) => a - b);
    if (ids.length === 0 || ids.some((id, i) => id !== i)) {
      throw new InvexError('INVEX_E_MODEL_MISSING', `${abs}/config.json: id2label must map 0..N-1`);
    }
    const labels = ids.map((i) => mapHfLabel((cfg.id2label as Record<string, string>)[String(i)] as string));
    const tok = loadWordPiece(join(abs, 'tokenizer.json'));
    const onnxPath = join(abs, 'model.onnx');
    const info: ModelInfo = {
      name: cfg._name_or_path || basename(abs),
      version: cfg.transformers_version ?? cfg.model_type ?? 'huggingface',
      sha256: sha256File(onnxPath),
    };
    const session = await loadSession(onnxPath, threads === undefined ? {} : { threads });
    const names = session.inputs.map((i) => i.name);
    if (!names.includes('input_ids')) {
      throw new InvexError(
        'INVEX_E_MODEL_MISSING',
        `${onnxPath}: no input_ids input (inputs: ${names.join(', ')})`,
      );
    }
    return new HfModel(abs, info, labels, tok, Math.min(512, cfg.max_position_embeddings ?? 512), session);
  }

  private tensor(name: string, values: Int32Array, dims: number[]): TensorData {
    const type = this.session.inputs.find((i) => i.name === name)?.type;
    if (type === 'int32') return { type: 'int32', data: values, dims };
    return { type: 'int64', data: BigInt64Array.from(values, (v) => BigInt(v)), dims };
  }

  async predictPage(
    words: readonly FeatWord[],
    _ctx: unknown,
    strategy: AggregationStrategy,
  ): Promise<PagePrediction> {
    const order = readingOrder(words).flat();
    const n = order.length;
    const C = this.labels.length;
    const pieces = order.map((i) =>
      this.tok.encodeWord((words[i] as FeatWord).text).slice(0, MAX_PIECES_PER_WORD),
    );
    const spans = pieceWindows(
      pieces.map((p) => p.length),
      this.maxLen - 2,
    );
    const probs = new Float32Array(n * C);
    if (n === 0) return { order, probs };

    // One batch for the page: [CLS] pieces [SEP], padded.
    const lens = spans.map((s) => pieces.slice(s.start, s.end).reduce((a, p) => a + p.length, 0) + 2);
    const T = Math.max(...lens);
    const B = spans.length;
    const inputIds = new Int32Array(B * T).fill(this.tok.padId);
    const mask = new Int32Array(B * T);
    const pieceWord: Int32Array[] = [];
    spans.forEach((sp, b) => {
      const pw = new Int32Array(T).fill(-1);
      let t = b * T;
      inputIds[t++] = this.tok.clsId;
      for (let w = sp.start; w < sp.end; w++) {
        for (const id of pieces[w] as number[]) {
          pw[t - b * T] = w - sp.start;
          inputIds[t++] = id;
        }
      }
      inputIds[t++] = this.tok.sepId;
      mask.fill(1, b * T, t);
      pieceWord.push(pw);
    });
    const feeds: Record<string, TensorData> = {
      input_ids: this.tensor('input_ids', inputIds, [B, T]),
      attention_mask: this.tensor('attention_mask', mask, [B, T]),
    };
    if (this.session.inputs.some((i) => i.name === 'token_type_ids')) {
      feeds.token_type_ids = this.tensor('token_type_ids', new Int32Array(B * T), [B, T]);
    }
    const out = await this.session.run(feeds);
    const logits = out.logits ?? Object.values(out)[0];
    if (!logits || logits.dims[2] !== C) {
      throw new InvexError('INVEX_E_MODEL_MISSING', `${this.dir}: model output does not have ${C} classes`);
    }

    const best = bestWindow(n, spans);
    const oId = this.labels.indexOf('O');
    spans.forEach((sp, b) => {
      const p = softmaxRows(logits.data.subarray(b * T * C, (b + 1) * T * C), T, C);
      const wp = aggregateSubwords(p, pieceWord[b] as Int32Array, sp.end - sp.start, C, strategy);
      for (let w = sp.start; w < sp.end; w++) {
        if (best[w] === b) probs.set(wp.subarray((w - sp.start) * C, (w - sp.start + 1) * C), w * C);
      }
    });
    // A word with no pieces (empty after normalisation) gets no scores: call it O.
    if (oId >= 0) {
      for (let w = 0; w < n; w++) if ((pieces[w] as number[]).length === 0) probs[w * C + oId] = 1;
    }
    return { order, probs };
  }
}
