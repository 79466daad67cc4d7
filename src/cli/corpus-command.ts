/** `invex corpus import sroie|zugferd` and `invex corpus stats`: the real labeled sets as training corpus. */
import { config } from '../config.js';
import { formatImportReport } from '../corpus/import-common.js';
import { importSroie } from '../corpus/import-sroie.js';
import { importZugferd } from '../corpus/import-zugferd.js';
import { corpusStats, formatCorpusStats } from '../corpus/stats.js';
import { InvexError } from '../errors.js';
import { parseCommandArgs } from './args.js';

export const CORPUS_USAGE = `usage: invex corpus import sroie|zugferd [--out DIR] [--data DIR] [--limit N] [--concurrency N] [--refresh]
       invex corpus stats [DIR]

import: OCRs (SROIE) or reads the text layer (ZUGFeRD) of a labeled set in ../shared/data, labels every word by
matching the document's values, and writes DIR/<set>.jsonl plus held-out eval sets in DIR/eval/ (DIR defaults to
INVEX_CORPUS_DIR). stats: documents, words, labels per field, locales, families and splits.`;

export async function corpusCommand(argv: string[]): Promise<undefined> {
  const { values, positionals } = parseCommandArgs(argv, {
    out: { type: 'string' },
    data: { type: 'string' },
    limit: { type: 'string' },
    concurrency: { type: 'string' },
    refresh: { type: 'boolean', default: false },
  });
  const [action, what] = positionals;
  const opts = {
    ...(typeof values.out === 'string' ? { out: values.out } : {}),
    ...(typeof values.data === 'string' ? { dataDir: values.data } : {}),
    ...(typeof values.limit === 'string' ? { limit: Number(values.limit) } : {}),
    ...(typeof values.concurrency === 'string' ? { concurrency: Number(values.concurrency) } : {}),
    refresh: values.refresh === true,
  };
  if (action === 'import' && what === 'sroie')
    process.stdout.write(`${formatImportReport(await importSroie(opts))}\n`);
  else if (action === 'import' && what === 'zugferd')
    process.stdout.write(`${formatImportReport(await importZugferd(opts))}\n`);
  else if (action === 'stats') {
    const dir = what ?? (typeof values.out === 'string' ? values.out : config().corpusDir);
    process.stdout.write(`${formatCorpusStats(await corpusStats(dir))}\n`);
  } else
    throw new InvexError(
      'INVEX_E_USAGE',
      `unknown corpus action '${positionals.join(' ')}'\n${CORPUS_USAGE}`,
    );
  return undefined;
}
