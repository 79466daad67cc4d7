/**
 * Synthetic invoice lines for fine-tuning tesseract beside the receipts (`node bin/run-ts.js
 * training/ocr/synth-lines.ts [--count 220] [--seed 7001] [--out runs/ocr-lines]`): page 1 of generated invoices of
 * the training families (never the held-out test families), rendered and degraded as the corpus's scans are (DPI,
 * blur, noise, contrast, lighting, JPEG; without skew or turns, so the drawn words' boxes stay exact), written as
 * `train/synth-<seed>-<n>` in pages.ts's format. Without them the receipts alone teach tesseract
 * capitals and till-roll print and cost it typeset invoices (model card: 600 → 585 values on synthetic scans).
 * A tenth of the pages go to `val-synth/` to measure that on.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { DrawnWord } from '../../src/corpus/synth/canvas.js';
import { generateDocument } from '../../src/corpus/synth/generate.js';
import { FAMILIES, TEST_FAMILIES } from '../../src/corpus/synth/index.js';
import { degradePage, scanParams } from '../../src/corpus/synth/scan.js';
import { type TrainingLine, writeLinePage } from './pages.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '220' },
    seed: { type: 'string', default: '7001' },
    out: { type: 'string', default: 'runs/ocr-lines' },
  },
});
const out = resolve(values.out);
for (const split of ['train', 'val-synth']) mkdirSync(join(out, split), { recursive: true });
const families = FAMILIES.map((f) => f.name).filter((n) => !TEST_FAMILIES.includes(n));

/** Words of one page → text lines as tesseract would cut them: same row, split where a gap spans two line heights. */
function linesOf(words: DrawnWord[], sx: number, sy: number): TrainingLine[] {
  const rows: DrawnWord[][] = [];
  for (const w of [...words].sort((a, b) => a.box[1] + a.box[3] - (b.box[1] + b.box[3]))) {
    const cy = (w.box[1] + w.box[3]) / 2;
    const row = rows.find((r) => {
      const f = r[0] as DrawnWord;
      return Math.abs((f.box[1] + f.box[3]) / 2 - cy) < (f.box[3] - f.box[1]) * 0.4;
    });
    if (row) row.push(w);
    else rows.push([w]);
  }
  const lines: TrainingLine[] = [];
  for (const row of rows) {
    row.sort((a, b) => a.box[0] - b.box[0]);
    let run: DrawnWord[] = [];
    const flush = () => {
      if (run.length === 0) return;
      const x0 = Math.min(...run.map((w) => w.box[0]));
      const y0 = Math.min(...run.map((w) => w.box[1]));
      const x1 = Math.max(...run.map((w) => w.box[2]));
      const y1 = Math.max(...run.map((w) => w.box[3]));
      const text = run.map((w) => w.text).join(' ');
      const box: [number, number, number, number] = [
        Math.floor(x0 * sx),
        Math.floor(y0 * sy),
        Math.ceil(x1 * sx),
        Math.ceil(y1 * sy),
      ];
      if (box[2] - box[0] >= 8 && box[3] - box[1] >= 8) lines.push({ box, text, ocr: text });
      run = [];
    };
    for (const w of row) {
      const prev = run[run.length - 1];
      if (prev && w.box[0] - prev.box[2] > 2 * (prev.box[3] - prev.box[1])) flush();
      run.push(w);
    }
    flush();
  }
  return lines;
}

let written = 0;
let lineCount = 0;
const count = Number(values.count);
for (let i = 0; i < count; i++) {
  const doc = await generateDocument(Number(values.seed), i, { families });
  const size = doc.pageSizes[0];
  if (!size) continue;
  const params = { ...scanParams(doc.rng), angle: 0, quarter: 0 as const };
  const { raster, geometry } = await degradePage(doc.pdf, size, params, doc.rng);
  const lines = linesOf(
    doc.drawnWords.filter((w) => w.page === 0 && w.text.trim()),
    geometry.sx,
    geometry.sy,
  );
  const split = i % 10 === 9 ? 'val-synth' : 'train';
  const stem = join(out, split, `synth-${values.seed}-${String(i).padStart(4, '0')}`);
  await writeLinePage(stem, raster, lines);
  written++;
  lineCount += lines.length;
}
console.log(`${written} synthetic pages, ${lineCount} lines (families ${families.join(', ')}) in ${out}`);
