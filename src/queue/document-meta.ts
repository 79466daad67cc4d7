/**
 * A document's record in the store (meta.json), the single source of its status, and the keys the stages
 * hand over to each other (`work/`, removed once the result is written).
 */

import { applyCorrections, type Correction } from '../assemble/corrections.js';
import type { Invoice } from '../assemble/schema.js';
import { documentKeys, getJson, putJson, type Store } from '../deliver/store.js';
import type { EmbeddedInvoice } from '../document/einvoice.js';
import type { ErrorInfo } from '../errors.js';
import type { IngestedPage, Word } from '../types.js';

export const DOCUMENT_STATUSES = ['queued', 'processing', 'done', 'failed'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export interface DocumentMeta {
  /** `sha256:<hex>`. */
  id: string;
  status: DocumentStatus;
  /** The upload's file name, as given (for people; never used as a path). */
  file_name?: string;
  media_type: string;
  bytes: number;
  created_at: string;
  updated_at: string;
  callback_url?: string;
  /** The client's own JSON, returned with the status and in webhooks. */
  metadata?: unknown;
  /** Known at upload for PDFs, after ingest for images. */
  pages_total?: number;
  error?: ErrorInfo;
  /** Review correction requests so far; each has its deliver job (correctionJobId). */
  corrections?: number;
}

/** Keys of one document: the store's layout plus the hand-over files between stages. */
export function docKeys(hex: string) {
  const k = documentKeys(hex);
  const work = `documents/${hex}/work/`;
  return {
    ...k,
    workPrefix: work,
    /** The ingest stage's output, rasters replaced by keys. */
    pages: `${work}pages.json`,
    /** A raster page's 8-bit gray pixels, row-major (width × height bytes, sizes in pages.json). */
    raster: (n: number) => `${work}raster-${n}.gray`,
    /** A page as OCR left it (types.ts Page). */
    ocr: (n: number) => `${work}ocr-${n}.json`,
    /** The review corrections, a log applied on every read of the result (src/assemble/corrections.ts). */
    corrections: `documents/${hex}/corrections.json`,
  };
}

/** The result as served: the extraction's own, with the review corrections applied. */
export async function readResult(store: Store, hex: string): Promise<Invoice | undefined> {
  const keys = docKeys(hex);
  const result = await getJson<Invoice>(store, keys.result);
  if (!result) return undefined;
  const log = await getJson<CorrectionLog>(store, keys.corrections);
  return log ? applyCorrections(result, log.corrections) : result;
}

export interface CorrectionLog {
  corrections: Correction[];
}

/** Appends to the document's correction log (callers hold the document's corrections lock: queue/corrections.ts). */
export async function appendCorrections(
  store: Store,
  hex: string,
  entries: readonly Correction[],
): Promise<void> {
  const key = docKeys(hex).corrections;
  const log = (await getJson<CorrectionLog>(store, key)) ?? { corrections: [] };
  await putJson(store, key, { corrections: [...log.corrections, ...entries] });
}

/** What ingest stores: every page, rasters by reference. */
export type StoredPage =
  | { kind: 'text'; number: number; width: number; height: number; unit: 'pt'; words: Word[] }
  | {
      kind: 'raster';
      number: number;
      width: number;
      height: number;
      unit: 'pt' | 'px';
      raster: { key: string; width: number; height: number; dpi: number };
    };

export interface StoredPages {
  id: string;
  mediaType: string;
  pages: StoredPage[];
  timings_ms: { ingest: number };
  /** The PDF's e-invoice XML, parsed at ingest (IngestedDocument.embedded). */
  embedded?: EmbeddedInvoice;
}

export function storedPage(hex: string, p: IngestedPage): StoredPage {
  if (p.kind === 'text') return p;
  const { raster, ...rest } = p;
  return {
    ...rest,
    raster: {
      key: docKeys(hex).raster(p.number),
      width: raster.width,
      height: raster.height,
      dpi: raster.dpi,
    },
  };
}

export function readMeta(store: Store, hex: string): Promise<DocumentMeta | undefined> {
  return getJson<DocumentMeta>(store, docKeys(hex).meta);
}

/**
 * Read-modify-write of meta.json. A document deleted meanwhile stays deleted (returns undefined).
 * Stages write in sequence, so there is one writer at a time.
 */
export async function updateMeta(
  store: Store,
  hex: string,
  change: (m: DocumentMeta) => DocumentMeta,
): Promise<DocumentMeta | undefined> {
  const meta = await readMeta(store, hex);
  if (!meta) return undefined;
  const next: DocumentMeta = { ...change(meta), updated_at: new Date().toISOString() };
  await putJson(store, docKeys(hex).meta, next);
  return next;
}
