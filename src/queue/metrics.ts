/**
 * Stage metrics, counted where the work happens. Each worker process records its finished jobs in its own
 * prom-client registry (every value labelled with the worker's id) and publishes a snapshot to one Redis hash,
 * at most once a second while jobs finish and every HEARTBEAT_MS when idle. The API merges the snapshots of
 * the live workers at scrape time (prom-client's AggregatorRegistry), so one API sees the whole cluster.
 * Before this the API read BullMQ's queue events: every event of every job parsed by the API (about 4 ms of
 * its CPU per digital invoice) to count a few numbers per document.
 * A worker gone for STALE_MS (killed, or stopped) drops out: its series end, as a process's do when it exits.
 */
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { AggregatorRegistry, Counter, Histogram, Registry } from 'prom-client';
import { parseFailedReason } from './failure.js';
import type { Stage } from './names.js';

/** How often an idle worker says it is alive. */
export const HEARTBEAT_MS = 15_000;
/** A snapshot older than this belongs to a worker that is gone. */
export const STALE_MS = 3 * HEARTBEAT_MS;
/** Snapshots are published at most this often while jobs finish. */
const PUBLISH_DELAY_MS = 1000;

/** What the stage processors return (workers/*), as far as metrics read it. */
export interface StageReturn {
  ms?: number;
  pages?: number;
  ocr_pages?: number;
  /** Ingest that also ran NER and assembly (a document with a text layer on every page). */
  assembled?: { ms?: number };
  delivered?: boolean;
}

/** One worker's registry as prom-client exports it (getMetricsAsJSON). */
type RegistryJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

interface Snapshot {
  at: number;
  metrics: RegistryJson;
}

/** The metric families the workers count, registered in `registry`. */
function stageMetrics(registry: Registry) {
  const registers = [registry];
  return {
    latency: new Histogram({
      name: 'invex_stage_duration_seconds',
      help: 'Processing time of one job per stage (ingest and assemble: per document; ocr: per page).',
      labelNames: ['stage'],
      // 10 ms (a text page's ingest) up to ~2 min (a long document's NER).
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    }),
    pages: new Counter({
      name: 'invex_pages_processed_total',
      help: 'Pages through the front end, by source (text layer or OCR).',
      labelNames: ['source'],
      registers,
    }),
    failures: new Counter({
      name: 'invex_failures_total',
      help: 'Jobs failed for good, by stage and error code.',
      labelNames: ['stage', 'code'],
      registers,
    }),
    webhooks: new Counter({
      name: 'invex_webhooks_total',
      help: 'Webhook deliveries finished, by outcome.',
      labelNames: ['outcome'],
      registers,
    }),
  };
}

/** The families with no values: merged in, so that a scrape names them (HELP, TYPE) before any worker has counted. */
let families: Promise<RegistryJson> | undefined;
const emptyFamilies = () => {
  families ??= stageMetricsJson();
  return families;
};
async function stageMetricsJson(): Promise<RegistryJson> {
  const registry = new Registry();
  stageMetrics(registry);
  return registry.getMetricsAsJSON();
}

export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly m: ReturnType<typeof stageMetrics>;
  private pending: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    /** The Redis hash of the snapshots (QueueRuntime.metricsKey). */
    private readonly key: string,
    readonly workerId = `${hostname()}:${process.pid}`,
  ) {
    this.registry.setDefaultLabels({ worker: workerId });
    this.m = stageMetrics(this.registry);
    this.heartbeat = setInterval(() => void this.publish(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  completed(stage: Stage, r: StageReturn | undefined): void {
    if (!r) return;
    if (typeof r.ms === 'number') this.m.latency.observe({ stage }, r.ms / 1000);
    if (stage === 'ingest' && typeof r.pages === 'number') {
      this.m.pages.inc({ source: 'text' }, r.pages - (r.ocr_pages ?? 0));
      if (typeof r.assembled?.ms === 'number')
        this.m.latency.observe({ stage: 'assemble' }, r.assembled.ms / 1000);
    }
    if (stage === 'ocr' && typeof r.ms === 'number') this.m.pages.inc({ source: 'ocr' });
    if (stage === 'deliver' && r.delivered) this.m.webhooks.inc({ outcome: 'delivered' });
    this.soon();
  }

  /** A job that failed for good (not one that will be retried). */
  failed(stage: Stage, reason: string | undefined): void {
    this.m.failures.inc({ stage, code: parseFailedReason(reason).code });
    if (stage === 'deliver') this.m.webhooks.inc({ outcome: 'failed' });
    this.soon();
  }

  private soon(): void {
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      void this.publish();
    }, PUBLISH_DELAY_MS);
  }

  /** Writes this worker's snapshot; a Redis outage only delays it to the next one. */
  async publish(): Promise<void> {
    const snapshot: Snapshot = { at: Date.now(), metrics: await this.registry.getMetricsAsJSON() };
    await this.redis.hset(this.key, this.workerId, JSON.stringify(snapshot)).catch(() => {});
  }

  /** Stops the timers after a last snapshot, so the final counts are seen until the worker goes stale. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    if (this.pending) clearTimeout(this.pending);
    this.pending = undefined;
    await this.publish();
  }
}

/** The live workers' snapshots merged into one registry (each value keeps its worker label); stale ones removed. */
export async function clusterMetrics(redis: Redis, key: string, now = Date.now()): Promise<Registry> {
  const all = await redis.hgetall(key);
  const live: RegistryJson[] = [];
  const stale: string[] = [];
  for (const [worker, json] of Object.entries(all)) {
    let snap: Snapshot | undefined;
    try {
      snap = JSON.parse(json) as Snapshot;
    } catch {
      snap = undefined;
    }
    if (snap && now - snap.at <= STALE_MS) live.push(snap.metrics);
    else stale.push(worker);
  }
  if (stale.length) await redis.hdel(key, ...stale);
  return AggregatorRegistry.aggregate([await emptyFamilies(), ...live]);
}
