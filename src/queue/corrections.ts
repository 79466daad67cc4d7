/**
 * Review corrections through the service: checked against the document's current result, appended to its
 * correction log, and posted to its webhook as `document.corrected` (a deliver job of its own, retried like
 * any delivery). Requests for one document are taken one at a time across every API process (a lock in the
 * shared Redis), so none is lost when replicas correct the same document at once.
 */
import { logEntries, parseCorrections } from '../assemble/corrections.js';
import type { Store } from '../deliver/store.js';
import { InvexError } from '../errors.js';
import { appendCorrections, readMeta, readResult, updateMeta } from './document-meta.js';
import { withLock } from './lock.js';
import { correctionJobId, documentIdOf } from './names.js';
import type { QueueRuntime } from './runtime.js';
import { deliverJobOptions } from './settings.js';

/** Applies a correction request (`{"fields": {...}}`) to a done document. */
export function correctDocument(rt: QueueRuntime, store: Store, hex: string, body: unknown): Promise<void> {
  const request = parseCorrections(body);
  return withLock(rt.redis, `${rt.settings.prefix}:lock:corrections:${hex}`, async () => {
    const meta = await readMeta(store, hex);
    if (!meta) throw new InvexError('INVEX_E_NOT_FOUND', `no document ${documentIdOf(hex)}`);
    const current = meta.status === 'done' ? await readResult(store, hex) : undefined;
    if (!current)
      throw new InvexError('INVEX_E_NOT_READY', `document ${meta.id} is ${meta.status}, not done`);
    await appendCorrections(store, hex, logEntries(current, request, new Date().toISOString()));
    const n = (meta.corrections ?? 0) + 1;
    await updateMeta(store, hex, (m) => ({ ...m, corrections: n }));
    await rt.queues.deliver.add(
      'deliver',
      { doc: hex, event: 'document.corrected' },
      { ...deliverJobOptions(rt.settings), jobId: correctionJobId(hex, n) },
    );
  });
}
