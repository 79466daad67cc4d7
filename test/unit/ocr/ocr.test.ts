import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvexError } from '../../../src/errors.js';
import { ocrDocument, ocrRaster, type RasterWords } from '../../../src/ocr/ocr.js';
import { rotateRaster } from '../../../src/ocr/raster.js';
import { closeOcr } from '../../../src/ocr/tesseract.js';
import type { BBox, IngestedDocument, Raster, Rotation, Word } from '../../../src/types.js';
import {
  buildInvoiceImage,
  buildTextImage,
  type DrawnImage,
  wordRecall,
} from '../../fixtures/invoice-image.js';

const opts = { lang: 'eng', workers: 2, recyclePages: 100 };
let invoice: DrawnImage;

beforeAll(() => {
  invoice = buildInvoiceImage();
});
afterAll(closeOcr);

/** Words whose text occurs once among the drawn and once among the found words, paired up. */
function uniquePairs(drawn: DrawnImage['words'], found: Word[]): [BBox, BBox][] {
  const once = <T extends { text: string }>(ws: T[]) => {
    const m = new Map<string, T[]>();
    for (const w of ws) m.set(w.text.toLowerCase(), [...(m.get(w.text.toLowerCase()) ?? []), w]);
    return new Map([...m].filter(([, v]) => v.length === 1).map(([k, v]) => [k, v[0] as T]));
  };
  const d = once(drawn);
  const f = once(found);
  return [...d].flatMap(([k, w]) => {
    const g = f.get(k);
    return g ? [[w.bbox, g.bbox] as [BBox, BBox]] : [];
  });
}

function expectReadsInvoice(r: RasterWords, rotation: Rotation): void {
  expect(r.rotation).toBe(rotation);
  expect([r.width, r.height]).toEqual([invoice.raster.width, invoice.raster.height]);
  expect(wordRecall(invoice.words, r.words)).toBeGreaterThanOrEqual(0.95);
  for (const w of r.words) {
    const [x0, y0, x1, y1] = w.bbox;
    expect(0 <= x0 && x0 < x1 && x1 <= 1 && 0 <= y0 && y0 < y1 && y1 <= 1, `${w.text} ${w.bbox}`).toBe(true);
    expect(w.confidence).toBeGreaterThanOrEqual(0);
    expect(w.confidence).toBeLessThanOrEqual(1);
    expect(w.text.trim()).toBe(w.text);
    expect(w.text.length).toBeGreaterThan(0);
  }
  const pairs = uniquePairs(invoice.words, r.words);
  expect(pairs.length).toBeGreaterThan(40);
  for (const [drawn, found] of pairs) {
    for (let i = 0; i < 4; i++)
      expect(Math.abs((drawn[i] as number) - (found[i] as number))).toBeLessThan(0.02);
  }
  // Lines are numbered 0..n without gaps, in reading order.
  const lines = [...new Set(r.words.map((w) => w.line))];
  expect(lines).toEqual(lines.map((_, i) => i));
}

describe('ocrRaster', () => {
  it('reads an upright 300-DPI invoice: ≥95% of the words, boxes where they were drawn', async () => {
    expectReadsInvoice(await ocrRaster(invoice.raster, opts), 0);
  });

  it('turns a page scanned 90° clockwise upright (rotation 270)', async () => {
    const turned = await rotateRaster(invoice.raster, 90);
    expectReadsInvoice(await ocrRaster(turned, opts), 270);
  });

  it('turns a page scanned upside down upright (rotation 180)', async () => {
    const turned = await rotateRaster(invoice.raster, 180);
    expectReadsInvoice(await ocrRaster(turned, opts), 180);
  });

  it('gives a coded error for a zero-size or inconsistent raster', async () => {
    const bad: Raster[] = [
      { data: Buffer.alloc(0), width: 0, height: 0, dpi: 300 },
      { data: Buffer.alloc(10), width: 100, height: 100, dpi: 300 },
      { data: Buffer.alloc(100), width: 10, height: 10, dpi: 0 },
    ];
    for (const raster of bad) {
      const err = await ocrRaster(raster, opts).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvexError);
      expect((err as InvexError).code).toBe('INVEX_E_IMAGE_CORRUPT');
    }
  });

  it('reads nothing from a blank page, without error', async () => {
    const blank = { data: Buffer.alloc(600 * 800, 255), width: 600, height: 800, dpi: 100 };
    const r = await ocrRaster(blank, opts);
    expect(r.words).toEqual([]);
    expect(r.rotation).toBe(0);
  });
});

describe('ocrDocument', () => {
  it('passes text pages through and OCRs raster pages', async () => {
    const line = buildTextImage('Total amount due 1234.50 EUR');
    const textWord: Word = { text: 'Hello', bbox: [0.1, 0.1, 0.2, 0.12], confidence: 1, line: 0 };
    const doc: IngestedDocument = {
      id: 'sha256:test',
      mediaType: 'application/pdf',
      pages: [
        { kind: 'text', number: 1, width: 595, height: 842, unit: 'pt', words: [textWord] },
        { kind: 'raster', number: 2, width: 595, height: 842, unit: 'pt', raster: invoice.raster },
        {
          kind: 'raster',
          number: 3,
          width: line.raster.width,
          height: line.raster.height,
          unit: 'px',
          raster: line.raster,
        },
      ],
    };
    const out = await ocrDocument(doc, opts);
    expect(out.id).toBe('sha256:test');
    expect(out.pages.map((p) => [p.number, p.source, p.unit, p.rotation])).toEqual([
      [1, 'text', 'pt', 0],
      [2, 'ocr', 'pt', 0],
      [3, 'ocr', 'px', 0],
    ]);
    expect(out.pages[0]?.words).toEqual([textWord]);
    expect([out.pages[1]?.width, out.pages[1]?.height]).toEqual([595, 842]);
    expect(wordRecall(invoice.words, out.pages[1]?.words ?? [])).toBeGreaterThanOrEqual(0.95);
    expect(out.pages[2]?.words.map((w) => w.text)).toEqual(line.words.map((w) => w.text));
    expect([out.pages[2]?.width, out.pages[2]?.height]).toEqual([line.raster.width, line.raster.height]);
  });
});
