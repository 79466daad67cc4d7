/**
 * Webhook delivery against a real HTTP receiver on 127.0.0.1 (allow-listed, as in production tests).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore } from '../../../src/deliver/store.js';
import {
  attemptDelivery,
  deliverWebhook,
  readDeliveries,
  verifyWebhook,
} from '../../../src/deliver/webhook.js';

const SECRET = 'whsec_integration_0123456789';
const DOC_ID = `sha256:${'ef'.repeat(32)}`;
const ALLOW = ['127.0.0.1'];

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

let server: Server;
let base: string;
let received: Received[] = [];
let handler: Handler = (_req, res) => res.end('ok');

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      handler(req, res, received.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
afterEach(() => {
  received = [];
  handler = (_req, res) => res.end('ok');
});

describe('deliverWebhook', () => {
  it('POSTs a signed JSON body that the receiver can verify', async () => {
    const payload = { schema_version: '1', fields: { total_amount: { value: '119.00' } } };
    const r = await deliverWebhook({
      url: `${base}/hooks/invex?x=1`,
      event: 'document.done',
      id: DOC_ID,
      payload,
      secret: SECRET,
      allow: ALLOW,
    });
    expect(r).toMatchObject({ status: 200, ok: true, retryable: false });
    expect(r.error).toBeUndefined();
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
    expect(received).toHaveLength(1);
    const got = received[0];
    if (!got) throw new Error('nothing received');
    expect(got.method).toBe('POST');
    expect(got.url).toBe('/hooks/invex?x=1');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['user-agent']).toBe('invex');
    expect(got.headers['invex-event']).toBe('document.done');
    expect(got.headers['invex-delivery']).toBe(r.deliveryId);
    expect(r.deliveryId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(got.body)).toEqual({ event: 'document.done', id: DOC_ID, data: payload });
    const sig = got.headers['invex-signature'] as string;
    expect(verifyWebhook(SECRET, sig, got.body)).toMatchObject({ ok: true });
    expect(verifyWebhook('another-secret-0123456789', sig, got.body)).toMatchObject({ ok: false });
  });

  it('classifies 500 as retryable, then 200 succeeds; 404 is permanent', async () => {
    handler = (_req, res, n) => {
      res.statusCode = n === 1 ? 500 : 200;
      res.end();
    };
    const opts = {
      url: `${base}/h`,
      event: 'document.failed' as const,
      id: DOC_ID,
      payload: { error: { code: 'INVEX_E_PDF_CORRUPT', message: 'bad' } },
      secret: SECRET,
      allow: ALLOW,
      deliveryId: 'd-1',
    };
    const first = await deliverWebhook(opts);
    expect(first).toMatchObject({ status: 500, ok: false, retryable: true, error: 'HTTP 500' });
    const second = await deliverWebhook(opts);
    expect(second).toMatchObject({ status: 200, ok: true });
    // Both attempts of one event carry the same delivery id, so the receiver can deduplicate.
    expect(received.map((r) => r.headers['invex-delivery'])).toEqual(['d-1', 'd-1']);

    handler = (_req, res) => {
      res.statusCode = 404;
      res.end('no such hook');
    };
    expect(await deliverWebhook(opts)).toMatchObject({ status: 404, ok: false, retryable: false });
    handler = (_req, res) => {
      res.writeHead(429, { 'Retry-After': '120' }).end();
    };
    expect(await deliverWebhook(opts)).toMatchObject({ status: 429, retryable: true, retryAfterMs: 120_000 });
  });

  it('does not follow redirects', async () => {
    handler = (_req, res, n) => {
      if (n === 1) res.writeHead(307, { Location: 'http://169.254.169.254/latest/meta-data/' }).end();
      else res.end('should never be reached');
    };
    const r = await deliverWebhook({
      url: `${base}/r`,
      event: 'document.done',
      id: DOC_ID,
      payload: {},
      secret: SECRET,
      allow: ALLOW,
    });
    expect(r).toMatchObject({ status: 307, ok: false, retryable: false });
    expect(r.error).toMatch(/redirect \(307\) not followed to http:\/\/169\.254\.169\.254/);
    expect(received).toHaveLength(1);
  });

  it('refuses loopback unless allow-listed, also when a host name resolves to it at connect time', async () => {
    const port = (server.address() as AddressInfo).port;
    const args = { event: 'document.done' as const, id: DOC_ID, payload: {}, secret: SECRET };
    const literal = await deliverWebhook({ ...args, url: `${base}/x` });
    expect(literal).toMatchObject({
      status: 0,
      ok: false,
      retryable: false,
      code: 'INVEX_E_CALLBACK_REFUSED',
    });
    const named = await deliverWebhook({ ...args, url: `http://localhost:${port}/x` });
    expect(named).toMatchObject({ status: 0, ok: false, retryable: false, code: 'INVEX_E_CALLBACK_REFUSED' });
    expect(named.error).toMatch(/localhost resolves to 127\.0\.0\.1 is loopback/);
    expect(received).toHaveLength(0);
    // The same host name passes when its addresses are allow-listed.
    const ok = await deliverWebhook({
      ...args,
      url: `http://localhost:${port}/x`,
      allow: ['127.0.0.0/8', '::1'],
    });
    expect(ok).toMatchObject({ status: 200, ok: true });
    expect(await deliverWebhook({ ...args, url: 'ftp://127.0.0.1/x', allow: ALLOW })).toMatchObject({
      code: 'INVEX_E_CALLBACK_REFUSED',
    });
  });

  it('times out a receiver that never answers, as a retryable failure', async () => {
    handler = () => {}; // hold the request open
    const r = await deliverWebhook({
      url: `${base}/slow`,
      event: 'document.done',
      id: DOC_ID,
      payload: {},
      secret: SECRET,
      allow: ALLOW,
      timeoutMs: 300,
    });
    expect(r).toMatchObject({ status: 0, ok: false, retryable: true, error: 'timeout after 300 ms' });
    expect(r.durationMs).toBeGreaterThanOrEqual(250);
    expect(r.durationMs).toBeLessThan(5000);
  });

  it('reports a closed port as a retryable network error', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const r = await deliverWebhook({
      url: `http://127.0.0.1:${port}/`,
      event: 'document.done',
      id: DOC_ID,
      payload: {},
      secret: SECRET,
      allow: ALLOW,
    });
    expect(r).toMatchObject({ status: 0, ok: false, retryable: true });
    expect(r.error).toMatch(/ECONNREFUSED/);
  });
});

describe('attemptDelivery and the delivery log', () => {
  it('logs every attempt and plans a retry only for retryable failures', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'invex-deliveries-'));
    try {
      const store = createLocalStore(dir);
      handler = (_req, res, n) => {
        res.statusCode = n === 1 ? 503 : 200;
        res.end();
      };
      const t0 = Date.UTC(2025, 0, 1);
      let clock = t0;
      const common = {
        store,
        url: `http://user:pw@127.0.0.1:${(server.address() as AddressInfo).port}/h`,
        event: 'document.done' as const,
        id: DOC_ID,
        payload: { ok: true },
        secret: SECRET,
        allow: ALLOW,
        deliveryId: 'evt-1',
        firstAttemptAt: t0,
        now: () => clock,
      };
      const a1 = await attemptDelivery({ ...common, attempt: 1 });
      expect(a1.result).toMatchObject({ status: 503, retryable: true });
      expect(a1.retryInMs).toBeGreaterThanOrEqual(24_000);
      expect(a1.retryInMs).toBeLessThanOrEqual(36_000);
      clock += a1.retryInMs ?? 0;
      const a2 = await attemptDelivery({ ...common, attempt: 2 });
      expect(a2.result.ok).toBe(true);
      expect(a2.retryInMs).toBeUndefined();
      // Basic auth from the URL reached the receiver; the log does not keep it.
      expect(received[0]?.headers.authorization).toBe(`Basic ${Buffer.from('user:pw').toString('base64')}`);

      const log = await readDeliveries(store, DOC_ID);
      expect(log).toHaveLength(2);
      expect(log[0]).toMatchObject({
        time: '2025-01-01T00:00:00.000Z',
        event: 'document.done',
        deliveryId: 'evt-1',
        attempt: 1,
        status: 503,
        ok: false,
        error: 'HTTP 503',
      });
      expect(log[0]?.nextAttemptAt).toBe(new Date(t0 + (a1.retryInMs ?? 0)).toISOString());
      expect(log[1]).toMatchObject({ attempt: 2, status: 200, ok: true });
      expect(log[1]?.nextAttemptAt).toBeUndefined();
      expect(JSON.stringify(log)).not.toContain('pw');
      expect(await readDeliveries(store, `sha256:${'00'.repeat(32)}`)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serialises concurrent appends for one document', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'invex-deliveries-'));
    try {
      const store = createLocalStore(dir);
      const { appendDelivery } = await import('../../../src/deliver/webhook.js');
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          appendDelivery(store, DOC_ID, {
            time: new Date().toISOString(),
            url: 'https://example.com/h',
            event: 'document.done',
            deliveryId: 'x',
            attempt: i + 1,
            status: 200,
            ok: true,
            durationMs: 1,
          }),
        ),
      );
      const log = await readDeliveries(store, DOC_ID);
      expect(log.map((e) => e.attempt)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
