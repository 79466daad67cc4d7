/**
 * The service end to end over real HTTP: a listening API, in-process workers (OCR and NER+assemble in
 * sandboxed child processes), real Redis, and a webhook receiver on 127.0.0.1. Upload → signed webhook
 * with the full result; status, list, page image, exports (CSV parsed, UBL checked by xmllint against the
 * UBL 2.1 XSD), the delivery log, duplicates, failures with their code, metrics, delete.
 */
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/api/app.js';
import { createLocalStore } from '../../../src/deliver/store.js';
import { verifyWebhook } from '../../../src/deliver/webhook.js';
import { QueueRuntime } from '../../../src/queue/runtime.js';
import { type RunningWorkers, startWorkers } from '../../../workers/start.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../../fixtures/browser.js';
import { ciiXml, einvoicePdf } from '../../fixtures/einvoice.js';
import { ensureTestModel } from '../../fixtures/smoke-model.js';
import {
  API_KEY,
  dropPrefix,
  HAS_XMLLINT,
  invoicePdf,
  invoicePng,
  startReceiver,
  tempDir,
  testSettings,
  WEBHOOK_SECRET,
  waitUntil,
  xmllintUbl,
} from './helpers.js';

const settings = testSettings();
const data = tempDir('pipeline');
let rt: QueueRuntime;
let app: FastifyInstance;
let base: string;
let workers: RunningWorkers;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const auth = { authorization: `Bearer ${API_KEY}` };

async function upload(files: { name: string; bytes: Uint8Array }[], fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const f of files) form.append('file', new Blob([f.bytes]), f.name);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const r = await fetch(`${base}/v1/documents`, { method: 'POST', body: form, headers: auth });
  return {
    status: r.status,
    body: (await r.json()) as { id: string; status: string; duplicate?: boolean }[],
  };
}

const get = (path: string) => fetch(`${base}${path}`, { headers: auth });
// biome-ignore lint/suspicious/noExplicitAny: answers are checked by the assertions
const getJson = async (path: string): Promise<any> => (await get(path)).json();

/** The document's status once it is done or failed. */
const finished = (id: string, ms: number, what: string) =>
  waitUntil(
    async () => {
      const s = await getJson(`/v1/documents/${id}`);
      return s.status === 'done' || s.status === 'failed' ? s : undefined;
    },
    ms,
    what,
  );

