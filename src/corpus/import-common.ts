/**
 * What the real-set importers share: reading a labeled set, running our front end (ingest → OCR) with a
 * per-document cache, turning matched labels into corpus documents, writing JSONL and held-out eval sets,
 * and counting how many field values were found.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { config } from '../config.js';
import { defaultIngestOptions, type IngestOptions, ingestBytes } from '../document/ingest.js';
import { errorInfo } from '../errors.js';
import { OCR_READING, ocrDocument } from '../ocr/ocr.js';
import { closeOcr } from '../ocr/tesseract.js';
import type { DocumentWords } from '../types.js';
import type { CorpusDoc, CorpusPage, CorpusSplit } from './format.js';
import { labelDocument } from './match.js';
import { assignSplits, supplierFamily } from './splits.js';

export interface GtEntry {
  /** As written in the set's gt.jsonl (relative to the set folder). */
  file: string;
  /** Absolute path of the document. */
  path: string;
  fields: Record<string, string>;
}

/** Reads `<setDir>/gt.jsonl` (one `{"file", "fields"}` object per line), in file order. */
export async function readGroundTruth(setDir: string): Promise<GtEntry[]> {
  const text = await readFile(join(setDir, 'gt.jsonl'), 'utf8');
  const out: GtEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const o = JSON.parse(line) as { file: string; fields: Record<string, string> };
    out.push({ file: o.file, path: resolve(setDir, o.file), fields: o.fields });
  }
  return out;
}

export interface FrontEndRun {
  words: DocumentWords;
  /** True when the words came from the cache. */
  cached: boolean;
}

/** Where `frontEndWords` caches the words of `path` in `cacheDir`. */
export function wordsCacheFile(cacheDir: string, path: string): string {
  return join(cacheDir, `${basename(path)}.words.json`);
}

/** What a cache entry is stamped with: the OCR languages and the OCR stage's reading that made its words. */
export interface WordsCacheStamp {
  ocrLang: string;
  ocrReading: number;
}

/** The stamp of words read now with `lang`. */
export function wordsCacheStamp(lang: string): WordsCacheStamp {
  return { ocrLang: lang, ocrReading: OCR_READING };
}

/**
 * A cache entry's words, when this code with `lang` would read them. Entries carry the OCR languages they were
 * read with (`ocrLang`; entries written before that stamp were all read with `eng`) and the OCR stage's reading
 * (`ocrReading`, OCR_READING; 1 before that stamp). Words read with other languages or by another reading are not
 * these words: undefined, so the caller reads the document again.
 */
export function parseWordsCache(text: string, lang: string): DocumentWords | undefined {
  const {
    ocrLang = 'eng',
    ocrReading = 1,
    ...words
  } = JSON.parse(text) as DocumentWords & Partial<WordsCacheStamp>;
  return ocrLang === lang && ocrReading === OCR_READING ? words : undefined;
}

/**
 * The document's words through our own front end (ingest, then OCR of raster pages), cached as JSON in
 * `cacheDir` so that an interrupted import resumes where it stopped, and a later one with the same OCR languages
 * and reading need not read again.
 */
export async function frontEndWords(
  path: string,
  opts: { cacheDir?: string; lang: string; refresh?: boolean; ingest?: Partial<IngestOptions> },
): Promise<FrontEndRun> {
  const cacheFile = opts.cacheDir ? wordsCacheFile(opts.cacheDir, path) : undefined;
  if (cacheFile && !opts.refresh) {
    try {
      const words = parseWordsCache(await readFile(cacheFile, 'utf8'), opts.lang);
      if (words) return { words, cached: true };
    } catch {
      // Not cached yet (or a torn write): run the front end.
    }
  }
  const bytes = await readFile(path);
  const ingested = await ingestBytes(bytes, { ...defaultIngestOptions(), ...opts.ingest });
  const words = await ocrDocument(ingested, { lang: opts.lang });
  if (cacheFile) {
    await mkdir(dirname(cacheFile), { recursive: true });
    // Write then rename, so a killed import never leaves a half-written cache entry.
    await writeFile(`${cacheFile}.tmp`, JSON.stringify({ ...words, ...wordsCacheStamp(opts.lang) }));
    await rename(`${cacheFile}.tmp`, cacheFile);
  }
  return { words, cached: false };
}

