/**
 * ZUGFeRD importer: the PDFs of ../shared/data/zugferd-dev read through our front end (text layer; OCR only
 * for a page without one), labeled by matching the exact values from the embedded XML.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { config } from '../config.js';
import { errorInfo } from '../errors.js';
import { closeOcr } from '../ocr/tesseract.js';
import type { DocumentWords } from '../types.js';
import {
  countFields,
  frontEndWords,
  type ImportOptions,
  type ImportReport,
  type LabeledDoc,
  labelCorpusDoc,
  mapLimit,
  progress,
  readGroundTruth,
  splitCounts,
  writeEvalSet,
  writeJsonl,
} from './import-common.js';
import { assignSplits, DEV_FRACTION, supplierFamily } from './splits.js';

/** The set, beside the project: `../shared/data/zugferd-dev` from the repository root. */
export const ZUGFERD_DIR = fileURLToPath(new URL('../../../shared/data/zugferd-dev', import.meta.url));

/** Guesses the document language from its words: the specimen set is German, French and English. */
export function guessLocale(words: DocumentWords): string {
  const text = words.pages.flatMap((p) => p.words.map((w) => w.text.toLowerCase())).join(' ');
  const score = (re: RegExp) => text.match(re)?.length ?? 0;
  const de = score(/\b(rechnung|datum|betrag|mwst|ust|summe|gesamt|gmbh|zahlbar|lieferung|menge)\w*/g);
  const fr = score(/\b(facture|montant|tva|total ttc|date d|quantit|prix|payer|sarl)\w*/g);
  const en = score(/\b(invoice|amount|total|vat|quantity|price|due|payment)\w*/g);
  if (de >= fr && de >= en) return 'de-DE';
  return fr > en ? 'fr-FR' : 'en-GB';
}

export async function importZugferd(opts: ImportOptions = {}): Promise<ImportReport> {
  const t0 = performance.now();
  const dataDir = resolve(opts.dataDir ?? ZUGFERD_DIR);
  const out = resolve(opts.out ?? config().corpusDir);
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const gt = await readGroundTruth(dataDir);
  // The set repeats a few sellers across profiles and producers: hold out whole sellers.
  const splits = assignSplits(
    gt.map((e) => ({ key: e.file, group: supplierFamily(e.fields.supplier_name) })),
    DEV_FRACTION.zugferd,
  );
  const todo = gt.slice(0, opts.limit ?? gt.length);
  const failed: ImportReport['failed'] = [];
  let processed = 0;
  const tick = progress('zugferd', todo.length, log);
  try {
    const docs = await mapLimit(
      todo,
      opts.concurrency ?? 1,
      async (entry): Promise<LabeledDoc | undefined> => {
        try {
          // No cache: the text layer reads in milliseconds, and a cache would go stale when ingest improves.
          const run = await frontEndWords(entry.path, { lang: config().ocrLang });
          if (!run.cached) processed++;
          tick(run.cached);
          return labelCorpusDoc(run.words, entry, {
            source: 'zugferd',
            split: splits.get(entry.file) ?? 'train',
            family: 'zugferd',
            locale: guessLocale(run.words),
          });
        } catch (err) {
          tick(false);
          failed.push({ file: entry.file, ...errorInfo(err) });
          return undefined;
        }
      },
    );
    const ok = docs.filter((d): d is LabeledDoc => d !== undefined);
    const outFile = join(out, 'zugferd.jsonl');
    await writeJsonl(
      outFile,
      ok.map((d) => d.doc),
    );
    const evalSet = await writeEvalSet(
      join(out, 'eval', 'zugferd-dev'),
      gt.filter((e) => splits.get(e.file) === 'dev'),
    );
    const report: ImportReport = {
      source: 'zugferd',
      documents: gt.length,
      imported: ok.length,
      processed,
      failed,
      fields: countFields(ok),
      splits: splitCounts(ok),
      out: outFile,
      evalSet,
      seconds: (performance.now() - t0) / 1000,
    };
    return report;
  } finally {
    await closeOcr();
  }
}
