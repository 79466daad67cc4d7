/**
 * Faint pages: when tesseract's one threshold for the page loses the text (few well-read words), the page is read
 * again with its contrast stretched, by Otsu and by Sauvola, and as it came with a threshold per tile. Real SROIE receipts that the first reading gets
 * nothing or garbage from, and a sparse clean page that must stay as it was read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SROIE_DIR } from '../../../src/corpus/import-sroie.js';
import { defaultIngestOptions, ingestBytes } from '../../../src/document/ingest.js';
import { ocrRaster, orientationScore, type RasterWords } from '../../../src/ocr/ocr.js';
import { closeOcr, recognizeRaster } from '../../../src/ocr/tesseract.js';
import type { Raster } from '../../../src/types.js';
import { buildTextImage, wordRecall } from '../../fixtures/invoice-image.js';

const opts = { lang: 'eng', workers: 2, recyclePages: 100 };
afterAll(closeOcr);

async function receipt(name: string): Promise<Raster> {
  const bytes = new Uint8Array(readFileSync(join(SROIE_DIR, 'img', name)));
  const page = (await ingestBytes(bytes, defaultIngestOptions())).pages[0];
  if (page?.kind !== 'raster') throw new Error('expected a raster page');
  return page.raster;
}

const lineTexts = (r: RasterWords) => {
  const lines = new Map<number, string[]>();
  for (const word of r.words) lines.set(word.line, [...(lines.get(word.line) ?? []), word.text]);
  return [...lines.values()].map((l) => l.join(' '));
};

describe('faint pages', () => {
  it('reads a light gray dot-matrix receipt that the first reading finds no text on (SROIE 600)', async () => {
    const raster = await receipt('600.jpg');
    const first = orientationScore(await recognizeRaster(raster, { ...opts, tuned: true }));
    expect(first.good).toBeLessThan(5);
    const r = await ocrRaster(raster, opts);
    expect(r.rotation).toBe(0);
    const text = lineTexts(r);
    expect(text).toContain('MEGAH RETAIL SDN BHD');
    expect(text.some((l) => /Cash.*5\.00/.test(l))).toBe(true);
  });

  it('reads a receipt that only a threshold per tile of the page reads (SROIE 415)', async () => {
    const r = await ocrRaster(await receipt('415.jpg'), opts);
    expect(lineTexts(r).join('\n')).toMatch(/SPEED MART/);
  });

  it('keeps an upright photo on a dark background upright instead of turning it (SROIE 229)', async () => {
    const r = await ocrRaster(await receipt('229.jpg'), opts);
    // Read once with the page's one threshold, it scored so low that a quarter turn looked better.
    expect(r.rotation).toBe(0);
    expect(lineTexts(r).join('\n')).toMatch(/Jalan Pinang/);
  });

  it('leaves a sparse, clean page as it was read', async () => {
    const drawn = buildTextImage('Thank you for your order');
    const r = await ocrRaster(drawn.raster, opts);
    expect(r.rotation).toBe(0);
    expect(wordRecall(drawn.words, r.words)).toBe(1);
  });
});
