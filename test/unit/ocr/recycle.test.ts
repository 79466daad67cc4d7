import { afterAll, describe, expect, it } from 'vitest';
import { ocrRaster } from '../../../src/ocr/ocr.js';
import { closeOcr } from '../../../src/ocr/tesseract.js';
import { buildTextImage } from '../../fixtures/invoice-image.js';

afterAll(closeOcr);

const TEXTS = ['Invoice 1001', 'Total 250.00', 'Due date 2024-05-01', 'Customer Acme Ltd', 'Thank you'];

describe('OCR worker recycling', () => {
  it('keeps working across recycles (every 2 jobs), sequentially and in parallel', async () => {
    const opts = { lang: 'eng', workers: 2, recyclePages: 2 };
    const images = TEXTS.map((t) => buildTextImage(t));
    for (const img of images) {
      const r = await ocrRaster(img.raster, opts);
      expect(r.words.map((w) => w.text)).toEqual(img.words.map((w) => w.text));
    }
    const all = await Promise.all(images.map((img) => ocrRaster(img.raster, opts)));
    all.forEach((r, i) => {
      expect(r.words.map((w) => w.text)).toEqual(images[i]?.words.map((w) => w.text));
    });
  });

  it('closes, then starts fresh workers on the next call', async () => {
    const img = buildTextImage('Invoice 2002');
    await closeOcr();
    const r = await ocrRaster(img.raster, { lang: 'eng', workers: 1, recyclePages: 2 });
    expect(r.words.map((w) => w.text)).toEqual(['Invoice', '2002']);
  });
});
