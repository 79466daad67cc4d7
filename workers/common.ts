/** What every stage adapter shares: the store, and recording a job's final failure in meta.json. */
import { config } from '../src/config.js';
import { createLocalStore, type Store } from '../src/deliver/store.js';
import { errorInfo } from '../src/errors.js';
import { updateMeta } from '../src/queue/document-meta.js';
import { isFinalFailure, jobError } from '../src/queue/failure.js';

let store: Store | undefined;

/** The process's store (INVEX_DATA_DIR): sandboxed children get theirs from the environment. */
export function processStore(): Store {
  store ??= createLocalStore(config().dataDir);
  return store;
}

export interface JobLike {
  attemptsMade: number;
  opts: { attempts?: number | undefined };
}

/**
 * Turns a stage failure into what BullMQ should see (UnrecoverableError for bad input), and when it is the
 * job's last try records the coded error as the document's status, so clients see it at once.
 */
export async function failJob(s: Store, hex: string, job: JobLike, err: unknown): Promise<Error> {
  if (isFinalFailure(err, job)) {
    const error = errorInfo(err);
    await updateMeta(s, hex, (m) => ({ ...m, status: 'failed', error })).catch(() => {});
  }
  return jobError(err);
}
