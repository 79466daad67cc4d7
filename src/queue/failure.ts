/**
 * Errors across the queue: a job's failedReason is `CODE: message`, so the code survives Redis, the sandbox
 * boundary and the API. Bad input becomes UnrecoverableError (no retries); transient faults retry.
 */
import { UnrecoverableError } from 'bullmq';
import { ERROR_CODES, type ErrorCode, type ErrorInfo, type InvexError, toInvexError } from '../errors.js';

export function failedReason(e: InvexError): string {
  return `${e.code}: ${e.message}`;
}

/** The error a processor throws for BullMQ: unrecoverable when a retry cannot help. */
export function jobError(err: unknown): Error {
  const e = toInvexError(err);
  return e.retryable ? new Error(failedReason(e)) : new UnrecoverableError(failedReason(e));
}

/** Whether this failure ends the job: not retryable, or the last try. */
export function isFinalFailure(
  err: unknown,
  job: { attemptsMade: number; opts: { attempts?: number | undefined } },
): boolean {
  return !toInvexError(err).retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

const REASON = /^(INVEX_E_[A-Z_]+): ([\s\S]*)$/;

/** A stored failedReason back to a coded error; reasons from BullMQ itself (stalls) are INVEX_E_INTERNAL. */
export function parseFailedReason(reason: string | undefined): ErrorInfo {
  const m = REASON.exec(reason ?? '');
  if (m && (m[1] as string) in ERROR_CODES) return { code: m[1] as ErrorCode, message: m[2] as string };
  return { code: 'INVEX_E_INTERNAL', message: reason || 'the job failed without a reason' };
}
