/**
 * Review corrections from several API processes at once (real Redis): each replica has its own Redis connection
 * and nothing in memory in common, as on separate machines, so only the shared lock keeps the correction log's
 * read-modify-write from losing entries. Also the lock itself: exclusive, released only by its holder, expiring
 * when a holder dies, INVEX_E_BUSY past the wait.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore, putJson, type Store } from '../../../src/deliver/store.js';
import { correctDocument } from '../../../src/queue/corrections.js';
import { docKeys, readMeta, readResult } from '../../../src/queue/document-meta.js';
import { withLock } from '../../../src/queue/lock.js';
import { QueueRuntime } from '../../../src/queue/runtime.js';
import { resultWith } from '../../fixtures/results.js';
import { documentMeta, dropPrefix, tempDir, testSettings } from './helpers.js';

const settings = testSettings();
const data = tempDir('corrections-lock');
const HEX = 'ef'.repeat(32);
const REPLICAS = 3;
let replicas: QueueRuntime[] = [];
let store: Store;

beforeAll(async () => {
  replicas = Array.from({ length: REPLICAS }, () => QueueRuntime.open(settings));
  await Promise.all(replicas.map((r) => r.waitUntilConnected()));
  store = createLocalStore(data.dir);
});

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.close()));
  await dropPrefix(settings);
  data.remove();
});

describe('corrections across API replicas', () => {
  it('keeps every correction when replicas correct the same document at once', async () => {
    await putJson(store, docKeys(HEX).meta, documentMeta(HEX, { status: 'done' }));
    await putJson(store, docKeys(HEX).result, resultWith({}, {}, HEX));

    // 12 requests, each with a value of its own, spread over the replicas.
    const requests = Array.from({ length: 12 }, (_, i) => ({
      fields: { [i % 2 ? 'purchase_order' : 'payment_terms']: `request ${i}` },
    }));
    await Promise.all(
      requests.map((body, i) => correctDocument(replicas[i % REPLICAS] as QueueRuntime, store, HEX, body)),
    );

    const log = readFileSync(join(data.dir, docKeys(HEX).corrections), 'utf8');
    const entries = JSON.parse(log).corrections as { field: string; value: string }[];
    expect(entries.map((e) => e.value).sort()).toEqual(
      requests.map((r) => Object.values(r.fields)[0]).sort(),
    );
    expect((await readMeta(store, HEX))?.corrections).toBe(requests.length);
    // One document.corrected delivery per request, numbered 1..n without a clash.
    const jobs = await (replicas[0] as QueueRuntime).queues.deliver.getJobs([
      'waiting',
      'delayed',
      'prioritized',
    ]);
    const ids = jobs.map((j) => j.id).filter((id) => id?.includes(HEX));
    expect(new Set(ids).size).toBe(requests.length);
    // The last request for each field is what the result shows.
    const served = await readResult(store, HEX);
    expect(served?.fields.payment_terms?.source).toBe('reviewed');
    expect(served?.fields.purchase_order?.source).toBe('reviewed');
  });
});

describe('withLock', () => {
  const key = () => `${settings.prefix}:lock:test:${Math.random().toString(36).slice(2)}`;

  it('lets one holder at a time through, over separate connections', async () => {
    const k = key();
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        withLock((replicas[i % REPLICAS] as QueueRuntime).redis, k, async () => {
          most = Math.max(most, ++inside);
          await sleep(5);
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(await (replicas[0] as QueueRuntime).redis.exists(k)).toBe(0);
  });

  it('answers INVEX_E_BUSY past the wait, and releases on a throwing holder', async () => {
    const k = key();
    const [a, b] = replicas as [QueueRuntime, QueueRuntime];
    const holder = withLock(a.redis, k, () => sleep(300));
    await sleep(20);
    await expect(withLock(b.redis, k, async () => 1, { waitMs: 50 })).rejects.toMatchObject({
      code: 'INVEX_E_BUSY',
    });
    await holder;
    await expect(withLock(b.redis, k, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await a.redis.exists(k)).toBe(0);
  });

  it('expires a dead holder’s lock, and a late holder does not release its successor’s', async () => {
    const k = key();
    const [a, b] = replicas as [QueueRuntime, QueueRuntime];
    await a.redis.set(k, 'a crashed process', 'PX', 100); // held by nobody alive
    let successorInside = false;
    const late = withLock(a.redis, k, () => sleep(150), { ttlMs: 100, waitMs: 1000 }); // outlives its ttl
    await sleep(260); // the crashed hold expired (100), `late` took it and its own ttl ran out too
    const successor = withLock(b.redis, k, async () => {
      successorInside = true;
      await sleep(100);
      return b.redis.exists(k); // `late` finished meanwhile: its release must not have removed this hold
    });
    expect(await successor).toBe(1);
    await late;
    expect(successorInside).toBe(true);
  });
});
