/**
 * A document's progress from the queue (real Redis): nothing before ingest has added the assemble job, then
 * every page but the OCR children still pending. OCR jobs are completed by hand here (BullMQ's manual
 * processing), so each step is observed exactly.
 */
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore, putJson, type Store } from '../../../src/deliver/store.js';
import { redisOptions } from '../../../src/queue/connection.js';
import { docKeys } from '../../../src/queue/document-meta.js';
import { addDocumentFlow, addPagesFlow } from '../../../src/queue/flows.js';
import { QUEUE_NAMES } from '../../../src/queue/names.js';
import { QueueRuntime } from '../../../src/queue/runtime.js';
import { documentStatus } from '../../../src/queue/status.js';
import { documentMeta, dropPrefix, tempDir, testSettings } from './helpers.js';

const settings = testSettings();
const data = tempDir('status');
const HEX = 'ab'.repeat(32);
let rt: QueueRuntime;
let store: Store;
let ocr: Worker;

beforeAll(async () => {
  rt = QueueRuntime.open(settings);
  await rt.waitUntilConnected();
  store = createLocalStore(data.dir);
  ocr = new Worker(QUEUE_NAMES.ocr, null, {
    connection: redisOptions(settings.redisUrl),
    prefix: settings.prefix,
    autorun: false,
  });
});

afterAll(async () => {
  await ocr?.close();
  await rt?.close();
  await dropPrefix(settings);
  data.remove();
});

const progress = async () => (await documentStatus(rt, store, HEX))?.progress;

describe('progress', () => {
  it('counts text pages once ingest is done and OCR pages as their jobs complete', async () => {
    const meta = documentMeta(HEX, { status: 'processing', pages_total: 3 });
    await putJson(store, docKeys(HEX).meta, meta);
    await addDocumentFlow(rt, HEX);
    expect(await progress()).toEqual({ pages_done: 0, pages_total: 3 }); // ingest still running

    await addPagesFlow(rt, HEX, [2, 3]); // page 1 had a text layer
    expect(await progress()).toEqual({ pages_done: 1, pages_total: 3 });

    const token = 'status-test';
    for (const done of [2, 3]) {
      const job = await ocr.getNextJob(token);
      expect(job?.name).toBe('ocr');
      await job?.moveToCompleted({}, token, false);
      expect(await progress()).toEqual({ pages_done: done, pages_total: 3 });
    }

    await putJson(store, docKeys(HEX).meta, { ...meta, status: 'done' });
    expect(await progress()).toEqual({ pages_done: 3, pages_total: 3 });
  });
});
