/**
 * The ingest stage as a sandboxed job (CPU-bound: parsing and rendering PDFs runs in a child process so the
 * worker's event loop keeps renewing locks): the stored original → pages. A document whose every page has a
 * text layer needs no OCR, so the same job runs NER and assembly on its words and writes the result: no
 * hand-over file, no assemble job. Otherwise the pages are stored (rasters by key) and the document's
 * assemble ← ocr(page) flow is added. Loaded by ingest-sandbox.js.
 */
import type { SandboxedJob } from 'bullmq';
import { putJson } from '../src/deliver/store.js';
import { defaultIngestOptions, ingestBytes } from '../src/document/ingest.js';
import { documentWords, textPage } from '../src/ocr/ocr.js';
import { docKeys, readMeta, type StoredPages, storedPage, updateMeta } from '../src/queue/document-meta.js';
import { addPagesFlow } from '../src/queue/flows.js';
import type { DocumentJobData } from '../src/queue/names.js';
import { QueueRuntime } from '../src/queue/runtime.js';
import { type AssembleResult, assembleDocument } from './assemble-processor.js';
import { failJob, processStore } from './common.js';

export interface IngestResult {
  deleted?: true;
  pages?: number;
  ocr_pages?: number;
  ms?: number;
  /** Set when this job also ran NER and assembly (every page had a text layer). */
  assembled?: AssembleResult;
}

let runtime: QueueRuntime | undefined;

/** The child's producer connection, opened by the first document that needs OCR. */
function processRuntime(): QueueRuntime {
  runtime ??= QueueRuntime.open();
  return runtime;
}

export default async function ingestJob(
  job: SandboxedJob<DocumentJobData, IngestResult>,
): Promise<IngestResult> {
  const store = processStore();
  const hex = job.data.doc;
  const keys = docKeys(hex);
  try {
    const meta = await readMeta(store, hex);
    // A retry of a job that ended its document already (its worker died before BullMQ heard of it).
    if (meta?.status === 'done') return {};
    const bytes = meta && (await store.get(keys.original));
    if (!meta || !bytes) return { deleted: true };
    const t0 = performance.now();
    const doc = await ingestBytes(bytes, defaultIngestOptions());
    const ms = Math.round(performance.now() - t0);
    // Upload admission counted a PDF's pages already; an image's count (or a count that differs) is learnt here.
    const learnt =
      meta.pages_total !== doc.pages.length || meta.media_type !== doc.mediaType
        ? { media_type: doc.mediaType, pages_total: doc.pages.length }
        : {};
    const ocrPages = doc.pages.filter((p) => p.kind === 'raster').map((p) => p.number);
    if (ocrPages.length === 0) {
      // Done within this job: meta.json goes from queued to done in one write, without a `processing` write
      // that nobody would see for the few milliseconds it lasted (a file write costs ~1 ms of kernel CPU on
      // some virtual machines; see docs/deployment.md#speed).
      const words = documentWords(
        doc,
        doc.pages.flatMap((p) => (p.kind === 'text' ? [textPage(p)] : [])),
      );
      const assembled = await assembleDocument(store, hex, words, { ingest: ms, ocr: 0 }, learnt);
      return {
        pages: doc.pages.length,
        ocr_pages: 0,
        ms,
        ...(assembled.deleted ? { deleted: true } : { assembled }),
      };
    }
    if (!(await updateMeta(store, hex, (m) => ({ ...m, ...learnt, status: 'processing' }))))
      return { deleted: true };
    for (const p of doc.pages) if (p.kind === 'raster') await store.put(keys.raster(p.number), p.raster.data);
    const stored: StoredPages = {
      id: doc.id,
      mediaType: doc.mediaType,
      pages: doc.pages.map((p) => storedPage(hex, p)),
      timings_ms: { ingest: ms },
      ...(doc.embedded ? { embedded: doc.embedded } : {}),
    };
    await putJson(store, keys.pages, stored, { compact: true });
    if (!(await readMeta(store, hex))) {
      await store.delete(keys.prefix); // deleted while we worked: leave nothing behind
      return { deleted: true };
    }
    await addPagesFlow(processRuntime(), hex, ocrPages);
    return { pages: doc.pages.length, ocr_pages: ocrPages.length, ms };
  } catch (err) {
    throw await failJob(store, hex, job, err);
  }
}
