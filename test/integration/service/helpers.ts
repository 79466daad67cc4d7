/** Shared by the service integration tests: unique queue prefixes, fixtures, a webhook receiver, cleanup. */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { generateDocument } from '../../../src/corpus/synth/generate.js';
import { redisOptions } from '../../../src/queue/connection.js';
import type { DocumentMeta } from '../../../src/queue/document-meta.js';
import { QUEUE_NAMES, STAGES } from '../../../src/queue/names.js';
import { type QueueSettings, queueSettings } from '../../../src/queue/settings.js';
import { buildInvoiceImage } from '../../fixtures/invoice-image.js';

export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const API_KEY = 'test-key-0123456789abcdef';
export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

/** Settings with a prefix no other run uses, short locks so that stalled jobs are taken over quickly. */
export function testSettings(overrides: Partial<QueueSettings> = {}): QueueSettings {
  return queueSettings(undefined, {
    redisUrl: REDIS_URL,
    prefix: `invex-test-${process.pid}-${randomBytes(3).toString('hex')}`,
    backoffMs: 200,
    ...overrides,
  });
}

/** Removes every key of a test prefix (queues and the document index). */
export async function dropPrefix(settings: QueueSettings): Promise<void> {
  const connection = new Redis(redisOptions(settings.redisUrl));
  try {
    for (const s of STAGES) {
      const q = new Queue(QUEUE_NAMES[s], { connection, prefix: settings.prefix });
      await q.obliterate({ force: true }).catch(() => {});
      await q.close();
    }
    const keys = await connection.keys(`${settings.prefix}:*`);
    if (keys.length) await connection.del(...keys);
  } finally {
    connection.disconnect();
  }
}

export function tempDir(name: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `invex-${name}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A digital (text-layer) invoice PDF from the synthetic generator. */
export async function invoicePdf(index: number, seed = 4242): Promise<Uint8Array> {
  return new Uint8Array((await generateDocument(seed, index)).pdf);
}

/** A scanned-looking invoice (PNG): its page goes through OCR. Another dpi gives other bytes (another id). */
export async function invoicePng(dpi = 200): Promise<Uint8Array> {
  const { raster } = buildInvoiceImage({ dpi });
  const png = await sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 1 } })
    .png()
    .withMetadata({ density: dpi })
    .toBuffer();
  return new Uint8Array(png);
}

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  body: Buffer;
  json: { event: string; id: string; data: Record<string, unknown> };
}

/** A webhook receiver on 127.0.0.1 (loopback: the tests allow-list it). */
export async function startReceiver(status = 200) {
  const received: ReceivedHook[] = [];
  const waiters: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ headers: req.headers, body, json: JSON.parse(body.toString()) });
      res.writeHead(status).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    /** Resolves with the first hook for `id`, waiting up to `ms`. */
    async waitFor(id: string, ms = 60_000): Promise<ReceivedHook> {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = received.find((h) => h.json.id === id);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no webhook for ${id} within ${ms} ms`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 250);
        });
      }
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Polls until `fn` returns a value (not undefined), or throws after `ms`. */
export async function waitUntil<T>(
  fn: () => Promise<T | undefined>,
  ms = 60_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const UBL_DIR = join(ROOT, '..', 'shared', 'data', 'ubl-2.1', 'maindoc');
export const HAS_XMLLINT = spawnSync('xmllint', ['--version']).status === 0 && existsSync(UBL_DIR);

/** xmllint --schema against the official UBL 2.1 XSD; returns [ok, stderr]. */
export function xmllintUbl(xml: string, root: 'Invoice' | 'CreditNote'): [boolean, string] {
  const dir = tempDir('ubl');
  try {
    const file = join(dir.dir, 'doc.xml');
    writeFileSync(file, xml);
    const r = spawnSync('xmllint', ['--noout', '--schema', join(UBL_DIR, `UBL-${root}-2.1.xsd`), file], {
      encoding: 'utf8',
    });
    return [r.status === 0, r.stderr];
  } finally {
    dir.remove();
  }
}

/** A document's stored record (meta.json) as the API writes it at upload, with the given status and fields. */
export function documentMeta(
  hex: string,
  more: Partial<DocumentMeta> & Pick<DocumentMeta, 'status'>,
): DocumentMeta {
  const now = new Date().toISOString();
  return {
    id: `sha256:${hex}`,
    media_type: 'application/pdf',
    bytes: 1,
    created_at: now,
    updated_at: now,
    ...more,
  };
}
