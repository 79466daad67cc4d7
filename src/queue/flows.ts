/**
 * The flows of one document. At upload: deliver ← ingest. Ingest then attaches assemble ← ocr(page)… to the
 * same deliver parent, so pages OCR in parallel on any worker, assemble runs when the last page is done, and
 * deliver runs once assemble is done or has failed (ignoreDependencyOnFailure), to report either outcome.
 * Re-adding a flow with the same ids is a no-op in BullMQ, so a retried ingest cannot duplicate pages.
 */
import {
  correctionJobId,
  type DocumentJobData,
  documentJobId,
  type PageJobData,
  pageJobId,
  QUEUE_NAMES,
} from './names.js';
import type { QueueRuntime } from './runtime.js';
import { deliverJobOptions, stageJobOptions } from './settings.js';

export async function addDocumentFlow(rt: QueueRuntime, hex: string): Promise<void> {
  const data: DocumentJobData = { doc: hex };
  await rt.flow.add({
    name: 'deliver',
    queueName: QUEUE_NAMES.deliver,
    data,
    opts: { ...deliverJobOptions(rt.settings), jobId: documentJobId(hex) },
    children: [
      {
        name: 'ingest',
        queueName: QUEUE_NAMES.ingest,
        data,
        opts: { ...stageJobOptions(rt.settings), jobId: documentJobId(hex), ignoreDependencyOnFailure: true },
      },
    ],
  });
}

/** Called by ingest: assemble (child of the document's deliver job) with one OCR child per raster page. */
export async function addPagesFlow(
  rt: QueueRuntime,
  hex: string,
  ocrPages: readonly number[],
): Promise<void> {
  const opts = stageJobOptions(rt.settings);
  await rt.flow.add({
    name: 'assemble',
    queueName: QUEUE_NAMES.assemble,
    data: { doc: hex } satisfies DocumentJobData,
    opts: {
      ...opts,
      jobId: documentJobId(hex),
      parent: { id: documentJobId(hex), queue: rt.qualified('deliver') },
      ignoreDependencyOnFailure: true,
    },
    children: ocrPages.map((page) => ({
      name: 'ocr',
      queueName: QUEUE_NAMES.ocr,
      data: { doc: hex, page } satisfies PageJobData,
      // A page that fails for good fails its document's assemble job, which then reports to deliver.
      opts: { ...opts, jobId: pageJobId(hex, page), failParentOnFailure: true },
    })),
  });
}

/**
 * Removes every job of a document (deliver and its whole tree, and any orphan left by retention).
 * Returns false when one of them is active (locked by a worker): try again once it is done.
 */
export async function removeDocumentJobs(
  rt: QueueRuntime,
  hex: string,
  pages = 0,
  corrections = 0,
): Promise<boolean> {
  const id = documentJobId(hex);
  const corrected = Array.from({ length: corrections }, (_, i) => correctionJobId(hex, i + 1));
  // One round trip answers the usual case at upload, a document never seen: no job to remove.
  const keys = [
    ...(['deliver', 'assemble', 'ingest'] as const).map((s) => rt.queues[s].toKey(id)),
    ...Array.from({ length: pages }, (_, i) => rt.queues.ocr.toKey(pageJobId(hex, i + 1))),
    ...corrected.map((c) => rt.queues.deliver.toKey(c)),
  ];
  if ((await rt.redis.exists(...keys)) === 0) return true;
  let ok = true;
  const removeOne = async (stage: 'deliver' | 'assemble' | 'ingest' | 'ocr', jobId: string) => {
    const q = rt.queues[stage];
    if (!(await q.getJob(jobId))) return;
    if ((await q.remove(jobId, { removeChildren: true })) !== 1) ok = false;
  };
  await removeOne('deliver', id);
  await removeOne('assemble', id);
  await removeOne('ingest', id);
  for (let n = 1; n <= pages; n++) await removeOne('ocr', pageJobId(hex, n));
  for (const c of corrected) await removeOne('deliver', c);
  return ok;
}
