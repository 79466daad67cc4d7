/**
 * The deliver stage on real BullMQ jobs (real Redis, real HTTP receivers): every attempt of one job carries
 * the same Invex-Delivery id, the retry state is kept in the job only once a retry is planned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore, putJson, type Store } from '../../../src/deliver/store.js';
import { docKeys } from '../../../src/queue/document-meta.js';
import { addDocumentFlow } from '../../../src/queue/flows.js';
import { QueueRuntime } from '../../../src/queue/runtime.js';
import { deliverProcessor, deliveryIdOf, RetryLater } from '../../../workers/deliver.js';
import { documentMeta, dropPrefix, startReceiver, tempDir, testSettings, WEBHOOK_SECRET } from './helpers.js';

const settings = testSettings();
const data = tempDir('deliver');
let rt: QueueRuntime;
let store: Store;
let failing: Awaited<ReturnType<typeof startReceiver>>;
let ok: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  rt = QueueRuntime.open(settings);
  await rt.waitUntilConnected();
  store = createLocalStore(data.dir);
  failing = await startReceiver(503);
  ok = await startReceiver(200);
});

afterAll(async () => {
  await rt?.close();
  await failing?.close();
  await ok?.close();
  await dropPrefix(settings);
  data.remove();
});

async function doneDocument(hex: string, callbackUrl: string) {
  const meta = documentMeta(hex, { status: 'done', callback_url: callbackUrl, pages_total: 1 });
  await putJson(store, docKeys(hex).meta, meta);
  await putJson(store, docKeys(hex).result, { schema_version: '1' });
  await addDocumentFlow(rt, hex);
  return meta;
}

const deliver = () => deliverProcessor(rt, store, { secret: WEBHOOK_SECRET, allow: ['127.0.0.1'] });
const job = async (hex: string) => {
  const j = await rt.queues.deliver.getJob(hex);
  if (!j) throw new Error(`no deliver job ${hex}`);
  return j;
};

describe('deliver jobs', () => {
  it('keeps one delivery id across attempts, and the 24 h window start once a retry is planned', async () => {
    const hex = 'cd'.repeat(32);
    const meta = await doneDocument(hex, failing.url);
    const first = await job(hex);
    await expect(deliver()(first, 'token')).rejects.toBeInstanceOf(RetryLater);
    const id = failing.received[0]?.headers['invex-delivery'];
    expect(id).toBe(deliveryIdOf(first));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const kept = (await job(hex)).data as { firstAttemptAt?: number; deliveryId?: string };
    expect(kept.deliveryId).toBe(id);
    expect(kept.firstAttemptAt).toBeGreaterThan(Date.now() - 60_000);

    // The receiver is back (here: another URL): the retry carries the same id.
    await putJson(store, docKeys(hex).meta, { ...meta, callback_url: ok.url });
    await expect(deliver()(await job(hex), 'token')).resolves.toMatchObject({ delivered: true, status: 200 });
    expect(ok.received.at(-1)?.headers['invex-delivery']).toBe(id);
  });

  it('stores nothing in the job when the first attempt succeeds; another upload gets another id', async () => {
    const hex = 'ef'.repeat(32);
    await doneDocument(hex, ok.url);
    const j = await job(hex);
    await expect(deliver()(j, 'token')).resolves.toMatchObject({ delivered: true });
    expect((await job(hex)).data).toEqual({ doc: hex });
    expect(ok.received.at(-1)?.headers['invex-delivery']).toBe(deliveryIdOf(j));
    expect(deliveryIdOf({ id: j.id, timestamp: j.timestamp + 1 })).not.toBe(deliveryIdOf(j));
  });
});
