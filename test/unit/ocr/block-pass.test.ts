/**
 * The second, block-layout OCR pass: when auto layout leaves amount captions with no amount ("Total", "CASH",
 * "CHANGE" alone on their lines), the amounts and dates only a block-layout reading has are added to the lines
 * beside them. Pure parts on engine lines, and a real SROIE receipt whose right-hand column auto layout drops.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SROIE_DIR } from '../../../src/corpus/import-sroie.js';
import { defaultIngestOptions, ingestBytes } from '../../../src/document/ingest.js';
import { captionsWithoutAmounts, ocrRaster, withMissingNumbers } from '../../../src/ocr/ocr.js';
import { closeOcr, type EngineLines, type EngineWord } from '../../../src/ocr/tesseract.js';

afterAll(closeOcr);

/** A word at x0..x1 on the row y0..y0+20. */
const w = (text: string, x0: number, x1: number, y0: number, confidence = 90): EngineWord => ({
  text,
  x0,
  x1,
  y0,
  y1: y0 + 20,
  confidence,
});
const texts = (lines: EngineLines) => lines.map((l) => l.map((x) => x.text).join(' '));

describe('block-layout pass', () => {
  it('counts amount captions left with no amount, not headings that never carry one', () => {
    const lines: EngineLines = [
      [w('TAX', 0, 40, 0), w('INVOICE', 50, 120, 0)],
      [w('CASH', 0, 40, 30), w('SALES', 50, 100, 30), w('COUNTER', 110, 180, 30)],
      [w('Total', 0, 50, 60)],
      [w('Total', 0, 50, 90), w('Qty:', 60, 100, 90)],
      [w('CASH', 0, 40, 120), w('10.00', 300, 350, 120)],
      [w('CHANGE', 0, 60, 150)],
      [w('Final', 0, 40, 180), w('Tota!', 50, 90, 180)],
    ];
    expect(captionsWithoutAmounts(lines)).toBe(3);
  });

  it('adds the amounts and dates only the block pass read, on the lines they sit on', () => {
    const auto: EngineLines = [
      [w('Kawasan', 0, 70, 0), w('Perindustrian', 80, 200, 0)],
      [w('Total', 0, 50, 40)],
      [w('CASH', 0, 40, 80)],
      [w('Thank', 0, 50, 160), w('you', 60, 90, 160)],
    ];
    const block: EngineLines = [
      // Read by both passes: kept once.
      [w('Kawasan', 0, 70, 1), w('Perindustrian', 80, 200, 1), w('5', 210, 220, 1)],
      [w('Total', 0, 50, 41), w('8.70', 300, 340, 42)],
      [w('CASH', 0, 40, 81), w('RM10.00', 290, 350, 79)],
      // On no line of the first pass: a line of its own, in reading order.
      [w('Date:', 0, 40, 120), w('10/04/2017', 250, 350, 121)],
    ];
    const merged = withMissingNumbers(auto, block);
    expect(texts(merged)).toEqual([
      // A stray digit is not an amount: an address keeps its words.
      'Kawasan Perindustrian',
      'Total 8.70',
      'CASH RM10.00',
      '10/04/2017',
      'Thank you',
    ]);
    // The first pass's lines are not changed in place.
    expect(texts(auto)).toEqual(['Kawasan Perindustrian', 'Total', 'CASH', 'Thank you']);
  });

  it('reads the faint right-hand column of a real receipt (SROIE 471)', async () => {
    const bytes = new Uint8Array(readFileSync(join(SROIE_DIR, 'img', '471.jpg')));
    const doc = await ingestBytes(bytes, defaultIngestOptions());
    const page = doc.pages[0];
    if (page?.kind !== 'raster') throw new Error('expected a raster page');
    const r = await ocrRaster(page.raster, { lang: 'eng', workers: 1, recyclePages: 100 });
    const lines = new Map<number, string[]>();
    for (const word of r.words) lines.set(word.line, [...(lines.get(word.line) ?? []), word.text]);
    const text = [...lines.values()].map((l) => l.join(' '));
    // Auto layout alone reads "Total", "CASH" and "CHANGE" with nothing beside them.
    expect(text).toContain('Total 8.70');
    expect(text).toContain('CASH 10.00');
    expect(text).toContain('CHANGE 1.30');
  });
});
