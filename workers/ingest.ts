/**
 * The ingest stage as a queue job (in the worker process: it is I/O and short renders): the stored original
 * → pages (text-layer words, or rasters stored for OCR) → the document's assemble ← ocr(page) flow.
 */
import type { Processor } from 'bullmq';
import { putJson, type Store } from '../src/deliver/store.js';
import { defaultIngestOptions, ingestBytes } from '../src/document/ingest.js';
import { docKeys, readMeta, type StoredPages, storedPage, updateMeta } from '../src/queue/document-meta.js';
import { addPagesFlow } from '../src/queue/flows.js';
import type { DocumentJobData } from '../src/queue/names.js';
import type { QueueRuntime } from '../src/queue/runtime.js';
import { failJob } from './common.js';

export interface IngestResult {
  deleted?: true;
  pages?: number;
  ocr_pages?: number;
  ms?: number;
}

export function ingestProcessor(rt: QueueRuntime, store: Store): Processor<DocumentJobData, IngestResult> {
  return async (job) => {
    const hex = job.data.doc;
    const keys = docKeys(hex);
    try {
      const meta = await updateMeta(store, hex, (m) => ({ ...m, status: 'processing' }));
      const bytes = meta && (await store.get(keys.original));
      if (!meta || !bytes) return { deleted: true };
      const t0 = performance.now();
      const doc = await ingestBytes(bytes, defaultIngestOptions());
      const ms = Math.round(performance.now() - t0);
      for (const p of doc.pages)
        if (p.kind === 'raster') await store.put(keys.raster(p.number), p.raster.data);
      const stored: StoredPages = {
        id: doc.id,
        mediaType: doc.mediaType,
        pages: doc.pages.map((p) => storedPage(hex, p)),
        timings_ms: { ingest: ms },
        ...(doc.embedded ? { embedded: doc.embedded } : {}),
      };
      await putJson(store, keys.pages, stored, { compact: true });
      const ocrPages = doc.pages.filter((p) => p.kind === 'raster').map((p) => p.number);
      // Upload admission counted a PDF's pages already: meta.json is rewritten only when ingest learnt
      // something (an image's page count); otherwise a read tells whether the document was deleted meanwhile.
      const learnt = meta.pages_total !== doc.pages.length || meta.media_type !== doc.mediaType;
      const current = learnt
        ? await updateMeta(store, hex, (m) => ({
            ...m,
            media_type: doc.mediaType,
            pages_total: doc.pages.length,
          }))
        : await readMeta(store, hex);
      if (!current) {
        await store.delete(keys.prefix); // deleted while we worked: leave nothing behind
        return { deleted: true };
      }
      await addPagesFlow(rt, hex, ocrPages);
      return { pages: doc.pages.length, ocr_pages: ocrPages.length, ms };
    } catch (err) {
      throw await failJob(store, hex, job, err);
    }
  };
}
