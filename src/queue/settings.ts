/** Queue settings (from config by default, overridable by tests and the benchmark) and per-stage job options. */
import type { JobsOptions } from 'bullmq';
import { type Config, config } from '../config.js';

export interface QueueSettings {
  redisUrl: string;
  /** Key prefix: several deployments (or test runs) can share one Redis. */
  prefix: string;
  /** Tries per job for transient faults (bad input fails at once). */
  attempts: number;
  /** First retry delay; doubles each try. */
  backoffMs: number;
  keepCompleted: { count: number; age: number };
  keepFailed: { count: number; age: number };
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
}

export function queueSettings(c: Config = config(), overrides: Partial<QueueSettings> = {}): QueueSettings {
  return {
    redisUrl: c.redisUrl,
    prefix: c.queuePrefix,
    attempts: c.queueAttempts,
    backoffMs: c.queueBackoffMs,
    keepCompleted: c.keepCompleted,
    keepFailed: c.keepFailed,
    lockDurationMs: c.lockDurationMs,
    stalledIntervalMs: c.stalledIntervalMs,
    maxStalledCount: c.maxStalledCount,
    ...overrides,
  };
}

/** Webhook deliveries retry on their own schedule (webhook.ts nextRetryDelay) for up to a day. */
export const WEBHOOK_BACKOFF_TYPE = 'webhook';
export const WEBHOOK_MAX_ATTEMPTS = 1000;

/** Options every stage job gets: retries with exponential backoff, and the retention policy. */
export function stageJobOptions(s: QueueSettings): JobsOptions {
  return {
    attempts: s.attempts,
    backoff: { type: 'exponential', delay: s.backoffMs },
    removeOnComplete: s.keepCompleted,
    removeOnFail: s.keepFailed,
  };
}

/** The deliver job: its own backoff (the webhook schedule) with as many tries as that schedule allows. */
export function deliverJobOptions(s: QueueSettings): JobsOptions {
  return {
    ...stageJobOptions(s),
    attempts: WEBHOOK_MAX_ATTEMPTS,
    backoff: { type: WEBHOOK_BACKOFF_TYPE },
  };
}
