/**
 * The NER + assemble stages as a sandboxed job (CPU-bound, and one model session per child): every page's
 * words → the validated output contract in result.json, the document marked done. Loaded by
 * assemble-sandbox.js.
 */
import type { SandboxedJob } from 'bullmq';
import { getJson, putJson, type Store } from '../src/deliver/store.js';
import { InvexError } from '../src/errors.js';
import { documentWords, textPage } from '../src/ocr/ocr.js';
import { extractFromWords } from '../src/pipeline.js';
import {
  type DocumentMeta,
  docKeys,
  readMeta,
  type StoredPages,
  updateMeta,
} from '../src/queue/document-meta.js';
import type { DocumentJobData } from '../src/queue/names.js';
import type { DocumentWords, Page } from '../src/types.js';
import { failJob, processStore } from './common.js';
import type { StoredOcrPage } from './ocr-processor.js';

export interface AssembleResult {
  deleted?: true;
  ms?: number;
  fields?: number;
}

/**
 * NER and assembly of a document's words → result.json, the document marked done (with `learnt`, what ingest
 * found out about it, in the same write) and its hand-over files removed. Shared by this stage and by ingest,
 * which ends a document that needs no OCR itself.
 */
export async function assembleDocument(
  store: Store,
  hex: string,
  doc: DocumentWords,
  timings: Record<string, number>,
  learnt: Partial<Pick<DocumentMeta, 'media_type' | 'pages_total'>> = {},
): Promise<AssembleResult> {
  const keys = docKeys(hex);
  const t0 = performance.now();
  const invoice = await extractFromWords(doc, {}, timings);
  const ms = Math.round(performance.now() - t0);
  await putJson(store, keys.result, invoice);
  const done = await updateMeta(store, hex, ({ error: _error, ...m }) => ({
    ...m,
    ...learnt,
    status: 'done',
  }));
  await store.delete(keys.workPrefix);
  if (!done) {
    await store.delete(keys.prefix); // deleted while we worked: leave nothing behind
    return { deleted: true };
  }
  return { ms, fields: Object.keys(invoice.fields).length };
}

export default async function assembleJob(
  job: SandboxedJob<DocumentJobData, AssembleResult>,
): Promise<AssembleResult> {
  const store = processStore();
  const hex = job.data.doc;
  const keys = docKeys(hex);
  try {
    const meta = await readMeta(store, hex);
    if (!meta) return { deleted: true };
    const stored = await getJson<StoredPages>(store, keys.pages);
    if (!stored) {
      // A retry after the result was written (the work files are gone by then).
      if (meta.status === 'done') return {};
      throw new InvexError('INVEX_E_INTERNAL', `${hex}: ingest output missing`);
    }
    let ocrMs = 0;
    const pages: Page[] = [];
    for (const p of stored.pages) {
      if (p.kind === 'text') {
        pages.push(textPage(p));
        continue;
      }
      const ocr = await getJson<StoredOcrPage>(store, keys.ocr(p.number));
      if (!ocr) throw new InvexError('INVEX_E_INTERNAL', `${hex}: OCR output of page ${p.number} missing`);
      ocrMs += ocr.ms;
      pages.push(ocr.page);
    }
    return await assembleDocument(store, hex, documentWords(stored, pages), {
      ...stored.timings_ms,
      ocr: ocrMs,
    });
  } catch (err) {
    throw await failJob(store, hex, job, err);
  }
}