/** Per field: how many documents carry a label for it and in how many the matcher found it on the page. */
export type FieldCounts = Record<string, { labeled: number; found: number }>;

export interface LabeledDoc {
  doc: CorpusDoc;
  found: string[];
  missing: string[];
}

/** Labels the words of a document by matching its field values and builds its corpus record. */
export function labelCorpusDoc(
  words: DocumentWords,
  entry: GtEntry,
  meta: { source: CorpusDoc['source']; split: CorpusSplit; family: string; locale: string },
): LabeledDoc {
  const r = labelDocument(
    words.pages.map((p) => p.words),
    entry.fields,
  );
  const pages: CorpusPage[] = words.pages.map((p, k) => ({
    number: p.number,
    width: p.width,
    height: p.height,
    source: p.source,
    words: p.words.map((w, i) => ({ text: w.text, bbox: w.bbox, label: r.labels[k]?.[i] ?? 'O' })),
  }));
  const doc: CorpusDoc = {
    id: words.id,
    source: meta.source,
    split: meta.split,
    family: meta.family,
    locale: meta.locale,
    file: entry.path,
    fields: entry.fields,
    pages,
  };
  return { doc, found: r.found, missing: r.missing };
}

export function countFields(docs: readonly { found: string[]; missing: string[] }[]): FieldCounts {
  const counts: FieldCounts = {};
  for (const d of docs) {
    for (const f of [...d.found, ...d.missing]) {
      const c = counts[f] ?? { labeled: 0, found: 0 };
      counts[f] = c;
      c.labeled++;
      if (d.found.includes(f)) c.found++;
    }
  }
  return counts;
}

