/** A document's status for the API: meta.json (the status) plus queue progress (OCR pages done). */
import type { Invoice } from '../assemble/schema.js';
import type { Store } from '../deliver/store.js';
import type { ErrorInfo } from '../errors.js';
import { type DocumentMeta, type DocumentStatus, readMeta, readResult } from './document-meta.js';
import { documentJobId } from './names.js';
import type { QueueRuntime } from './runtime.js';

export interface DocumentView {
  id: string;
  status: DocumentStatus;
  file_name?: string;
  media_type: string;
  bytes: number;
  created_at: string;
  updated_at: string;
  progress: { pages_done: number; pages_total: number };
  metadata?: unknown;
  error?: ErrorInfo;
  result?: Invoice;
}

/**
 * Pages whose words exist. Ingest adds the assemble job, with one child per page that needs OCR, once every
 * page is read: before that none is done, after it all but the OCR children still pending.
 */
async function pagesDone(rt: QueueRuntime, hex: string, meta: DocumentMeta): Promise<number> {
  const total = meta.pages_total ?? 0;
  if (meta.status === 'done') return total;
  const job = await rt.queues.assemble.getJob(documentJobId(hex));
  if (!job) return 0;
  const pending = (await job.getDependenciesCount({ unprocessed: true })).unprocessed ?? 0;
  return Math.max(0, total - pending);
}

export function viewOf(meta: DocumentMeta, pages_done: number): DocumentView {
  return {
    id: meta.id,
    status: meta.status,
    ...(meta.file_name !== undefined ? { file_name: meta.file_name } : {}),
    media_type: meta.media_type,
    bytes: meta.bytes,
    created_at: meta.created_at,
    updated_at: meta.updated_at,
    progress: { pages_done, pages_total: meta.pages_total ?? 0 },
    ...(meta.metadata !== undefined ? { metadata: meta.metadata } : {}),
    ...(meta.error !== undefined ? { error: meta.error } : {}),
  };
}

export async function documentStatus(
  rt: QueueRuntime,
  store: Store,
  hex: string,
): Promise<DocumentView | undefined> {
  const meta = await readMeta(store, hex);
  if (!meta) return undefined;
  const view = viewOf(meta, await pagesDone(rt, hex, meta));
  if (meta.status === 'done') {
    const result = await readResult(store, hex);
    if (result) view.result = result;
  }
  return view;
}

export interface ListQuery {
  status?: DocumentStatus;
  /** Only documents uploaded at or after this time (ms since epoch). */
  since?: number;
  cursor?: string;
  limit: number;
}

export interface ListPage {
  documents: DocumentView[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  next_cursor?: string;
}

/** Cursor: the last entry's `<score>.<hex>`, so equal upload times page correctly (members sort by hex). */
function decodeCursor(cursor: string | undefined): { score: number; hex: string } | undefined {
  if (!cursor) return undefined;
  const m = /^(\d+)\.([0-9a-f]{64})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? { score: Number(m[1]), hex: m[2] as string } : undefined;
}

const encodeCursor = (score: number, hex: string) => Buffer.from(`${score}.${hex}`).toString('base64url');

/** Oldest first. A status filter scans at most SCAN_FACTOR × limit entries per page, then returns a cursor. */
const SCAN_FACTOR = 20;

export async function listDocuments(rt: QueueRuntime, store: Store, q: ListQuery): Promise<ListPage> {
  const after = decodeCursor(q.cursor);
  const min = Math.max(after?.score ?? 0, q.since ?? 0);
  const documents: DocumentView[] = [];
  let scanned = 0;
  let offset = 0;
  let last: { score: number; hex: string } | undefined;
  const batch = Math.max(q.limit, 50);
  for (;;) {
    const raw = await rt.redis.zrangebyscore(rt.indexKey, min, '+inf', 'WITHSCORES', 'LIMIT', offset, batch);
    if (raw.length === 0) return { documents };
    offset += raw.length / 2;
    for (let i = 0; i < raw.length; i += 2) {
      const hex = raw[i] as string;
      const score = Number(raw[i + 1]);
      if (after && score === after.score && hex <= after.hex) continue;
      scanned++;
      last = { score, hex };
      const meta = await readMeta(store, hex);
      if (meta && (!q.status || meta.status === q.status)) {
        documents.push(viewOf(meta, meta.status === 'done' ? (meta.pages_total ?? 0) : 0));
      }
      if (documents.length >= q.limit || scanned >= q.limit * SCAN_FACTOR) {
        return { documents, next_cursor: encodeCursor(last.score, last.hex) };
      }
    }
  }
}
