/**
 * Training export: corpus JSONL → the flat arrays training/train.py reads with numpy.
 *
 * Per split, one raw little-endian file per tensor, every window's tokens back to back, plus one
 * `header.json` with shapes and per-window offsets. The windows are cut by the same functions the
 * inference path uses (featurizePage → windowSpans → windowBatch), so the trainer sees exactly the
 * tensors the ONNX model will get.
 */
import {
  closeSync,
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { swapNames } from '../corpus/augment.js';
import type { CorpusDoc, CorpusSplit } from '../corpus/format.js';
import { InvexError } from '../errors.js';
import {
  BBOX_CHANNELS,
  DEFAULT_FEATURIZER_CONFIG,
  type FeaturizerConfig,
  featurizePage,
  SHAPE_FEATURES,
  windowSpans,
} from './featurize.js';
import { LABEL_ID, LABELS } from './labels.js';

export const ARRAYS_FORMAT = 'invex-ner-arrays';
export const ALL_SPLITS: readonly CorpusSplit[] = ['train', 'dev', 'test'];

/** The files of one split, relative to the export directory, with numpy dtype and row shape. */
export const SPLIT_FILES = {
  ngram: { suffix: 'ngram.i32', dtype: '<i4' },
  word: { suffix: 'word.i32', dtype: '<i4' },
  shape: { suffix: 'shape.f32', dtype: '<f4' },
  bbox: { suffix: 'bbox.i16', dtype: '<i2' },
  label: { suffix: 'label.i16', dtype: '<i2' },
} as const;

export interface ExportOptions {
  featurizer?: FeaturizerConfig;
  splits?: readonly CorpusSplit[];
  /** Keep only these sources (file names without `.jsonl`), for every split. */
  sources?: readonly string[];
  /** Per-split source lists, overriding `sources` for that split. */
  splitSources?: Partial<Record<CorpusSplit, readonly string[]>>;
  /** Cap on documents per source and split (smoke runs). */
  maxDocsPerSource?: number;
  /** Name-swapped copies (src/corpus/augment.ts) added per real training document; 0 adds none. */
  nameSwaps?: number;
}

export interface SplitHeader {
  tokens: number;
  windows: number;
  pages: number;
  docs: number;
  /** Per window: token offset into the split files, length, start position in its page, page index. */
  windowOffset: number[];
  windowLength: number[];
  windowStart: number[];
  windowPage: number[];
  /** Per page: document index, page number, words. */
  pageDoc: number[];
  pageNumber: number[];
  pageLength: number[];
  /** Per document: id, source, family. */
  docId: string[];
  docSource: string[];
  docFamily: string[];
  files: Record<keyof typeof SPLIT_FILES, { file: string; dtype: string; shape: number[] }>;
}

export interface ArraysHeader {
  format: typeof ARRAYS_FORMAT;
  version: 1;
  featurizer: FeaturizerConfig;
  labels: readonly string[];
  shapeFeatureNames: readonly string[];
  corpusDir: string;
  splits: Partial<Record<CorpusSplit, SplitHeader>>;
}

class SplitWriter {
  readonly h: SplitHeader;
  private readonly fds: Record<keyof typeof SPLIT_FILES, number>;

  constructor(
    outDir: string,
    split: CorpusSplit,
    private readonly cfg: FeaturizerConfig,
  ) {
    const K = cfg.ngramsPerWord;
    const F = cfg.shapeFeatures;
    const shapes = { ngram: [K], word: [], shape: [F], bbox: [BBOX_CHANNELS], label: [] };
    const files = {} as SplitHeader['files'];
    const fds = {} as Record<keyof typeof SPLIT_FILES, number>;
    for (const [key, spec] of Object.entries(SPLIT_FILES) as [
      keyof typeof SPLIT_FILES,
      (typeof SPLIT_FILES)[keyof typeof SPLIT_FILES],
    ][]) {
      const file = `${split}.${spec.suffix}`;
      files[key] = { file, dtype: spec.dtype, shape: shapes[key] };
      fds[key] = openSync(join(outDir, file), 'w');
    }
    this.fds = fds;
    this.h = {
      tokens: 0,
      windows: 0,
      pages: 0,
      docs: 0,
      windowOffset: [],
      windowLength: [],
      windowStart: [],
      windowPage: [],
      pageDoc: [],
      pageNumber: [],
      pageLength: [],
      docId: [],
      docSource: [],
      docFamily: [],
      files,
    };
  }

  private write(key: keyof typeof SPLIT_FILES, arr: ArrayBufferView): void {
    writeSync(this.fds[key], new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
  }

  addDoc(doc: CorpusDoc): void {
    const docIdx = this.h.docs++;
    this.h.docId.push(doc.id);
    this.h.docSource.push(doc.source);
    this.h.docFamily.push(doc.family);
    const K = this.cfg.ngramsPerWord;
    const F = this.cfg.shapeFeatures;
    doc.pages.forEach((page, pageIndex) => {
      const fp = featurizePage(page.words, { pageIndex, pageCount: doc.pages.length }, this.cfg);
      const labels = new Int16Array(fp.length);
      for (let i = 0; i < fp.length; i++) {
        const tag = (page.words[fp.order[i] as number] as { label: string }).label;
        const id = LABEL_ID.get(tag);
        if (id === undefined) {
          throw new InvexError(
            'INVEX_E_USAGE',
            `corpus: document ${doc.id} page ${page.number}: unknown label ${tag}`,
          );
        }
        labels[i] = id;
      }
      const pageIdx = this.h.pages++;
      this.h.pageDoc.push(docIdx);
      this.h.pageNumber.push(page.number);
      this.h.pageLength.push(fp.length);
      for (const sp of windowSpans(fp.length, this.cfg)) {
        this.h.windowOffset.push(this.h.tokens);
        this.h.windowLength.push(sp.end - sp.start);
        this.h.windowStart.push(sp.start);
        this.h.windowPage.push(pageIdx);
        this.h.windows++;
        this.h.tokens += sp.end - sp.start;
        this.write('ngram', fp.ngramIds.subarray(sp.start * K, sp.end * K));
        this.write('word', fp.wordIds.subarray(sp.start, sp.end));
        this.write('shape', fp.shape.subarray(sp.start * F, sp.end * F));
        this.write(
          'bbox',
          Int16Array.from(fp.bbox.subarray(sp.start * BBOX_CHANNELS, sp.end * BBOX_CHANNELS)),
        );
        this.write('label', labels.subarray(sp.start, sp.end));
      }
    });
  }

  close(): SplitHeader {
    for (const fd of Object.values(this.fds)) closeSync(fd);
    for (const f of Object.values(this.h.files)) f.shape = [this.h.tokens, ...f.shape];
    return this.h;
  }
}

/** The `<source>.jsonl` files of a corpus directory, sorted so that exports are reproducible. */
export function corpusSources(corpusDir: string): string[] {
  if (!existsSync(corpusDir))
    throw new InvexError('INVEX_E_FILE_NOT_FOUND', `corpus directory not found: ${corpusDir}`);
  return readdirSync(corpusDir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => f.slice(0, -'.jsonl'.length))
    .sort();
}

/** Streams the documents of one corpus file. */
export async function* readCorpusFile(path: string): AsyncGenerator<CorpusDoc> {
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of rl) {
    n++;
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line) as CorpusDoc;
    } catch (err) {
      throw new InvexError('INVEX_E_USAGE', `corpus: ${path}:${n}: not valid JSON`, { cause: err });
    }
  }
}

