/**
 * Worker resilience with real processes and real Redis: a worker killed with SIGKILL mid-job loses nothing
 * (stalled-job recovery hands the page to another worker), SIGTERM finishes the current job before exiting,
 * and workers reconnect after Redis restarts (a separate redis-server in a temp dir, never the shared one).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore } from '../../../src/deliver/store.js';
import { readMeta } from '../../../src/queue/document-meta.js';
import { documentHex, pageJobId } from '../../../src/queue/names.js';
import { QueueRuntime } from '../../../src/queue/runtime.js';
import type { QueueSettings } from '../../../src/queue/settings.js';
import { admitDocument, submitDocument } from '../../../src/queue/submit.js';
import { type RunningWorkers, startWorkers } from '../../../workers/start.js';
import { ensureTestModel } from '../../fixtures/smoke-model.js';
import { dropPrefix, invoicePdf, invoicePng, ROOT, tempDir, testSettings, waitUntil } from './helpers.js';

// Short locks: a killed worker's job is taken over ~3 s after it dies instead of minutes.
const LOCKS = { lockDurationMs: 3000, stalledIntervalMs: 1000 };
const data = tempDir('resilience');
let modelDir: string;

/** Kills a worker's whole process group if it is still running. */
function killGroup(w: WorkerProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return;
  try {
    process.kill(-(w.child.pid as number), signal);
  } catch {
    // already gone
  }
}

interface WorkerProcess {
  child: ChildProcess;
  log: string[];
  exited: Promise<number | null>;
}

/** `invex worker` as its own process group (so SIGKILL reaches its sandboxed children too). */
async function spawnWorker(settings: QueueSettings, stages: string): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/invex.js'), 'worker', '--stages', stages], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      REDIS_URL: settings.redisUrl,
      INVEX_QUEUE_PREFIX: settings.prefix,
      INVEX_DATA_DIR: data.dir,
      INVEX_MODEL_DIR: modelDir,
      INVEX_LOCK_DURATION_MS: String(LOCKS.lockDurationMs),
      INVEX_STALLED_INTERVAL_MS: String(LOCKS.stalledIntervalMs),
    },
  });
  const log: string[] = [];
  child.stderr?.on('data', (c: Buffer) => log.push(...c.toString().split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  await waitUntil(
    async () => (log.some((l) => l.includes(' running ')) ? true : undefined),
    60_000,
    'worker start',
  );
  return { child, log, exited };
}

async function submitFile(rt: QueueRuntime, bytes: Uint8Array): Promise<string> {
  const admission = await admitDocument(bytes, { maxFileBytes: 50_000_000, maxPages: 10 });
  const { meta } = await submitDocument(rt, createLocalStore(data.dir), { bytes, admission });
  return documentHex(meta.id);
}

const statusOf = async (hex: string) => (await readMeta(createLocalStore(data.dir), hex))?.status;
const settled = (hex: string) => async () => {
  const s = await statusOf(hex);
  return s === 'done' || s === 'failed' ? s : undefined;
};

beforeAll(async () => {
  modelDir = await ensureTestModel();
});

afterAll(() => data.remove());

describe('worker processes', () => {
  const settings = testSettings(LOCKS);
  let rt: QueueRuntime;
  let inProcess: RunningWorkers;
  const spawned: WorkerProcess[] = [];

  beforeAll(async () => {
    rt = QueueRuntime.open(settings);
    // Everything but OCR runs here; OCR runs in the worker processes under test.
    inProcess = await startWorkers({
      settings,
      dataDir: data.dir,
      modelDir,
      stages: ['ingest', 'assemble', 'deliver'],
    });
  });

  afterAll(async () => {
    for (const w of spawned) killGroup(w);
    await inProcess?.close();
    await rt?.close();
    await dropPrefix(settings);
  });

  it('SIGKILL mid-job loses nothing: another worker takes the page over and the document completes', async () => {
    const a = await spawnWorker(settings, 'ocr');
    spawned.push(a);
    const hex = await submitFile(rt, await invoicePng(200));
    const jobId = pageJobId(hex, 1);
    await waitUntil(
      async () => ((await rt.queues.ocr.getJob(jobId))?.processedOn ? true : undefined),
      60_000,
      'OCR start',
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(await rt.queues.ocr.getJob(jobId).then((j) => j?.getState())).toBe('active');
    killGroup(a);
    expect(await a.exited).toBe(null); // killed by the signal

    const b = await spawnWorker(settings, 'ocr');
    spawned.push(b);
    expect(await waitUntil(settled(hex), 120_000, 'the document to settle')).toBe('done');
    const job = await rt.queues.ocr.getJob(jobId);
    expect(await job?.getState()).toBe('completed');
    expect(job?.stalledCounter).toBeGreaterThanOrEqual(1);
    expect(b.log.some((l) => l.includes(`ocr ${jobId} completed`))).toBe(true);
  });

  it('SIGTERM lets the current job finish, then the worker exits cleanly', async () => {
    const c = await spawnWorker(settings, 'ocr');
    spawned.push(c);
    // Stop the other worker so that this one gets the page.
    for (const w of spawned.slice(0, -1)) killGroup(w);
    const hex = await submitFile(rt, await invoicePng(180));
    const jobId = pageJobId(hex, 1);
    await waitUntil(
      async () => ((await rt.queues.ocr.getJob(jobId))?.processedOn ? true : undefined),
      60_000,
      'OCR start',
    );
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    const job = await rt.queues.ocr.getJob(jobId);
    expect(await job?.getState()).toBe('completed');
    expect(job?.stalledCounter ?? 0).toBe(0);
    expect(await waitUntil(settled(hex), 60_000, 'the document to settle')).toBe('done');
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('Redis restart', () => {
  const redisDir = tempDir('redis');
  let port: number;
  let server: ChildProcess | undefined;

  const startRedis = async () => {
    server = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        redisDir.dir,
        '--appendonly',
        'yes',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    await waitUntil(
      async () =>
        spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG'
          ? true
          : undefined,
      10_000,
      'redis-server',
    );
  };
  const stopRedis = async () => {
    const s = server;
    if (!s || s.exitCode !== null) return;
    const exited = new Promise((r) => s.on('exit', r));
    spawnSync('redis-cli', ['-p', String(port), 'shutdown']);
    await exited;
  };

  afterAll(async () => {
    await stopRedis();
    redisDir.remove();
  });

  it('workers reconnect after Redis restarts while they are idle', async () => {
    port = await freePort();
    await startRedis();
    const settings = testSettings({ redisUrl: `redis://127.0.0.1:${port}` });
    const workers = await startWorkers({ settings, dataDir: data.dir, modelDir });
    const rt = QueueRuntime.open(settings);
    try {
      await new Promise((r) => setTimeout(r, 500));
      await stopRedis();
      await new Promise((r) => setTimeout(r, 1500));
      await startRedis();
      const hex = await submitFile(rt, await invoicePdf(11));
      expect(await waitUntil(settled(hex), 90_000, 'the document after the restart')).toBe('done');
      expect(await rt.queues.ingest.getWorkersCount()).toBeGreaterThan(0);
    } finally {
      await workers.close();
      await rt.close();
    }
  });
});
