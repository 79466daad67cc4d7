/**
 * Stage metrics across worker processes (real Redis): each worker publishes its registry, the API's view
 * merges the live ones with a worker label per series, and a worker that stopped publishing drops out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterMetrics, STALE_MS, WorkerMetrics } from '../../../src/queue/metrics.js';
import { QueueRuntime } from '../../../src/queue/runtime.js';
import { dropPrefix, testSettings } from './helpers.js';

describe('worker metrics through Redis', () => {
  const settings = testSettings();
  let rt: QueueRuntime;
  const open: WorkerMetrics[] = [];
  const worker = (id: string) => {
    const m = new WorkerMetrics(rt.redis, rt.metricsKey, id);
    open.push(m);
    return m;
  };

  beforeAll(() => {
    rt = QueueRuntime.open(settings);
  });
  afterAll(async () => {
    for (const m of open) await m.close();
    await rt.redis.del(rt.metricsKey);
    await rt.close();
    await dropPrefix(settings);
  });

  it('merges the workers’ counts, one series per worker', async () => {
    const a = worker('host-a:1');
    const b = worker('host-b:2');
    a.completed('ingest', { ms: 30, pages: 3, ocr_pages: 1, assembled: { ms: 20 } });
    a.completed('ocr', { ms: 900 });
    b.completed('ingest', { ms: 40, pages: 2, ocr_pages: 0, assembled: { ms: 25 } });
    b.completed('deliver', { delivered: true });
    b.failed('ingest', 'INVEX_E_PDF_CORRUPT: the PDF cannot be parsed');
    b.failed('deliver', 'webhook to https://example.com/: HTTP 500');
    await Promise.all([a.publish(), b.publish()]);

    const text = await (await clusterMetrics(rt.redis, rt.metricsKey)).metrics();
    expect(text).toContain('invex_pages_processed_total{source="text",worker="host-a:1"} 2');
    expect(text).toContain('invex_pages_processed_total{source="ocr",worker="host-a:1"} 1');
    expect(text).toContain('invex_pages_processed_total{source="text",worker="host-b:2"} 2');
    // An ingest job that assembled its document is timed as ingest and as assemble.
    expect(text).toContain('invex_stage_duration_seconds_count{stage="assemble",worker="host-a:1"} 1');
    expect(text).toContain(
      'invex_stage_duration_seconds_bucket{le="0.025",stage="assemble",worker="host-b:2"} 1',
    );
    expect(text).toContain(
      'invex_failures_total{stage="ingest",code="INVEX_E_PDF_CORRUPT",worker="host-b:2"} 1',
    );
    // A reason without a code (BullMQ's own, or a webhook's) counts as internal.
    expect(text).toContain(
      'invex_failures_total{stage="deliver",code="INVEX_E_INTERNAL",worker="host-b:2"} 1',
    );
    expect(text).toContain('invex_webhooks_total{outcome="failed",worker="host-b:2"} 1');
    expect(text).toContain('invex_webhooks_total{outcome="delivered",worker="host-b:2"} 1');
  });

  it('publishes by itself within a second of a finished job', async () => {
    const c = worker('host-c:3');
    c.completed('ocr', { ms: 1200 });
    const deadline = Date.now() + 5000;
    let text = '';
    while (Date.now() < deadline && !text.includes('worker="host-c:3"')) {
      await new Promise((r) => setTimeout(r, 100));
      text = await (await clusterMetrics(rt.redis, rt.metricsKey)).metrics();
    }
    expect(text).toContain('invex_pages_processed_total{source="ocr",worker="host-c:3"} 1');
  });

  it('drops a worker that stopped publishing, and keeps the live ones', async () => {
    // The earlier workers stop (a last snapshot each): no heartbeat of theirs can land during this test.
    for (const m of open.splice(0)) await m.close();
    const later = Date.now() + STALE_MS + 1000;
    const d = worker('host-d:4');
    d.completed('ocr', { ms: 500 });
    await d.publish();
    // Seen from the future, every snapshot so far is stale: all are removed from the hash.
    const text = await (await clusterMetrics(rt.redis, rt.metricsKey, later)).metrics();
    expect(text).not.toContain('worker=');
    expect(await rt.redis.hlen(rt.metricsKey)).toBe(0);
    await d.publish();
    expect(await (await clusterMetrics(rt.redis, rt.metricsKey)).metrics()).toContain('worker="host-d:4"');
  });
});