/** Featurizes a corpus directory into `outDir` (created), one set of arrays per split. */
export async function exportArrays(
  corpusDir: string,
  outDir: string,
  opts: ExportOptions = {},
): Promise<ArraysHeader> {
  const cfg = opts.featurizer ?? DEFAULT_FEATURIZER_CONFIG;
  const splits = opts.splits ?? ALL_SPLITS;
  mkdirSync(outDir, { recursive: true });
  const writers = new Map<CorpusSplit, SplitWriter>(splits.map((s) => [s, new SplitWriter(outDir, s, cfg)]));
  const wanted = (split: CorpusSplit, source: string) => {
    const list = opts.splitSources?.[split] ?? opts.sources;
    return list === undefined || list.includes(source);
  };
  for (const source of corpusSources(corpusDir)) {
    if (!splits.some((s) => wanted(s, source))) continue;
    const taken = new Map<CorpusSplit, number>();
    for await (const doc of readCorpusFile(join(corpusDir, `${source}.jsonl`))) {
      const w = writers.get(doc.split);
      if (!w || !wanted(doc.split, source)) continue;
      const n = taken.get(doc.split) ?? 0;
      if (opts.maxDocsPerSource !== undefined && n >= opts.maxDocsPerSource) continue;
      taken.set(doc.split, n + 1);
      w.addDoc(doc);
      if (doc.split === 'train' && doc.source !== 'synth') {
        for (let k = 1; k <= (opts.nameSwaps ?? 0); k++) w.addDoc(swapNames(doc, k));
      }
    }
  }
  const header: ArraysHeader = {
    format: ARRAYS_FORMAT,
    version: 1,
    featurizer: cfg,
    labels: LABELS,
    shapeFeatureNames: SHAPE_FEATURES,
    corpusDir,
    splits: {},
  };
  for (const [split, w] of writers) header.splits[split] = w.close();
  writeFileSync(join(outDir, 'header.json'), `${JSON.stringify(header)}\n`);
  return header;
}
