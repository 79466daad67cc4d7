/**
 * Prometheus metrics (prom-client, own registry): queue depths read at scrape time, and stage latencies,
 * pages processed and failures by code counted from BullMQ's queue events, so every worker in the cluster
 * is seen from the API. Each API replica counts the whole cluster: scrape one of them.
 */
import { QueueEvents } from 'bullmq';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { redisOptions } from '../queue/connection.js';
import { parseFailedReason } from '../queue/failure.js';
import { QUEUE_NAMES, STAGES, type Stage } from '../queue/names.js';
import type { QueueRuntime } from '../queue/runtime.js';

const JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'failed',
  'completed',
  'waiting-children',
  'prioritized',
] as const;

export interface Metrics {
  registry: Registry;
  close(): Promise<void>;
}

interface StageReturn {
  ms?: number;
  pages?: number;
  ocr_pages?: number;
  delivered?: boolean;
}

function parseReturn(v: unknown): StageReturn {
  if (typeof v === 'string') {
    try {
      return (JSON.parse(v) as StageReturn) ?? {};
    } catch {
      return {};
    }
  }
  return (v as StageReturn) ?? {};
}

export function createMetrics(rt: QueueRuntime, opts: { events?: boolean } = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'invex_api_' });
  new Gauge({
    name: 'invex_queue_jobs',
    help: 'Jobs per queue and state (read from Redis at scrape time).',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      for (const stage of STAGES) {
        const counts = await rt.queues[stage].getJobCounts(...JOB_STATES);
        for (const state of JOB_STATES) this.set({ queue: QUEUE_NAMES[stage], state }, counts[state] ?? 0);
      }
    },
  });
  const latency = new Histogram({
    name: 'invex_stage_duration_seconds',
    help: 'Processing time of one job per stage (ingest and assemble: per document; ocr: per page).',
    labelNames: ['stage'],
    // 10 ms (a text page's ingest) up to ~2 min (a long document's NER).
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const pages = new Counter({
    name: 'invex_pages_processed_total',
    help: 'Pages through the front end, by source (text layer or OCR).',
    labelNames: ['source'],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'invex_failures_total',
    help: 'Jobs failed for good, by stage and error code.',
    labelNames: ['stage', 'code'],
    registers: [registry],
  });
  const webhooks = new Counter({
    name: 'invex_webhooks_total',
    help: 'Webhook deliveries finished, by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  });

  const listeners: QueueEvents[] = [];
  if (opts.events !== false) {
    for (const stage of STAGES) {
      const ev = new QueueEvents(QUEUE_NAMES[stage], {
        connection: redisOptions(rt.settings.redisUrl),
        prefix: rt.settings.prefix,
      });
      ev.on('error', () => {}); // reconnects on its own
      ev.on('completed', ({ returnvalue }) => onCompleted(stage, parseReturn(returnvalue)));
      ev.on('failed', ({ failedReason }) => {
        failures.inc({ stage, code: parseFailedReason(failedReason).code });
        if (stage === 'deliver') webhooks.inc({ outcome: 'failed' });
      });
      listeners.push(ev);
    }
  }

  function onCompleted(stage: Stage, r: StageReturn) {
    if (typeof r.ms === 'number') latency.observe({ stage }, r.ms / 1000);
    if (stage === 'ingest' && typeof r.pages === 'number') {
      pages.inc({ source: 'text' }, r.pages - (r.ocr_pages ?? 0));
    }
    if (stage === 'ocr' && typeof r.ms === 'number') pages.inc({ source: 'ocr' });
    if (stage === 'deliver' && r.delivered) webhooks.inc({ outcome: 'delivered' });
  }

  return {
    registry,
    async close() {
      await Promise.allSettled(listeners.map((l) => l.close()));
    },
  };
}
