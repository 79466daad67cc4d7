/**
 * The page format lines.ts and synth-lines.ts hand to prepare.py: `<stem>.png`, the page raster, beside
 * `<stem>.lines.json`, the page size and each text line's box in raster pixels with its text and what OCR read there.
 */
import { writeFileSync } from 'node:fs';
import sharp from 'sharp';
import type { Raster } from '../../src/types.js';

export interface TrainingLine {
  /** x0, y0, x1, y1 in pixels of the raster. */
  box: [number, number, number, number];
  /** The reference text. */
  text: string;
  /** What OCR read on the line; its letter case is carried over to `text` where the two agree (prepare.py). */
  ocr: string;
}

export async function writeLinePage(
  stem: string,
  raster: Raster,
  lines: readonly TrainingLine[],
): Promise<void> {
  await sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 1 } })
    .png()
    .toFile(`${stem}.png`);
  writeFileSync(`${stem}.lines.json`, JSON.stringify({ width: raster.width, height: raster.height, lines }));
}