beforeAll(async () => {
  const modelDir = await ensureTestModel();
  receiver = await startReceiver();
  workers = await startWorkers({
    settings,
    dataDir: data.dir,
    modelDir,
    concurrency: 1,
    webhook: { secret: WEBHOOK_SECRET, allow: ['127.0.0.1'] },
  });
  rt = QueueRuntime.open(settings, { failFast: true });
  await rt.waitUntilConnected();
  app = await buildApp({
    runtime: rt,
    store: createLocalStore(data.dir),
    apiKeys: [API_KEY],
    limits: { maxFileBytes: 20_000_000, maxPages: 10, maxImagePixels: 50_000_000, maxFiles: 5 },
    webhook: { secret: WEBHOOK_SECRET, allow: ['127.0.0.1'] },
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app?.close();
  await workers?.close();
  await rt?.close();
  await receiver?.close();
  await dropPrefix(settings);
  data.remove();
});

describe('upload → webhook', () => {
  let id: string;

  it('queues an upload, then POSTs a signed webhook with the full result', async () => {
    const pdf = await invoicePdf(3);
    const up = await upload([{ name: 'inv-3.pdf', bytes: pdf }], {
      callback_url: receiver.url,
      metadata: JSON.stringify({ batch: 'b-1' }),
    });
    expect(up.status).toBe(202);
    expect(up.body).toHaveLength(1);
    id = up.body[0]?.id as string;
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(up.body[0]).toMatchObject({ status: 'queued', links: { self: `/v1/documents/${id}` } });

    const hook = await receiver.waitFor(id, 90_000);
    expect(hook.json.event).toBe('document.done');
    expect(hook.headers['invex-event']).toBe('document.done');
    const check = verifyWebhook(WEBHOOK_SECRET, hook.headers['invex-signature'] as string, hook.body);
    expect(check).toMatchObject({ ok: true });
    expect(
      verifyWebhook('another-secret-0123456789', hook.headers['invex-signature'] as string, hook.body).ok,
    ).toBe(false);

    const status = await getJson(`/v1/documents/${id}`);
    expect(status).toMatchObject({
      id,
      status: 'done',
      file_name: 'inv-3.pdf',
      progress: { pages_done: 1, pages_total: 1 },
      metadata: { batch: 'b-1' },
    });
    // The webhook carries the same full result the API serves.
    expect(hook.json.data).toEqual(status.result);
    expect(status.result.schema_version).toBe('1');
    expect(status.result.document.id).toBe(id);
    expect(status.result.document.pages[0].source).toBe('text');
    // Every page had a text layer: the ingest job ran NER and assembly itself, with no assemble job.
    const hex = id.slice(7);
    const ingest = await rt.queues.ingest.getJob(hex);
    expect(ingest?.returnvalue).toMatchObject({
      pages: 1,
      ocr_pages: 0,
      assembled: { fields: expect.any(Number) },
    });
    expect(await rt.queues.assemble.getJob(hex)).toBeUndefined();
    expect(status.result.timings_ms).toMatchObject({
      ingest: expect.any(Number),
      ocr: 0,
      ner: expect.any(Number),
    });
  });

  it('gives the same id for the same bytes, and queues nothing new', async () => {
    const again = await upload([{ name: 'copy.pdf', bytes: await invoicePdf(3) }], {
      callback_url: receiver.url,
    });
    expect(again.status).toBe(202);
    expect(again.body[0]).toMatchObject({ id, status: 'done', duplicate: true });
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.received.filter((h) => h.json.id === id)).toHaveLength(1);
  });

  it('lists documents with filters and a cursor', async () => {
    const all = await getJson('/v1/documents?limit=1');
    expect(all.documents).toHaveLength(1);
    expect(all.documents[0].id).toBe(id);
    const done = await getJson('/v1/documents?status=done');
    expect(done.documents.map((d: { id: string }) => d.id)).toContain(id);
    const failed = await getJson('/v1/documents?status=failed');
    expect(failed.documents.map((d: { id: string }) => d.id)).not.toContain(id);
    const future = await getJson(`/v1/documents?since=${encodeURIComponent('2999-01-01T00:00:00Z')}`);
    expect(future.documents).toEqual([]);
  });

  it('serves a page image as PNG, and 404 past the last page', async () => {
    const r = await get(`/v1/documents/${id}/pages/1`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/png');
    const meta = await sharp(Buffer.from(await r.arrayBuffer())).metadata();
    expect(meta.format).toBe('png');
    expect(meta.height).toBeGreaterThan(meta.width ?? 0);
    expect((await get(`/v1/documents/${id}/pages/2`)).status).toBe(404);
  });

  it('exports CSV that parses, per invoice and per line item', async () => {
    const r = await get(`/v1/documents/${id}/export?format=csv`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parse(await r.text(), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]?.document_id).toBe(id);
    const lines = await get(`/v1/documents/${id}/export?format=csv&lines=1`);
    const lineRows = parse(await lines.text(), { columns: true }) as Record<string, string>[];
    for (const row of lineRows) expect(row.document_id).toBe(id);
  });

  it.skipIf(!HAS_XMLLINT)('exports UBL 2.1 that validates against the official XSD', async () => {
    const r = await get(`/v1/documents/${id}/export?format=ubl`);
    expect(r.status).toBe(200);
    const xml = await r.text();
    const root = /<(?:\w+:)?CreditNote[\s>]/.test(xml.slice(0, 600)) ? 'CreditNote' : 'Invoice';
    const [ok, errors] = xmllintUbl(xml, root);
    expect(errors).not.toMatch(/fails to validate/);
    expect(ok).toBe(true);
  });

  it('keeps a delivery log', async () => {
    const log = await getJson(`/v1/documents/${id}/deliveries`);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ ok: true, status: 200, event: 'document.done', attempt: 1 });
  });

  it('deletes the stored data and the jobs', async () => {
    const del = await fetch(`${base}/v1/documents/${id}`, { method: 'DELETE', headers: auth });
    expect(del.status).toBe(204);
    expect((await get(`/v1/documents/${id}`)).status).toBe(404);
    expect((await get(`/v1/documents/${id}/export?format=csv`)).status).toBe(404);
    expect(await rt.queues.deliver.getJob(id.slice(7))).toBeUndefined();
    expect((await fetch(`${base}/v1/documents/${id}`, { method: 'DELETE', headers: auth })).status).toBe(404);
  });
});

