/**
 * SROIE importer: the receipt scans of ../shared/data/sroie-train read by our own front end (ingest → OCR),
 * labeled by fuzzy matching of the four field values against the OCR words. OCR is the slow part (1–3 s per
 * receipt), so the words of each receipt are cached in `<out>/cache/sroie/` and a rerun resumes.
 */
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { config } from '../config.js';
import type { Word } from '../types.js';
import {
  countFields,
  type FieldCounts,
  frontEndWords,
  type ImportOptions,
  type ImportReport,
  readGroundTruth,
  runImport,
} from './import-common.js';
import { labelDocument } from './match.js';
import { DEV_FRACTION } from './splits.js';

/** The set, beside the project: `../shared/data/sroie-train` from the repository root. */
export const SROIE_DIR = fileURLToPath(new URL('../../../shared/data/sroie-train', import.meta.url));

export function importSroie(opts: ImportOptions = {}): Promise<ImportReport> {
  return runImport(
    {
      source: 'sroie',
      defaultDataDir: SROIE_DIR,
      devFraction: DEV_FRACTION.sroie,
      defaultConcurrency: config().ocrWorkers,
      read: (entry, out, o) =>
        frontEndWords(entry.path, {
          cacheDir: join(out, 'cache', 'sroie'),
          lang: config().ocrLang, // what `invex extract` reads with, so the model learns from what it will see
          ...(o.refresh !== undefined ? { refresh: o.refresh } : {}),
        }),
      // Malaysian shop receipts, English.
      locale: () => 'en-MY',
    },
    opts,
  );
}

/**
 * Diagnostic only (never corpus words): the found rate of the matcher on the set's reference OCR lines
 * (`box/NNN.csv`), split into words with boxes spread by character count. Compared with the import's found
 * rate, it tells matcher misses from OCR misses.
 */
export async function sroieReferenceFoundRate(
  opts: { dataDir?: string; limit?: number } = {},
): Promise<FieldCounts> {
  const dataDir = resolve(opts.dataDir ?? SROIE_DIR);
  const gt = (await readGroundTruth(dataDir)).slice(0, opts.limit);
  const docs: { found: string[]; missing: string[] }[] = [];
  for (const e of gt) {
    const csv = join(dataDir, 'box', `${basename(e.file).replace(/\.\w+$/, '')}.csv`);
    const meta = await sharp(e.path).metadata();
    const words = referenceWords(await readFile(csv, 'utf8'), meta.width ?? 1, meta.height ?? 1);
    const r = labelDocument([words], e.fields);
    docs.push(r);
  }
  return countFields(docs);
}

export interface ReferenceLine {
  /** The line's bounding box in image pixels: x0, y0, x1, y1. */
  box: [number, number, number, number];
  text: string;
}

/** Reference lines `x1,y1,...,x4,y4,text` (one per non-blank row of `box/NNN.csv`) → their boxes and text. */
export function referenceLines(csv: string): ReferenceLine[] {
  return csv
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const parts = l.split(',');
      const xs = [0, 2, 4, 6].map((k) => Number(parts[k]));
      const ys = [1, 3, 5, 7].map((k) => Number(parts[k]));
      return {
        box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
        text: parts.slice(8).join(',').trim(),
      };
    });
}

/** Reference lines → words, in line order, boxes split by character share. */
export function referenceWords(csv: string, width: number, height: number): Word[] {
  const words: Word[] = [];
  referenceLines(csv).forEach(({ box, text }, line) => {
    const x0 = box[0] / width;
    const x1 = box[2] / width;
    const y0 = box[1] / height;
    const y1 = box[3] / height;
    for (const m of text.matchAll(/\S+/g)) {
      const a = x0 + ((x1 - x0) * (m.index ?? 0)) / Math.max(text.length, 1);
      const b = x0 + ((x1 - x0) * ((m.index ?? 0) + m[0].length)) / Math.max(text.length, 1);
      words.push({ text: m[0], bbox: [a, y0, b, y1], confidence: 1, line });
    }
  });
  return words;
}
