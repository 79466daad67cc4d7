/**
 * A short-lived mutual-exclusion lock in the shared Redis, for read-modify-write steps on a document's stored
 * files that API replicas on different machines may attempt at once (review corrections). Single-instance Redis
 * lock as Redis documents it: SET NX PX with a random token, released only by its holder (compare and delete in
 * one script), expiring by itself if the holder dies.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { InvexError } from '../errors.js';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface LockOptions {
  /** How long the lock lives if its holder never releases it (crashed process). */
  ttlMs?: number;
  /** How long to wait for a lock another holder has before answering INVEX_E_BUSY. */
  waitMs?: number;
}

/** A correction is a few store reads and writes: ten seconds is ample, and bounds a crashed holder's hold. */
export const DEFAULT_LOCK_TTL_MS = 10_000;
export const DEFAULT_LOCK_WAIT_MS = 15_000;

/** Runs `fn` while holding `key`; throws INVEX_E_BUSY when the lock cannot be had within waitMs. */
export async function withLock<T>(
  redis: Redis,
  key: string,
  fn: () => Promise<T>,
  opts: LockOptions = {},
): Promise<T> {
  const ttl = opts.ttlMs ?? DEFAULT_LOCK_TTL_MS;
  const deadline = Date.now() + (opts.waitMs ?? DEFAULT_LOCK_WAIT_MS);
  const token = randomBytes(16).toString('hex');
  // Polling with a growing pause: holders keep the lock for milliseconds, so the first retries are quick.
  for (
    let pause = 5;
    (await redis.set(key, token, 'PX', ttl, 'NX')) !== 'OK';
    pause = Math.min(pause * 2, 200)
  ) {
    if (Date.now() + pause > deadline) {
      throw new InvexError('INVEX_E_BUSY', `another request is changing this document (${key}); try again`);
    }
    await sleep(pause);
  }
  try {
    return await fn();
  } finally {
    await redis.eval(RELEASE, 1, key, token);
  }
}