describe('embedded e-invoices and the review screen', () => {
  let id: string;
  it('takes the values of a Factur-X PDF from its XML through the queue, as in-process', async () => {
    const up = await upload(
      [{ name: 'facturx.pdf', bytes: await einvoicePdf([{ name: 'factur-x.xml', xml: ciiXml() }]) }],
      { callback_url: receiver.url },
    );
    id = up.body[0]?.id as string;
    const status = await finished(id, 60_000, 'the e-invoice to finish');
    expect(status.status).toBe('done');
    expect(status.result.document.embedded.file).toBe('factur-x.xml');
    expect(status.result.fields.total_amount).toMatchObject({ value: '119.00', source: 'embedded' });
    expect(status.result.fields.supplier_vat_id.value).toBe('DE136695976');
  });

  it('shows the page with a box on each value, linked to its row, in a real browser', async () => {
    const result = (await getJson(`/v1/documents/${id}`)).result;
    const anonymous = await fetch(`${base}/review/${id}`);
    expect(anonymous.status).toBe(401);
    // Basic, so that a browser asks for the key (the password; any user name).
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic/);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const ctx = await browser.newContext({
        httpCredentials: { username: 'reviewer', password: API_KEY },
        viewport: { width: 1400, height: 1000 },
      });
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      // Each URL's first answer is the 401 challenge (Basic) that the browser then answers with the key;
      // every other console error (a CSP violation, a failed image) fails the test.
      page.on('console', (m) => {
        if (m.type() === 'error' && !/status of 401/.test(m.text())) errors.push(m.text());
      });
      // The first answer may be the 401 challenge the browser then answers with the key.
      const image = page.waitForResponse((r) => r.url().endsWith('/pages/1') && r.status() !== 401);
      const link = (await getJson(`/v1/documents/${id}`)).links.review;
      expect(link).toBe(`/review/${id}`);
      const res = await page.goto(`${base}${link}`);
      expect(res?.status()).toBe(200);
      // The page image arrived through the API with the same credentials, and the browser decoded it.
      expect((await image).status()).toBe(200);
      await expect
        .poll(() =>
          page
            .locator('figure.page img')
            .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
        )
        .toBeGreaterThan(0);
      const rows = page.locator('table.fields tr[data-field]');
      expect(await rows.count()).toBe(Object.keys(result.fields).length);
      const row = page.locator('tr[data-field="invoice_number"]');
      expect(await row.locator('input.edit').inputValue()).toBe('RE-2024-0815');
      // The box sits where the result's region says, over the rendered page.
      const figure = await page.locator('figure.page').boundingBox();
      const box = await page.locator('.box[data-field="invoice_number"]').boundingBox();
      const [x0, y0] = result.fields.invoice_number.regions[0].bbox;
      expect(figure && box).toBeTruthy();
      if (!figure || !box) return;
      expect(Math.abs(box.x - (figure.x + x0 * figure.width))).toBeLessThan(2);
      expect(Math.abs(box.y - (figure.y + y0 * figure.height))).toBeLessThan(2);
      // Clicking the row marks its box, and clicking another value moves the mark.
      await row.click();
      expect(await page.locator('.box[data-field="invoice_number"]').getAttribute('class')).toContain(
        'active',
      );
      await page.locator('.box[data-field="supplier_name"]').click();
      expect(await page.locator('tr[data-field="supplier_name"]').getAttribute('class')).toContain('active');
      expect(await page.locator('.box[data-field="invoice_number"]').getAttribute('class')).not.toContain(
        'active',
      );
      expect(await page.locator('.checks .pass code', { hasText: 'INVEX-EMBEDDED-INVOICE' }).count()).toBe(1);
      expect(await page.locator('p.attention').count()).toBe(1);
      expect(errors, errors.join('\n')).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('takes corrections on the review screen and by PATCH, and posts each as document.corrected', async () => {
    const hex = id.replace('sha256:', '');
    const patch = (path: string, body: unknown, headers: Record<string, string> = auth) =>
      fetch(`${base}${path}`, {
        method: 'PATCH',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await patch(`/v1/documents/${id}/fields`, { fields: { tax_amount: '19.00' } }, {})).status).toBe(
      401,
    );
    const bad = await patch(`/v1/documents/${id}/fields`, {
      fields: { issue_date: '05.03.2024', totl: '1' },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
      'totl: not a document field',
    );
    // The screen's door wants its header (a cross-site form cannot send one).
    expect((await patch(`/review/${id}/fields`, { fields: { tax_amount: '19.00' } })).status).toBe(400);

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const ctx = await browser.newContext({ httpCredentials: { username: 'reviewer', password: API_KEY } });
      const page = await ctx.newPage();
      await page.goto(`${base}/review/${id}`);
      await page.locator('input.edit[data-name="invoice_number"]').fill('RE-2024-0815-K');
      await page.locator('#add-name').selectOption('supplier_website');
      await page.locator('#add-value').fill('www.muster.example');
      await Promise.all([page.waitForEvent('load'), page.locator('#save').click()]);
      const row = page.locator('tr[data-field="invoice_number"]');
      expect(await row.locator('input.edit').inputValue()).toBe('RE-2024-0815-K');
      expect(await row.locator('.source').textContent()).toContain('reviewed');
    } finally {
      await browser.close();
    }
    const corrected = await getJson(`/v1/documents/${id}`);
    expect(corrected.result.fields.invoice_number).toMatchObject({
      value: 'RE-2024-0815-K',
      source: 'reviewed',
      confidence: 1,
    });
    expect(corrected.result.fields.supplier_website.value).toBe('www.muster.example');
    expect(corrected.result.validation[0].rule).toBe('INVEX-REVIEWED');

    const hook = await waitUntil(
      async () => receiver.received.find((h) => h.json.id === id && h.json.event === 'document.corrected'),
      30_000,
      'the document.corrected webhook',
    );
    expect(verifyWebhook(WEBHOOK_SECRET, hook.headers['invex-signature'] as string, hook.body).ok).toBe(true);
    expect(
      (hook.json as unknown as { data: { fields: { invoice_number: { value: string } } } }).data.fields
        .invoice_number.value,
    ).toBe('RE-2024-0815-K');

    const removed = await patch(`/v1/documents/${id}/fields`, { fields: { supplier_vat_id: null } });
    expect(removed.status).toBe(200);
    expect(((await removed.json()) as { result: { fields: object } }).result.fields).not.toHaveProperty(
      'supplier_vat_id',
    );
    await waitUntil(
      async () =>
        receiver.received.filter((h) => h.json.id === id && h.json.event === 'document.corrected').length ===
        2
          ? true
          : undefined,
      30_000,
      'the second document.corrected webhook',
    );
    // Deleting the document removes the correction deliveries' jobs too.
    expect(await rt.queues.deliver.getJob(`${hex}-c2`)).toBeDefined();
    expect((await fetch(`${base}/v1/documents/${id}`, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect(await rt.queues.deliver.getJob(`${hex}-c1`)).toBeUndefined();
    expect(await rt.queues.deliver.getJob(`${hex}-c2`)).toBeUndefined();
  });
});

describe('OCR pages and failures', () => {
  it('runs the pages of a scan through OCR jobs, with progress', async () => {
    const up = await upload([{ name: 'scan.png', bytes: await invoicePng() }]);
    const id = up.body[0]?.id as string;
    const status = await finished(id, 120_000, 'the scan to finish');
    expect(status.status).toBe('done');
    expect(status.progress).toEqual({ pages_done: 1, pages_total: 1 });
    expect(status.result.document.pages[0].source).toBe('ocr');
    expect(status.result.timings_ms.ocr).toBeGreaterThan(0);
    // Pages that need OCR go through the assemble ← ocr(page) flow (the job completes just after it marks the
    // document done).
    const hex = id.slice(7);
    expect(await rt.queues.ingest.getJob(hex).then((j) => j?.returnvalue)).toMatchObject({ ocr_pages: 1 });
    const assembled = await waitUntil(
      async () =>
        (await rt.queues.assemble.getJob(hex).then((j) => j?.getState())) === 'completed' ? true : undefined,
      10_000,
      'the assemble job to complete',
    );
    expect(assembled).toBe(true);
  });

  it('reports bad input as failed with its code, in the status and the webhook, without retrying', async () => {
    const broken = new TextEncoder().encode(
      '%PDF-1.7\n1 0 obj <</Type /Catalog>> endobj\ntrailer <<>>\n%%EOF garbage',
    );
    const up = await upload([{ name: 'broken.pdf', bytes: broken }], { callback_url: receiver.url });
    expect(up.status).toBe(202);
    const id = up.body[0]?.id as string;
    const hook = await receiver.waitFor(id, 60_000);
    expect(hook.json).toMatchObject({
      event: 'document.failed',
      data: { error: { code: 'INVEX_E_PDF_CORRUPT' } },
    });
    const status = await getJson(`/v1/documents/${id}`);
    expect(status).toMatchObject({ status: 'failed', error: { code: 'INVEX_E_PDF_CORRUPT' } });
    const job = await rt.queues.ingest.getJob(id.slice(7));
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toMatch(/^INVEX_E_PDF_CORRUPT: /);
    expect((await get(`/v1/documents/${id}/export?format=ubl`)).status).toBe(409);
  });

  it('counts stages, pages and failures on /metrics', async () => {
    // The workers publish their counts to Redis (within a second of a job); the API merges them per worker.
    const text = await waitUntil(async () => {
      const t = await (await get('/metrics')).text();
      return /invex_failures_total\{stage="ingest",code="INVEX_E_PDF_CORRUPT",worker="[^"]+"\} 1/.test(t)
        ? t
        : undefined;
    }, 10_000);
    expect(text).toMatch(/invex_pages_processed_total\{source="ocr",worker="[^"]+"\} [1-9]/);
    expect(text).toMatch(/invex_pages_processed_total\{source="text",worker="[^"]+"\} [1-9]/);
    // Digital invoices are assembled by their ingest job, scans by an assemble job: both are timed.
    const assembled = /invex_stage_duration_seconds_count\{stage="assemble",worker="[^"]+"\} (\d+)/.exec(
      text,
    );
    expect(Number(assembled?.[1])).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/invex_webhooks_total\{outcome="delivered",worker="[^"]+"\} [1-9]/);
    expect(text).toMatch(/invex_queue_jobs\{queue="[^"]+",state="completed"\} [1-9]/);
    expect(text).toMatch(/invex_api_process_cpu_seconds_total/);
  });
});
