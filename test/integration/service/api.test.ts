/**
 * The HTTP API through inject(): auth, the error shape, upload refusals (413/415/400), docs, metrics and the
 * queue dashboard. Real Redis (a unique prefix), no workers: nothing here needs a document processed.
 */
import type { FastifyInstance } from 'fastify';
import PDFDocument from 'pdfkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/api/app.js';
import { createLocalStore } from '../../../src/deliver/store.js';
import { QueueRuntime } from '../../../src/queue/runtime.js';
import { API_KEY, dropPrefix, invoicePdf, tempDir, testSettings } from './helpers.js';

const settings = testSettings();
const data = tempDir('api');
let rt: QueueRuntime;
let app: FastifyInstance;
const auth = { authorization: `Bearer ${API_KEY}` };

function multipart(parts: { name: string; filename?: string; data: Uint8Array | string }[]) {
  const boundary = `----invex${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = p.filename
      ? `form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: application/octet-stream`
      : `form-data; name="${p.name}"`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    chunks.push(Buffer.from(p.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

function pdfWithPages(n: number): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size: 'A4' });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    for (let i = 0; i < n; i++) {
      if (i > 0) doc.addPage();
      doc.text(`Invoice page ${i + 1}`);
    }
    doc.end();
  });
}

beforeAll(async () => {
  rt = QueueRuntime.open(settings, { failFast: true });
  expect(await rt.waitUntilConnected()).toBe(true);
  app = await buildApp({
    runtime: rt,
    store: createLocalStore(data.dir),
    apiKeys: [API_KEY, 'second-key-0123456789abcdef'],
    limits: { maxFileBytes: 200_000, maxPages: 2, maxImagePixels: 50_000_000, maxFiles: 3 },
    webhook: { secret: 'webhook-secret-0123456789', allow: [] },
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await rt?.close();
  await dropPrefix(settings);
  data.remove();
});

describe('auth', () => {
  it('answers 401 without a key, with the coded error shape and a challenge', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/documents' });
    expect(r.statusCode).toBe(401);
    expect(r.json()).toEqual({ error: { code: 'INVEX_E_UNAUTHORIZED', message: expect.any(String) } });
    expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('answers 401 for a wrong key, and for a prefix of a right one', async () => {
    for (const key of ['wrong-key-0123456789abcdef', API_KEY.slice(0, -1), '']) {
      const r = await app.inject({
        method: 'GET',
        url: '/v1/documents',
        headers: { authorization: `Bearer ${key}` },
      });
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('INVEX_E_UNAUTHORIZED');
    }
  });

  it('accepts every configured key, as Bearer or as the Basic password', async () => {
    const basic = `Basic ${Buffer.from(`anyone:${API_KEY}`).toString('base64')}`;
    for (const authorization of [`Bearer ${API_KEY}`, 'Bearer second-key-0123456789abcdef', basic]) {
      const r = await app.inject({ method: 'GET', url: '/v1/documents', headers: { authorization } });
      expect(r.statusCode).toBe(200);
    }
  });

  it('keeps /healthz and /readyz open, and everything else closed', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
    for (const url of ['/metrics', '/docs', '/docs/json', '/admin/queues', '/v1/documents/x', '/nope']) {
      expect((await app.inject({ url })).statusCode, url).toBe(401);
    }
    const board = await app.inject({ url: '/admin/queues' });
    expect(board.headers['www-authenticate']).toMatch(/^Basic/);
  });
});

describe('errors', () => {
  it('answers unknown routes and documents with 404 INVEX_E_NOT_FOUND', async () => {
    const route = await app.inject({ url: '/v2/nothing', headers: auth });
    expect(route.statusCode).toBe(404);
    expect(route.json().error.code).toBe('INVEX_E_NOT_FOUND');
    const doc = await app.inject({ url: `/v1/documents/sha256:${'0'.repeat(64)}`, headers: auth });
    expect(doc.statusCode).toBe(404);
    expect(doc.json().error.code).toBe('INVEX_E_NOT_FOUND');
    const bad = await app.inject({ url: '/v1/documents/not-an-id', headers: auth });
    expect(bad.statusCode).toBe(404);
  });

  it('answers invalid queries with 400 INVEX_E_USAGE', async () => {
    const r = await app.inject({ url: '/v1/documents?status=lost', headers: auth });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('INVEX_E_USAGE');
  });
});

describe('upload refusals', () => {
  const post = (parts: Parameters<typeof multipart>[0]) => {
    const m = multipart(parts);
    return app.inject({
      method: 'POST',
      url: '/v1/documents',
      payload: m.payload,
      headers: { ...auth, ...m.headers },
    });
  };

  it('413 for a file over the size limit', async () => {
    const r = await post([{ name: 'file', filename: 'big.pdf', data: new Uint8Array(300_000).fill(32) }]);
    expect(r.statusCode).toBe(413);
    expect(r.json().error.code).toBe('INVEX_E_FILE_TOO_LARGE');
  });

  it('413 for a PDF over the page limit (counted at upload)', async () => {
    const r = await post([{ name: 'file', filename: 'three.pdf', data: await pdfWithPages(3) }]);
    expect(r.statusCode).toBe(413);
    expect(r.json().error.code).toBe('INVEX_E_TOO_MANY_PAGES');
  });

  it('415 for bytes that are not a supported type, sniffed (never by name)', async () => {
    const text = await post([{ name: 'file', filename: 'invoice.pdf', data: 'just some text\n' }]);
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe('INVEX_E_UNRECOGNIZED_FORMAT');
    const zip = Buffer.from('504b0304140000000800', 'hex');
    const z = await post([
      { name: 'file', filename: 'a.pdf', data: Buffer.concat([zip, Buffer.alloc(100)]) },
    ]);
    expect(z.statusCode).toBe(415);
  });

  it('400 for no file, bad metadata, a refused callback, unknown fields; nothing is queued', async () => {
    const pdf = await invoicePdf(1);
    const cases = [
      [{ name: 'metadata', data: '{}' }],
      [
        { name: 'file', filename: 'a.pdf', data: pdf },
        { name: 'metadata', data: '{not json' },
      ],
      [
        { name: 'file', filename: 'a.pdf', data: pdf },
        { name: 'callback_url', data: 'http://10.1.2.3/hook' },
      ],
      [
        { name: 'file', filename: 'a.pdf', data: pdf },
        { name: 'callback_url', data: 'ftp://example.com/x' },
      ],
      [
        { name: 'file', filename: 'a.pdf', data: pdf },
        { name: 'colour', data: 'blue' },
      ],
    ];
    for (const parts of cases) {
      const r = await post(parts);
      expect(r.statusCode, JSON.stringify(r.json())).toBe(400);
      expect(['INVEX_E_USAGE', 'INVEX_E_CALLBACK_REFUSED']).toContain(r.json().error.code);
    }
    expect(await rt.queues.deliver.count()).toBe(0);
  });

  it('refuses a non-multipart body', async () => {
    const r = await app.inject({ method: 'POST', url: '/v1/documents', payload: { a: 1 }, headers: auth });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('INVEX_E_USAGE');
  });

  it('one bad file refuses the whole upload', async () => {
    const r = await post([
      { name: 'file', filename: 'a.pdf', data: await invoicePdf(2) },
      { name: 'file', filename: 'b.txt', data: 'text' },
    ]);
    expect(r.statusCode).toBe(415);
    expect(await rt.queues.deliver.count()).toBe(0);
  });
});

describe('docs, metrics, dashboard', () => {
  it('serves the OpenAPI document built from the route schemas', async () => {
    const r = await app.inject({ url: '/docs/json', headers: auth });
    expect(r.statusCode).toBe(200);
    const spec = r.json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/v1/documents', '/v1/documents/{id}', '/v1/documents/{id}/export']),
    );
    const ui = await app.inject({ url: '/docs', headers: auth });
    expect([200, 302]).toContain(ui.statusCode);
  });

  it('exposes queue depths on /metrics', async () => {
    const r = await app.inject({ url: '/metrics', headers: auth });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('invex_queue_jobs{queue="ocr",state="waiting"} 0');
    expect(r.body).toContain('invex_stage_duration_seconds');
  });

  it('serves Bull Board behind auth', async () => {
    const r = await app.inject({ url: '/admin/queues', headers: auth });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/html/);
  });
});
