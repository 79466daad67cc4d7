/**
 * Admission and submission, shared by the HTTP API and `invex batch --queue`: check the bytes (type, size,
 * PDF page count), store the original and meta.json, index the document and add its flow.
 */

import { putJson, type Store } from '../deliver/store.js';
import { documentId } from '../document/ingest.js';
import { openPdf } from '../document/pdf.js';
import { sniffMediaType } from '../document/sniff.js';
import { InvexError } from '../errors.js';
import { type DocumentMeta, docKeys, readMeta } from './document-meta.js';
import { addDocumentFlow, removeDocumentJobs } from './flows.js';
import { documentHex } from './names.js';
import type { QueueRuntime } from './runtime.js';

export interface Admission {
  mediaType: string;
  /** PDFs only: known without rendering anything. */
  pages?: number;
}

export interface AdmitLimits {
  maxFileBytes: number;
  maxPages: number;
}

/**
 * Refuses what can never succeed before it is queued: too large (413), not a supported type (415), a PDF
 * with too many pages (413). A PDF that pdfjs cannot open is admitted: ingest reports the exact code.
 * Image page counts (multi-page TIFF) are checked at ingest and reported in the document's status.
 */
export async function admitDocument(bytes: Uint8Array, limits: AdmitLimits): Promise<Admission> {
  if (bytes.length > limits.maxFileBytes) {
    throw new InvexError(
      'INVEX_E_FILE_TOO_LARGE',
      `the file is ${bytes.length} bytes; the limit is ${limits.maxFileBytes}`,
    );
  }
  const mediaType = await sniffMediaType(bytes);
  if (mediaType !== 'application/pdf') return { mediaType };
  let doc: Awaited<ReturnType<typeof openPdf>>;
  try {
    doc = await openPdf(bytes, { maxPages: limits.maxPages });
  } catch (err) {
    if (err instanceof InvexError && err.code === 'INVEX_E_TOO_MANY_PAGES') throw err;
    return { mediaType };
  }
  try {
    return { mediaType, pages: doc.numPages };
  } finally {
    await doc.close();
  }
}

export interface Submission {
  bytes: Uint8Array;
  admission: Admission;
  fileName?: string;
  callbackUrl?: string;
  metadata?: unknown;
}

export interface Submitted {
  meta: DocumentMeta;
  /** False when the document was already known (same bytes): nothing new was queued. */
  created: boolean;
}

/** A failure whose cause may pass (e.g. an internal fault after every retry): uploading again re-runs it. */
function canRerun(meta: DocumentMeta): boolean {
  return (
    meta.status === 'failed' &&
    (meta.error?.code === 'INVEX_E_INTERNAL' || meta.error?.code === 'INVEX_E_OCR_FAILED')
  );
}

export async function submitDocument(rt: QueueRuntime, store: Store, sub: Submission): Promise<Submitted> {
  const id = documentId(sub.bytes);
  const hex = documentHex(id);
  const keys = docKeys(hex);
  const existing = await readMeta(store, hex);
  if (existing && !canRerun(existing)) return { meta: existing, created: false };

  // Jobs left from an earlier life of this document (retained after DELETE or a failure) would swallow
  // the new flow as a duplicate.
  if (!(await removeDocumentJobs(rt, hex, existing?.pages_total ?? 0, existing?.corrections ?? 0))) {
    throw new InvexError(
      'INVEX_E_UNAVAILABLE',
      `document ${id} is still being processed or removed; retry shortly`,
    );
  }
  if (existing) await store.delete(keys.workPrefix);

  const now = new Date().toISOString();
  const meta: DocumentMeta = {
    id,
    status: 'queued',
    ...(sub.fileName !== undefined ? { file_name: sub.fileName } : {}),
    media_type: sub.admission.mediaType,
    bytes: sub.bytes.length,
    created_at: existing?.created_at ?? now,
    updated_at: now,
    ...(sub.callbackUrl !== undefined ? { callback_url: sub.callbackUrl } : {}),
    ...(sub.metadata !== undefined ? { metadata: sub.metadata } : {}),
    ...(sub.admission.pages !== undefined ? { pages_total: sub.admission.pages } : {}),
  };
  // The original first: a meta.json always has its bytes next to it.
  if (!existing) await store.put(keys.original, sub.bytes);
  await putJson(store, keys.meta, meta);
  await rt.redis.zadd(rt.indexKey, 'NX', Date.parse(meta.created_at), hex);
  await addDocumentFlow(rt, hex);
  return { meta, created: true };
}

/** Deletes a document's jobs, stored data and index entry. Returns false when there was no such document. */
export async function deleteDocument(rt: QueueRuntime, store: Store, hex: string): Promise<boolean> {
  const meta = await readMeta(store, hex);
  // Jobs still running find their document gone and stop quietly; a later upload re-creates the jobs.
  await removeDocumentJobs(rt, hex, meta?.pages_total ?? 0, meta?.corrections ?? 0);
  const removed = await store.delete(docKeys(hex).prefix);
  const unindexed = await rt.redis.zrem(rt.indexKey, hex);
  return meta !== undefined || removed > 0 || unindexed > 0;
}
