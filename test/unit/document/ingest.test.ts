import { createHash } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultIngestOptions, documentId, ingestBytes, readInput } from '../../../src/document/ingest.js';
import { sniffMediaType } from '../../../src/document/sniff.js';
import { InvexError } from '../../../src/errors.js';
import { multiPagePdf } from '../../fixtures/pdf.js';
import { minimalDocx, storedZip } from '../../fixtures/zip.js';

async function errorOf(p: Promise<unknown>): Promise<InvexError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof InvexError) return err;
    throw err;
  }
  throw new Error('expected an InvexError');
}

/** Deterministic noise (xorshift32) that matches no file signature. */
function noise(n: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('sniffMediaType', () => {
  it('detects the supported types from the bytes', async () => {
    const img = sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } });
    expect(await sniffMediaType(await img.clone().png().toBuffer())).toBe('image/png');
    expect(await sniffMediaType(await img.clone().jpeg().toBuffer())).toBe('image/jpeg');
    expect(await sniffMediaType(await img.clone().tiff().toBuffer())).toBe('image/tiff');
    expect(await sniffMediaType(await img.clone().webp().toBuffer())).toBe('image/webp');
    expect(await sniffMediaType(await multiPagePdf(1))).toBe('application/pdf');
  });

  it('accepts a PDF whose header follows some leading junk', async () => {
    const pdf = await multiPagePdf(1);
    const junk = new TextEncoder().encode('garbage line from a mail gateway\r\n');
    expect(await sniffMediaType(new Uint8Array([...junk, ...pdf]))).toBe('application/pdf');
  });

  it('refuses an empty input', async () => {
    expect((await errorOf(sniffMediaType(new Uint8Array()))).code).toBe('INVEX_E_EMPTY_FILE');
  });

  it('refuses random bytes and plain text as unrecognised', async () => {
    expect((await errorOf(sniffMediaType(noise(4096)))).code).toBe('INVEX_E_UNRECOGNIZED_FORMAT');
    const text = await errorOf(sniffMediaType(new TextEncoder().encode('Invoice 42, total 10.00 EUR\n')));
    expect(text.code).toBe('INVEX_E_UNRECOGNIZED_FORMAT');
    expect(text.message).toMatch(/plain text/);
  });

  it('refuses known but unsupported types, naming them', async () => {
    const zip = await errorOf(sniffMediaType(storedZip({ 'invoice.txt': 'hello' })));
    expect(zip.code).toBe('INVEX_E_UNSUPPORTED_TYPE');
    expect(zip.message).toContain('application/zip');
    const docx = await errorOf(sniffMediaType(minimalDocx()));
    expect(docx.code).toBe('INVEX_E_UNSUPPORTED_TYPE');
    expect(docx.message).toContain('wordprocessingml');
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
      .gif()
      .toBuffer();
    expect((await errorOf(sniffMediaType(gif))).message).toContain('image/gif');
  });
});

describe('ingestBytes', () => {
  it('ids a document by the SHA-256 of its bytes', async () => {
    const bytes = await multiPagePdf(2);
    const doc = await ingestBytes(bytes, { ...defaultIngestOptions(), dpi: 72 });
    expect(doc.id).toBe(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);
    expect(documentId(bytes)).toBe(doc.id);
    expect(doc.pages.map((p) => [p.number, p.kind])).toEqual([
      [1, 'text'],
      [2, 'text'],
    ]);
    // pdfjs must not detach the caller's buffer.
    expect(bytes.byteLength).toBeGreaterThan(0);
  });

  it('reads its defaults from the configuration', () => {
    const d = defaultIngestOptions();
    expect(d.ocr).toBe('auto');
    expect(d.maxPages).toBeGreaterThan(0);
    expect(d.dpi).toBeGreaterThanOrEqual(72);
  });
});

describe('readInput', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'invex-ingest-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file', async () => {
    const path = join(dir, 'a.bin');
    await writeFile(path, Buffer.from([1, 2, 3]));
    expect([...(await readInput(path, 10))]).toEqual([1, 2, 3]);
  });

  it('maps missing paths, directories and oversized files to their codes', async () => {
    expect((await errorOf(readInput(join(dir, 'nope.pdf'), 10))).code).toBe('INVEX_E_FILE_NOT_FOUND');
    expect((await errorOf(readInput(join(dir, 'nope', 'x.pdf'), 10))).code).toBe('INVEX_E_FILE_NOT_FOUND');
    expect((await errorOf(readInput(dir, 10))).code).toBe('INVEX_E_FILE_UNREADABLE');
    const big = join(dir, 'big.bin');
    await writeFile(big, Buffer.alloc(11));
    expect((await errorOf(readInput(big, 10))).code).toBe('INVEX_E_FILE_TOO_LARGE');
  });

  it.skipIf(process.getuid?.() === 0)('maps a file without read permission to UNREADABLE', async () => {
    const path = join(dir, 'locked.pdf');
    await writeFile(path, 'x');
    await chmod(path, 0o000);
    expect((await errorOf(readInput(path, 10))).code).toBe('INVEX_E_FILE_UNREADABLE');
  });
});
