/**
 * The deliver stage as a queue job (in the worker process: network I/O). Runs once the document's assemble
 * job is done or has failed for good; settles the status, then POSTs the signed webhook. A failed delivery
 * retries on the webhook schedule (nextRetryDelay, up to 24 h) as a delayed job; every attempt is logged.
 */
import { createHash } from 'node:crypto';
import { type Job, type Processor, UnrecoverableError } from 'bullmq';
import type { Store } from '../src/deliver/store.js';
import { attemptDelivery, redactUrl } from '../src/deliver/webhook.js';
import type { ErrorInfo } from '../src/errors.js';
import { type DocumentMeta, readMeta, readResult, updateMeta } from '../src/queue/document-meta.js';
import { parseFailedReason } from '../src/queue/failure.js';
import type { DocumentJobData } from '../src/queue/names.js';
import type { QueueRuntime } from '../src/queue/runtime.js';

export interface WebhookSettings {
  /** INVEX_WEBHOOK_URL: for documents uploaded without a callback_url. */
  defaultUrl?: string | undefined;
  secret?: string | undefined;
  allow: readonly string[];
  timeoutMs?: number;
}

interface DeliverJobData extends DocumentJobData {
  /** Set on the jobs that post a review correction; the document's first delivery reports done or failed. */
  event?: 'document.corrected';
  /** Fixed at the first attempt: the 24 h window and the receiver's dedup id. */
  firstAttemptAt?: number;
  deliveryId?: string;
}

export interface DeliverResult {
  deleted?: true;
  delivered: boolean;
  status?: number;
  reason?: string;
}

/**
 * The Invex-Delivery id of a document's event: the same for every attempt of one deliver job, also one
 * retried after its worker died mid-POST (derived, never stored first), and new for a new upload's job.
 */
export function deliveryIdOf(job: { id?: string | undefined; timestamp: number }): string {
  const h = createHash('sha256').update(`${job.id}:${job.timestamp}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Thrown for a delivery that should be tried again later: BullMQ's backoff reads the delay from it. */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly retryInMs: number,
  ) {
    super(message);
  }
}

/** BullMQ backoffStrategy for the 'webhook' type: the delay the webhook schedule chose; 5 s for other faults. */
export function webhookBackoff(_attempts: number, _type?: string, err?: Error): number {
  return err instanceof RetryLater || (err && 'retryInMs' in err) ? (err as RetryLater).retryInMs : 5000;
}

/** `child <prefix>:<queue>:<id> failed`: BullMQ's reason for a parent failed by a child. */
const CHILD_FAILED = /^child (.+):([^:]+):([^:]+) failed$/;

/** The coded reason behind a failed child, following `child … failed` down to the job that threw. */
async function rootFailure(rt: QueueRuntime, reason: string): Promise<ErrorInfo> {
  for (let depth = 0; depth < 3; depth++) {
    const m = CHILD_FAILED.exec(reason);
    const queue = m && Object.values(rt.queues).find((q) => q.name === m[2]);
    const job = queue && (await queue.getJob(m?.[3] as string));
    if (!job?.failedReason) break;
    reason = job.failedReason;
  }
  return parseFailedReason(reason);
}

/**
 * The stage that failed usually recorded its error already; a job that died without doing so (stalled too
 * often, or the process was killed on its last try) is recorded here from BullMQ's failure reasons.
 */
async function settle(rt: QueueRuntime, store: Store, job: Job, hex: string, meta: DocumentMeta) {
  if (meta.status === 'done' || meta.status === 'failed') return meta;
  const failures = Object.values((await job.getIgnoredChildrenFailures()) as Record<string, string>);
  const error: ErrorInfo = failures[0]
    ? await rootFailure(rt, failures[0])
    : { code: 'INVEX_E_INTERNAL', message: 'processing ended without a result' };
  return updateMeta(store, hex, (m) => ({ ...m, status: 'failed', error }));
}

export function deliverProcessor(
  rt: QueueRuntime,
  store: Store,
  webhook: WebhookSettings,
): Processor<DeliverJobData, DeliverResult> {
  return async (job) => {
    const hex = job.data.doc;
    const found = await readMeta(store, hex);
    const meta = found && (await settle(rt, store, job, hex, found));
    if (!meta) return { deleted: true, delivered: false };
    const url = meta.callback_url ?? webhook.defaultUrl;
    if (!url) return { delivered: false, reason: 'no callback URL' };
    if (!webhook.secret) return { delivered: false, reason: 'INVEX_WEBHOOK_SECRET is not set' };

    // Kept in the job's data only once a retry is planned: most deliveries succeed at once.
    const firstAttemptAt = job.data.firstAttemptAt ?? Date.now();
    const deliveryId = job.data.deliveryId ?? deliveryIdOf(job);
    const done = meta.status === 'done';
    const payload = done
      ? await readResult(store, hex)
      : { error: meta.error ?? { code: 'INVEX_E_INTERNAL', message: 'unknown failure' } };
    const { result, retryInMs } = await attemptDelivery({
      store,
      url,
      event: job.data.event ?? (done ? 'document.done' : 'document.failed'),
      id: meta.id,
      payload,
      secret: webhook.secret,
      deliveryId,
      allow: webhook.allow,
      ...(webhook.timeoutMs !== undefined ? { timeoutMs: webhook.timeoutMs } : {}),
      attempt: job.attemptsMade + 1,
      firstAttemptAt,
    });
    if (result.ok) return { delivered: true, status: result.status };
    const why = `webhook to ${redactUrl(url)}: ${result.error ?? `HTTP ${result.status}`}`;
    if (retryInMs === undefined) throw new UnrecoverableError(result.code ? `${result.code}: ${why}` : why);
    if (job.data.firstAttemptAt === undefined)
      await job.updateData({ ...job.data, firstAttemptAt, deliveryId });
    throw new RetryLater(why, retryInMs);
  };
}
