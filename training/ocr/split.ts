/**
 * Which SROIE receipts the OCR recipe may learn from. The dev set's receipts (corpus/eval/sroie-dev) never; of
 * the rest, a share of shops (by supplier, as the corpus splits) is `val`, held out to measure on, and the others
 * are `train`. lines.ts (the lines the LSTM is tuned on) and words.ts (the words its dictionary gains) both use it,
 * so neither ever sees a dev or val shop.
 */
import { createHash } from 'node:crypto';
import { basename, resolve } from 'node:path';
import { type GtEntry, readGroundTruth } from '../../src/corpus/import-common.js';
import { SROIE_DIR } from '../../src/corpus/import-sroie.js';
import { supplierFamily } from '../../src/corpus/splits.js';

export type OcrSplit = 'train' | 'val';

/** The receipts outside the dev set, each with its OCR split. */
export async function ocrReceipts(
  devDir: string,
  valShare: number,
): Promise<{ receipts: { entry: GtEntry; split: OcrSplit }[]; devCount: number }> {
  const dev = new Set((await readGroundTruth(resolve(devDir))).map((e) => basename(e.path)));
  const receipts = (await readGroundTruth(SROIE_DIR))
    .filter((e) => !dev.has(basename(e.path)))
    .map((entry) => ({ entry, split: splitOf(entry.fields.supplier_name, valShare) }));
  return { receipts, devCount: dev.size };
}

function splitOf(supplier: string | undefined, valShare: number): OcrSplit {
  const h = createHash('sha256').update(supplierFamily(supplier)).digest().readUInt32BE(0) / 2 ** 32;
  return h < valShare ? 'val' : 'train';
}
