/**
 * Starts BullMQ workers for the chosen stages: deliver in this process (network I/O); ingest, OCR and
 * NER+assemble as sandboxed processors (CPU-bound: child processes, reused across jobs). close() lets the current jobs
 * finish (SIGTERM); close(true) releases them at once, and another worker takes them over when their lock
 * expires (stalled-job recovery), as it does for a worker that was killed.
 */
import { fileURLToPath } from 'node:url';
import { type Job, type Processor, Worker, type WorkerOptions } from 'bullmq';
import { type Config, config } from '../src/config.js';
import { createLocalStore, type Store } from '../src/deliver/store.js';
import { redisOptions } from '../src/queue/connection.js';
import { type StageReturn, WorkerMetrics } from '../src/queue/metrics.js';
import { QUEUE_NAMES, STAGES, type Stage } from '../src/queue/names.js';
import { QueueRuntime } from '../src/queue/runtime.js';
import { type QueueSettings, queueSettings, WEBHOOK_BACKOFF_TYPE } from '../src/queue/settings.js';
import { deliverProcessor, type WebhookSettings, webhookBackoff } from './deliver.js';

const sandbox = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));
export const SANDBOXED: Partial<Record<Stage, string>> = {
  ingest: sandbox('ingest-sandbox.js'),
  ocr: sandbox('ocr-sandbox.js'),
  assemble: sandbox('assemble-sandbox.js'),
};

/** Deliveries in flight per unit of --concurrency. */
const DELIVER_LANES = 16;

export interface StartWorkersOptions {
  stages?: readonly Stage[];
  /** Jobs at once per stage (for sandboxed stages: child processes). */
  concurrency?: number;
  settings?: QueueSettings;
  dataDir?: string;
  /** NER model directory for the assemble children (default INVEX_MODEL_DIR, else the shipped model). */
  modelDir?: string;
  webhook?: WebhookSettings;
  /** Called for each finished job (logging, tests). */
  onEvent?: (e: WorkerEvent) => void;
}

export interface WorkerEvent {
  stage: Stage;
  jobId: string;
  event: 'completed' | 'failed';
  ms?: number;
  reason?: string;
}

export interface RunningWorkers {
  workers: Worker[];
  runtime: QueueRuntime;
  /** force: do not wait for the current jobs (they are picked up again after their lock expires). */
  close(force?: boolean): Promise<void>;
}

export function webhookSettings(c: Config = config()): WebhookSettings {
  return { defaultUrl: c.webhookUrl, secret: c.webhookSecret, allow: c.webhookAllow };
}

/** Environment of the sandboxed children: they read their settings with config() like any process. */
function childEnv(settings: QueueSettings, dataDir: string, modelDir: string | undefined): NodeJS.ProcessEnv {
  return {
    ...process.env,
    REDIS_URL: settings.redisUrl,
    INVEX_QUEUE_PREFIX: settings.prefix,
    INVEX_DATA_DIR: dataDir,
    ...(modelDir !== undefined ? { INVEX_MODEL_DIR: modelDir } : {}),
  };
}

export async function startWorkers(opts: StartWorkersOptions = {}): Promise<RunningWorkers> {
  const c = config();
  const settings = opts.settings ?? queueSettings(c);
  const dataDir = opts.dataDir ?? c.dataDir;
  const modelDir = opts.modelDir ?? c.modelDir;
  const store: Store = createLocalStore(dataDir);
  const runtime = QueueRuntime.open(settings);
  const stages = opts.stages ?? STAGES;
  const metrics = new WorkerMetrics(runtime.redis, runtime.metricsKey);
  const common: WorkerOptions = {
    connection: redisOptions(settings.redisUrl),
    prefix: settings.prefix,
    concurrency: opts.concurrency ?? c.workerConcurrency,
    lockDuration: settings.lockDurationMs,
    stalledInterval: settings.stalledIntervalMs,
    maxStalledCount: settings.maxStalledCount,
    workerForkOptions: { env: childEnv(settings, dataDir, modelDir) },
  };
  // biome-ignore lint/suspicious/noExplicitAny: one Worker type for every stage's data and result
  const processorOf = (stage: Stage): string | Processor<any, any> => {
    switch (stage) {
      case 'deliver':
        return deliverProcessor(runtime, store, opts.webhook ?? webhookSettings(c));
      default:
        return SANDBOXED[stage] as string;
    }
  };
  const workers = stages.map((stage) => {
    const w = new Worker(QUEUE_NAMES[stage], processorOf(stage), {
      ...common,
      // Deliveries wait on the network (up to the webhook timeout): many at once cost no CPU.
      ...(stage === 'deliver' ? { concurrency: (common.concurrency ?? 1) * DELIVER_LANES } : {}),
      ...(stage === 'deliver'
        ? {
            settings: {
              backoffStrategy: (n, type, err) =>
                type === WEBHOOK_BACKOFF_TYPE ? webhookBackoff(n, type, err) : -1,
            },
          }
        : {}),
    });
    const report = (job: Job | undefined, event: 'completed' | 'failed', reason?: string) => {
      if (!job?.id || !opts.onEvent) return;
      const e: WorkerEvent = { stage, jobId: job.id, event };
      if (job.processedOn && job.finishedOn) e.ms = job.finishedOn - job.processedOn;
      if (reason !== undefined) e.reason = reason;
      opts.onEvent(e);
    };
    w.on('completed', (job, result) => {
      metrics.completed(stage, result as StageReturn | undefined);
      report(job, 'completed');
    });
    w.on('failed', (job, err) => {
      // BullMQ sets finishedOn only when the job will not be tried again.
      if (job?.finishedOn) metrics.failed(stage, job.failedReason ?? err.message);
      report(job, 'failed', err.message);
    });
    // Connection errors are retried by ioredis; without a listener Node would treat them as fatal.
    w.on('error', () => {});
    return w;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return {
    workers,
    runtime,
    async close(force = false) {
      await Promise.all(workers.map((w) => w.close(force)));
      await metrics.close();
      await runtime.close();
    },
  };
}