export async function writeJsonl(path: string, rows: readonly unknown[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  await rename(`${path}.tmp`, path);
}

/**
 * Writes a labeled set folder for `invex eval SET_DIR`: `<setDir>/gt.jsonl` whose `file` entries are paths
 * relative to setDir that lead to the original documents (so `path.resolve(setDir, file)` and
 * `path.join(setDir, file)` both find them, as long as the corpus directory stays where it was written).
 */
export async function writeEvalSet(setDir: string, entries: readonly GtEntry[]): Promise<string> {
  const abs = resolve(setDir);
  await writeJsonl(
    join(abs, 'gt.jsonl'),
    entries.map((e) => ({ file: relative(abs, e.path), fields: e.fields })),
  );
  return join(abs, 'gt.jsonl');
}

export interface ImportOptions {
  /** The labeled set folder (with gt.jsonl). */
  dataDir?: string;
  /** The corpus directory; default INVEX_CORPUS_DIR. */
  out?: string;
  /** Import only the first N documents of gt.jsonl. */
  limit?: number;
  /** Documents read at the same time. */
  concurrency?: number;
  /** Ignore cached front-end words and read every document again (OCR'd sets only). */
  refresh?: boolean;
  log?: (line: string) => void;
}

export interface ImportReport {
  source: CorpusDoc['source'];
  /** Documents in the set. */
  documents: number;
  /** Documents written to the corpus. */
  imported: number;
  /** Of those, how many were read by the front end in this run (not from the cache). */
  processed: number;
  failed: { file: string; code: string; message: string }[];
  fields: FieldCounts;
  splits: Record<CorpusSplit, number>;
  /** The corpus JSONL written. */
  out: string;
  /** The held-out labeled set for `invex eval`. */
  evalSet: string;
  seconds: number;
}

export function splitCounts(docs: readonly LabeledDoc[]): Record<CorpusSplit, number> {
  const c: Record<CorpusSplit, number> = { train: 0, dev: 0, test: 0 };
  for (const d of docs) c[d.doc.split]++;
  return c;
}

/** A one-screen summary of an import: documents, splits, found rate per field. */
export function formatImportReport(r: ImportReport): string {
  const lines = [
    `${r.source}: ${r.imported}/${r.documents} documents imported (${r.processed} read this run, ${r.failed.length} failed) in ${r.seconds.toFixed(1)} s`,
    `  splits: train ${r.splits.train}, dev ${r.splits.dev}`,
    `  corpus: ${r.out}`,
    `  held-out eval set: ${r.evalSet}`,
    '  field values found on the page:',
  ];
  let found = 0;
  let labeled = 0;
  for (const [f, c] of Object.entries(r.fields).sort()) {
    lines.push(
      `    ${f.padEnd(18)} ${String(c.found).padStart(4)}/${String(c.labeled).padEnd(4)} ${pct(c.found, c.labeled)}`,
    );
    found += c.found;
    labeled += c.labeled;
  }
  lines.push(
    `    ${'all'.padEnd(18)} ${String(found).padStart(4)}/${String(labeled).padEnd(4)} ${pct(found, labeled)}`,
  );
  for (const f of r.failed.slice(0, 10)) lines.push(`  failed: ${f.file}: ${f.code} ${f.message}`);
  return lines.join('\n');
}

function pct(a: number, b: number): string {
  return b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`;
}

/** Runs `fn` over items with at most `concurrency` in flight, keeping results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return out;
}

/** Progress lines on stderr: `sroie 120/626 (19%) 2.1 s/doc, ETA 17 min`. */
export function progress(
  label: string,
  total: number,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
) {
  const t0 = performance.now();
  let done = 0;
  let fresh = 0;
  return (wasCached: boolean) => {
    done++;
    if (!wasCached) fresh++;
    const every = total > 200 ? 10 : 1;
    if (done % every !== 0 && done !== total) return;
    const secs = (performance.now() - t0) / 1000;
    const perDoc = fresh > 0 ? secs / fresh : 0;
    const eta = perDoc * (total - done);
    log(
      `${label} ${done}/${total} (${Math.round((100 * done) / total)}%) ${perDoc.toFixed(2)} s/doc, ETA ${eta < 90 ? `${Math.round(eta)} s` : `${Math.round(eta / 60)} min`}`,
    );
  };
}

/** What differs between the real sets: where they are, how a document's words are read, its locale. */
export interface ImportSpec {
  source: 'sroie' | 'zugferd';
  defaultDataDir: string;
  devFraction: number;
  defaultConcurrency: number;
  read: (entry: GtEntry, out: string, opts: ImportOptions) => Promise<FrontEndRun>;
  locale: (words: DocumentWords) => string;
}

/**
 * Imports one labeled set: front end per document, labels by matching, `<out>/<source>.jsonl`, and the
 * held-out documents as `<out>/eval/<source>-dev/`. Whole suppliers go to one split: a shop's receipts or
 * a seller's invoices share a layout, and a layout seen in training says nothing about generalisation.
 */
export async function runImport(spec: ImportSpec, opts: ImportOptions): Promise<ImportReport> {
  const t0 = performance.now();
  const dataDir = resolve(opts.dataDir ?? spec.defaultDataDir);
  const out = resolve(opts.out ?? config().corpusDir);
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const gt = await readGroundTruth(dataDir);
  const splits = assignSplits(
    gt.map((e) => ({ key: e.file, group: supplierFamily(e.fields.supplier_name) })),
    spec.devFraction,
  );
  const todo = gt.slice(0, opts.limit ?? gt.length);
  const failed: ImportReport['failed'] = [];
  let processed = 0;
  const tick = progress(spec.source, todo.length, log);
  try {
    const docs = await mapLimit(
      todo,
      opts.concurrency ?? spec.defaultConcurrency,
      async (entry): Promise<LabeledDoc | undefined> => {
        try {
          const run = await spec.read(entry, out, opts);
          if (!run.cached) processed++;
          tick(run.cached);
          return labelCorpusDoc(run.words, entry, {
            source: spec.source,
            split: splits.get(entry.file) ?? 'train',
            family: spec.source,
            locale: spec.locale(run.words),
          });
        } catch (err) {
          tick(false);
          failed.push({ file: entry.file, ...errorInfo(err) });
          return undefined;
        }
      },
    );
    const ok = docs.filter((d): d is LabeledDoc => d !== undefined);
    const outFile = join(out, `${spec.source}.jsonl`);
    await writeJsonl(
      outFile,
      ok.map((d) => d.doc),
    );
    const evalSet = await writeEvalSet(
      join(out, 'eval', `${spec.source}-dev`),
      gt.filter((e) => splits.get(e.file) === 'dev'),
    );
    return {
      source: spec.source,
      documents: gt.length,
      imported: ok.length,
      processed,
      failed,
      fields: countFields(ok),
      splits: splitCounts(ok),
      out: outFile,
      evalSet,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await closeOcr();
  }
}
