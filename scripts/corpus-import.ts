/**
 * Imports a real labeled set into the training corpus:
 *   node bin/run-ts.js scripts/corpus-import.ts zugferd|sroie [--out DIR] [--limit N] [--concurrency N] [--refresh]
 *   node bin/run-ts.js scripts/corpus-import.ts stats [DIR]
 */
import { parseArgs } from 'node:util';
import { config } from '../src/config.js';
import { formatImportReport } from '../src/corpus/import-common.js';
import { importSroie } from '../src/corpus/import-sroie.js';
import { importZugferd } from '../src/corpus/import-zugferd.js';
import { corpusStats, formatCorpusStats } from '../src/corpus/stats.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    limit: { type: 'string' },
    concurrency: { type: 'string' },
    refresh: { type: 'boolean', default: false },
    data: { type: 'string' },
  },
});

const [what, dirArg] = positionals;
const opts = {
  ...(values.out !== undefined ? { out: values.out } : {}),
  ...(values.data !== undefined ? { dataDir: values.data } : {}),
  ...(values.limit !== undefined ? { limit: Number(values.limit) } : {}),
  ...(values.concurrency !== undefined ? { concurrency: Number(values.concurrency) } : {}),
  refresh: values.refresh,
};

if (what === 'zugferd') console.log(formatImportReport(await importZugferd(opts)));
else if (what === 'sroie') console.log(formatImportReport(await importSroie(opts)));
else if (what === 'stats')
  console.log(formatCorpusStats(await corpusStats(dirArg ?? values.out ?? config().corpusDir)));
else {
  console.error(
    'usage: corpus-import.ts zugferd|sroie|stats [--out DIR] [--limit N] [--concurrency N] [--refresh]',
  );
  process.exit(2);
}
