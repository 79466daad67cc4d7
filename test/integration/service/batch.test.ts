/**
 * `invex batch`: a folder in-process and through the queue (real Redis, in-process workers), one JSON per
 * document plus summary.csv, failures as <name>.error.json and exit status 1, resuming by skipping done
 * documents.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '../../../src/config.js';
import { type RunningWorkers, startWorkers } from '../../../workers/start.js';
import { ensureTestModel } from '../../fixtures/smoke-model.js';
import { dropPrefix, invoicePdf, REDIS_URL, tempDir, testSettings } from './helpers.js';

const root = tempDir('batch');
const input = join(root.dir, 'in');
const dataDir = join(root.dir, 'data');
let modelDir: string;

// The command reads the queue's settings from the environment, which config() parses on first use:
// set it before anything calls config(), so that nothing here touches the default prefix or data dir.
const prefix = `invex-test-${process.pid}-batch`;
process.env.REDIS_URL = REDIS_URL;
process.env.INVEX_QUEUE_PREFIX = prefix;
process.env.INVEX_DATA_DIR = dataDir;
const settings = testSettings({ prefix });

const { batchCommand } = await import('../../../src/cli/batch-command.js');

beforeAll(async () => {
  expect(config()).toMatchObject({ queuePrefix: prefix, dataDir });
  modelDir = await ensureTestModel();
  process.env.INVEX_MODEL_DIR = modelDir;
  mkdirSync(join(input, 'march'), { recursive: true });
  writeFileSync(join(input, 'a.pdf'), await invoicePdf(21));
  writeFileSync(join(input, 'march', 'b.pdf'), await invoicePdf(22));
  writeFileSync(join(input, 'notes.txt'), 'not an invoice\n');
  writeFileSync(join(input, '.hidden.pdf'), await invoicePdf(23));
});

afterAll(async () => {
  await dropPrefix(settings);
  root.remove();
});

const summaryOf = (out: string) =>
  parse(readFileSync(join(out, 'summary.csv'), 'utf8'), { columns: true }) as Record<string, string>[];

describe('invex batch', () => {
  it('extracts a folder in-process, writes summary.csv, reports failures', async () => {
    const out = join(root.dir, 'out-local');
    const r = await batchCommand([input, '--out', out, '--model', modelDir]);
    expect(r).toEqual({ total: 3, failed: 1 });
    const a = JSON.parse(readFileSync(join(out, 'a.pdf.json'), 'utf8'));
    expect(a).toMatchObject({ schema_version: '1', file: 'a.pdf' });
    expect(existsSync(join(out, 'march', 'b.pdf.json'))).toBe(true);
    expect(existsSync(join(out, '.hidden.pdf.json'))).toBe(false);
    const err = JSON.parse(readFileSync(join(out, 'notes.txt.error.json'), 'utf8'));
    expect(err.error.code).toBe('INVEX_E_UNRECOGNIZED_FORMAT');
    const rows = summaryOf(out);
    expect(rows.map((x) => [x.file, x.status, x.error_code])).toEqual([
      ['a.pdf', 'done', ''],
      ['march/b.pdf', 'done', ''],
      ['notes.txt', 'failed', 'INVEX_E_UNRECOGNIZED_FORMAT'],
    ]);
    expect(rows[0]?.id).toBe(a.document.id);

    // Resume: done documents are skipped (untouched), the failed one is tried again.
    const before = statSync(join(out, 'a.pdf.json')).mtimeMs;
    const again = await batchCommand([input, '--out', out, '--model', modelDir]);
    expect(again).toEqual({ total: 3, failed: 1 });
    expect(statSync(join(out, 'a.pdf.json')).mtimeMs).toBe(before);
    expect(summaryOf(out)).toHaveLength(3);
  });

  describe('through the queue', () => {
    let workers: RunningWorkers;
    beforeAll(async () => {
      workers = await startWorkers({ settings, dataDir, modelDir });
    });
    afterAll(async () => {
      await workers?.close();
    });

    it('gives the same documents through the queue', async () => {
      const out = join(root.dir, 'out-queue');
      const r = await batchCommand([input, '--out', out, '--queue']);
      expect(r).toEqual({ total: 3, failed: 1 });
      const local = JSON.parse(readFileSync(join(root.dir, 'out-local', 'a.pdf.json'), 'utf8'));
      const queued = JSON.parse(readFileSync(join(out, 'a.pdf.json'), 'utf8'));
      expect(queued.document).toEqual(local.document);
      expect(queued.fields).toEqual(local.fields);
      expect(queued.file).toBe('a.pdf');
      expect(summaryOf(out).map((x) => x.status)).toEqual(['done', 'done', 'failed']);
    });
  });
});
