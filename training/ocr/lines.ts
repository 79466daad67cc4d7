/**
 * Receipt lines for fine-tuning tesseract (`node bin/run-ts.js training/ocr/lines.ts [--dev corpus/eval/sroie-dev]
 * [--out runs/ocr-lines] [--val 0.1] [--cache corpus/cache/sroie]`): the SROIE receipts that are not in the dev
 * set, each as the page raster our ingest gives OCR (same grayscale, same upscaling) with its reference lines
 * (`box/NNN.csv`) mapped onto it and what our OCR read on each (the import's words cache), written as
 * `<split>/<receipt>` in pages.ts's format; `prepare.py` cuts the lines into tesseract's training files. The
 * dev set's receipts are never written; of the rest, a share of shops goes to `val/` to measure on (split.ts).
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { wordsCacheFile } from '../../src/corpus/import-common.js';
import { referenceLines, SROIE_DIR } from '../../src/corpus/import-sroie.js';
import { defaultIngestOptions, ingestBytes } from '../../src/document/ingest.js';
import type { DocumentWords } from '../../src/types.js';
import { type TrainingLine, writeLinePage } from './pages.js';
import { ocrReceipts } from './split.js';

const { values } = parseArgs({
  options: {
    dev: { type: 'string', default: 'corpus/eval/sroie-dev' },
    out: { type: 'string', default: 'runs/ocr-lines' },
    val: { type: 'string', default: '0.1' },
    cache: { type: 'string', default: 'corpus/cache/sroie' },
  },
});
const out = resolve(values.out);
rmSync(out, { recursive: true, force: true });
for (const split of ['train', 'val']) mkdirSync(join(out, split), { recursive: true });

const { receipts, devCount } = await ocrReceipts(values.dev, Number(values.val));

const counts = { train: 0, val: 0, receipts: 0, skipped: 0 };
for (const { entry: e, split } of receipts) {
  const stem = basename(e.path).replace(/\.\w+$/, '');
  const bytes = readFileSync(e.path);
  const meta = await sharp(bytes).metadata();
  const page = (await ingestBytes(bytes, defaultIngestOptions())).pages[0];
  if (page?.kind !== 'raster') {
    counts.skipped++;
    continue;
  }
  const { raster } = page;
  const sx = raster.width / (meta.width ?? raster.width);
  const sy = raster.height / (meta.height ?? raster.height);
  // Our OCR's words of this receipt (the import's cache): their letter case is carried over to the reference
  // text, which SROIE gives in capitals only (prepare.py).
  const cached = JSON.parse(
    readFileSync(wordsCacheFile(resolve(values.cache), e.path), 'utf8'),
  ) as DocumentWords;
  const ocrWords = cached.pages[0]?.words ?? [];
  const csv = readFileSync(join(SROIE_DIR, 'box', `${stem}.csv`), 'utf8');
  const lines: TrainingLine[] = [];
  for (const {
    box: [x0, y0, x1, y1],
    text,
  } of referenceLines(csv)) {
    if (!text) continue;
    const fx0 = x0 / (meta.width ?? 1);
    const fx1 = x1 / (meta.width ?? 1);
    const fy0 = y0 / (meta.height ?? 1);
    const fy1 = y1 / (meta.height ?? 1);
    const ocr = ocrWords
      .filter((w) => {
        const cy = (w.bbox[1] + w.bbox[3]) / 2;
        const cx = (w.bbox[0] + w.bbox[2]) / 2;
        return cy > fy0 && cy < fy1 && cx > fx0 && cx < fx1;
      })
      .sort((a, b) => a.bbox[0] - b.bbox[0])
      .map((w) => w.text)
      .join(' ');
    const box: [number, number, number, number] = [
      Math.max(0, Math.floor(x0 * sx)),
      Math.max(0, Math.floor(y0 * sy)),
      Math.min(raster.width - 1, Math.ceil(x1 * sx)),
      Math.min(raster.height - 1, Math.ceil(y1 * sy)),
    ];
    if (box[2] - box[0] < 8 || box[3] - box[1] < 8) continue;
    lines.push({ box, text, ocr });
  }
  await writeLinePage(join(out, split, stem), raster, lines);
  counts[split] += lines.length;
  counts.receipts++;
}
console.log(
  `${counts.receipts} receipts (${devCount} dev receipts left out, ${counts.skipped} without a raster): ` +
    `${counts.train} train lines, ${counts.val} val lines in ${out}`,
);
