/**
 * Prometheus metrics (prom-client): queue depths read from Redis at scrape time, this API process's own
 * metrics (`invex_api_*`), and the stage figures of every worker in the cluster (latencies, pages, failures,
 * webhooks), which the workers count and publish to Redis (src/queue/metrics.ts). Any API replica answers
 * for the whole cluster: scrape one of them.
 */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { clusterMetrics } from '../queue/metrics.js';
import { QUEUE_NAMES, STAGES } from '../queue/names.js';
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
  contentType: string;
  /** The exposition text of one scrape. */
  text(): Promise<string>;
}

export function createMetrics(rt: QueueRuntime): Metrics {
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
  return {
    contentType: registry.contentType,
    async text() {
      const workers = await clusterMetrics(rt.redis, rt.metricsKey);
      return Registry.merge([registry, workers]).metrics();
    },
  };
}
