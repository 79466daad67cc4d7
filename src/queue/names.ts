/**
 * Queue topology names: one queue per stage, and job ids derived from the document's SHA-256 so the same
 * file twice is one job. BullMQ refuses `:` in custom ids, so ids use the bare hex.
 */
import { InvexError } from '../errors.js';

export const STAGES = ['ingest', 'ocr', 'assemble', 'deliver'] as const;
export type Stage = (typeof STAGES)[number];

/** Queue name of each stage (assemble runs NER then assembly: one job, one model load per child). */
export const QUEUE_NAMES: Readonly<Record<Stage, string>> = {
  ingest: 'ingest',
  ocr: 'ocr',
  assemble: 'assemble',
  deliver: 'deliver',
};

/** `sha256:<hex>` or `<hex>` → `<hex>`; anything else is a usage error (it never reaches Redis or the store). */
export function documentHex(id: string): string {
  const hex = id.startsWith('sha256:') ? id.slice(7) : id;
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new InvexError('INVEX_E_NOT_FOUND', `no document ${JSON.stringify(id)}: ids are sha256:<64 hex>`);
  }
  return hex;
}

export const documentIdOf = (hex: string): string => `sha256:${hex}`;

/** The ingest, assemble and deliver jobs of a document all use its hex as jobId (one per queue). */
export const documentJobId = (hex: string): string => hex;

/** One OCR job per raster page. */
export const pageJobId = (hex: string, page: number): string => `${hex}-p${page}`;
/** The deliver job that posts a document's n-th review correction (`document.corrected`). */
export const correctionJobId = (hex: string, n: number): string => `${hex}-c${n}`;

/** Job data: ids only, never bytes (the store holds them). */
export interface DocumentJobData {
  doc: string;
}

export interface PageJobData {
  doc: string;
  page: number;
}
