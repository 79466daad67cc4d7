/**
 * The stage order, in one place: ingest → ocr → ner → assemble (→ deliver, in the service).
 * Each stage is a plain async function; the CLI calls them in-process, the service runs them as workers.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { assemble } from './assemble/assemble.js';
import { type Calibration, CalibrationSchema } from './assemble/calibrate.js';
import type { Invoice } from './assemble/schema.js';
import type { NerSpan } from './assemble/types.js';
import { assertValidInvoice } from './assemble/validate.js';
import { config } from './config.js';
import type { EmbeddedInvoice } from './document/einvoice.js';
import { defaultIngestOptions, type IngestOptions, ingestBytes, readInput } from './document/ingest.js';
import { InvexError } from './errors.js';
import { readJson } from './ner/model.js';
import { closeNer, defaultModelDir, type NerOptions, type NerResult, runNer } from './ner/ner.js';
import { ocrDocument } from './ocr/ocr.js';
import { closeOcr } from './ocr/tesseract.js';
import type { DocumentWords } from './types.js';

export interface FrontEndOptions {
  ocr: IngestOptions['ocr'];
  lang: string;
  password?: string;
  /** false: ignore a PDF's embedded e-invoice XML (default: INVEX_EMBEDDED). */
  embedded?: boolean;
}

export interface ExtractOptions extends FrontEndOptions {
  ner?: NerOptions;
  /** false: raw confidences, ignoring the model's calibration.json (what `invex calibrate` measures). */
  calibrate?: boolean;
}

const calibrations = new Map<string, Calibration | undefined>();

/**
 * The calibration.json beside the model, once per process. A file fitted on another model.onnx is ignored:
 * its map says nothing about this model's scores (retraining leaves it stale until `invex calibrate` runs).
 */
export function calibrationFor(modelDir: string | undefined, modelSha: string): Calibration | undefined {
  const path = join(resolve(modelDir ?? defaultModelDir()), 'calibration.json');
  const key = `${path}|${modelSha}`;
  if (!calibrations.has(key)) {
    let cal: Calibration | undefined;
    if (existsSync(path)) {
      const parsed = CalibrationSchema.safeParse(readJson<unknown>(path));
      if (!parsed.success) throw new InvexError('INVEX_E_MODEL_MISSING', `${path}: not a calibration file`);
      if (parsed.data.model_sha256 === modelSha) cal = parsed.data;
    }
    calibrations.set(key, cal);
  }
  return calibrations.get(key);
}

export interface Timed<T> {
  result: T;
  timings_ms: Record<string, number>;
}

export function defaultFrontEndOptions(): FrontEndOptions {
  return { ocr: 'auto', lang: config().ocrLang };
}

async function timed<T>(
  timings: Record<string, number>,
  stage: string,
  fn: () => T | Promise<T>,
): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    timings[stage] = Math.round(performance.now() - t0);
  }
}

/** Bytes → every page with words (text layer or OCR). */
export async function readDocumentBytes(
  bytes: Uint8Array,
  opts: FrontEndOptions,
): Promise<Timed<DocumentWords>> {
  const timings: Record<string, number> = {};
  const ingestOpts: IngestOptions = { ...defaultIngestOptions(), ocr: opts.ocr };
  if (opts.password !== undefined) ingestOpts.password = opts.password;
  if (opts.embedded !== undefined) ingestOpts.embedded = opts.embedded;
  const ingested = await timed(timings, 'ingest', () => ingestBytes(bytes, ingestOpts));
  const result = await timed(timings, 'ocr', () => ocrDocument(ingested, { lang: opts.lang }));
  return { result, timings_ms: timings };
}

/** A file path → every page with words. */
export async function readDocumentFile(path: string, opts: FrontEndOptions): Promise<Timed<DocumentWords>> {
  const bytes = await readInput(path, config().maxFileBytes);
  return readDocumentBytes(bytes, opts);
}

/** The NER stage's grouped entities as the assembler's spans. */
export function nerSpans(ner: NerResult): NerSpan[] {
  return ner.pages.flatMap((p) =>
    p.entities.flatMap((e) =>
      'entity_group' in e
        ? [{ field: e.entity_group, score: e.score, page: e.page, wordIndices: e.word_indices }]
        : [],
    ),
  );
}

function embeddedInfo(e: EmbeddedInvoice): NonNullable<Invoice['document']['embedded']> {
  return { file: e.file, format: e.format, ...(e.profile ? { profile: e.profile } : {}) };
}

/** Words → the full output contract, validated against schemas/invoice.schema.json. */
export async function extractFromWords(
  doc: DocumentWords,
  opts: { ner?: NerOptions; file?: string; calibrate?: boolean },
  timings: Record<string, number> = {},
): Promise<Invoice> {
  const ner = await timed(timings, 'ner', () => runNer(doc, { ...opts.ner, aggregation: 'simple' }));
  const calibration =
    opts.calibrate === false ? undefined : calibrationFor(opts.ner?.modelDir, ner.model.sha256);
  const assembled = await timed(timings, 'assemble', () =>
    assemble(doc, nerSpans(ner), calibration ? { calibration } : {}),
  );
  const total = Object.values(timings).reduce((a, b) => a + b, 0);
  return assertValidInvoice({
    schema_version: '1',
    ...(opts.file !== undefined ? { file: opts.file } : {}),
    document: {
      id: doc.id,
      media_type: doc.mediaType,
      ...(doc.embedded ? { embedded: embeddedInfo(doc.embedded) } : {}),
      pages: doc.pages.map(({ words: _words, ...page }) => page),
    },
    ...assembled,
    model: ner.model,
    timings_ms: { ...timings, total },
  });
}

/** A file's bytes (already read) → the full output contract; `path` is what the output names as its file. */
export async function extractBytes(bytes: Uint8Array, path: string, opts: ExtractOptions): Promise<Invoice> {
  const t0 = performance.now();
  const { result, timings_ms } = await readDocumentBytes(bytes, opts);
  const invoice = await extractFromWords(
    result,
    {
      ...(opts.ner ? { ner: opts.ner } : {}),
      file: path,
      ...(opts.calibrate === false ? { calibrate: false } : {}),
    },
    timings_ms,
  );
  invoice.timings_ms.total = Math.round(performance.now() - t0);
  return invoice;
}

/** A file path → the full output contract, with the bytes read (a caller may render the pages from them). */
export async function extractFileWithBytes(
  path: string,
  opts: ExtractOptions,
): Promise<{ invoice: Invoice; bytes: Uint8Array }> {
  const t0 = performance.now();
  const bytes = await readInput(path, config().maxFileBytes);
  const invoice = await extractBytes(bytes, path, opts);
  // The total counts the file read too.
  invoice.timings_ms.total = Math.round(performance.now() - t0);
  return { invoice, bytes };
}

/** A file path → the full output contract. */
export async function extractFile(path: string, opts: ExtractOptions): Promise<Invoice> {
  return (await extractFileWithBytes(path, opts)).invoice;
}

/** Releases the per-process engines (OCR workers, model sessions) so the process can exit. */
export async function closePipeline(): Promise<void> {
  calibrations.clear();
  await Promise.all([closeOcr(), closeNer()]);
}
