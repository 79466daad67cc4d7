/**
 * The OCR stage as a sandboxed job (CPU-bound: it runs in a child process so the worker's event loop keeps
 * renewing locks): one stored raster page → its words, stored for assemble. Loaded by ocr-sandbox.js.
 */
import type { SandboxedJob } from 'bullmq';
import { config } from '../src/config.js';
import { getJson, putJson } from '../src/deliver/store.js';
import { InvexError } from '../src/errors.js';
import { ocrDocument } from '../src/ocr/ocr.js';
import { docKeys, type StoredPages } from '../src/queue/document-meta.js';
import type { PageJobData } from '../src/queue/names.js';
import type { Page } from '../src/types.js';
import { failJob, processStore } from './common.js';

/** What assemble reads back for an OCR page. */
export interface StoredOcrPage {
  page: Page;
  ms: number;
}

export interface OcrResult {
  deleted?: true;
  page?: number;
  words?: number;
  ms?: number;
}

export default async function ocrJob(job: SandboxedJob<PageJobData, OcrResult>): Promise<OcrResult> {
  const store = processStore();
  const { doc: hex, page } = job.data;
  const keys = docKeys(hex);
  try {
    const stored = await getJson<StoredPages>(store, keys.pages);
    if (!stored) return { deleted: true };
    const p = stored.pages.find((x) => x.number === page);
    if (p?.kind !== 'raster')
      throw new InvexError('INVEX_E_INTERNAL', `page ${page} of ${hex} has no raster`);
    const data = await store.get(p.raster.key);
    if (!data) return { deleted: true };
    const { key: _key, ...size } = p.raster;
    const t0 = performance.now();
    // One page per job, one tesseract worker per child: the queue's concurrency is the parallelism.
    const words = await ocrDocument(
      {
        id: stored.id,
        mediaType: stored.mediaType,
        pages: [{ ...p, raster: { ...size, data: Buffer.from(data) } }],
      },
      { lang: config().ocrLang, workers: 1 },
    );
    const ms = Math.round(performance.now() - t0);
    const out = words.pages[0] as Page;
    await putJson(store, keys.ocr(page), { page: out, ms } satisfies StoredOcrPage, { compact: true });
    return { page, words: out.words.length, ms };
  } catch (err) {
    throw await failJob(store, hex, job, err);
  }
}
