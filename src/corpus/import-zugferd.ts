import { fileURLToPath } from 'node:url';
import { config } from '../config.js';
import type { DocumentWords } from '../types.js';
import { frontEndWords, type ImportOptions, type ImportReport, runImport } from './import-common.js';
import { DEV_FRACTION } from './splits.js';

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

export function importZugferd(opts: ImportOptions = {}): Promise<ImportReport> {
  return runImport(
    {
      source: 'zugferd',
      defaultDataDir: ZUGFERD_DIR,
      devFraction: DEV_FRACTION.zugferd,
      defaultConcurrency: 1,
      // No cache: the text layer reads in milliseconds, and a cache would go stale when ingest improves.
      read: (entry) => frontEndWords(entry.path, { lang: config().ocrLang }),
      locale: guessLocale,
    },
    opts,
  );
}
