/**
 * Words caches from SROIE's reference transcriptions (`node bin/run-ts.js scripts/sroie-reference-words.ts
 * [--set corpus/eval/sroie-dev] [--out runs/sroie-reference-words]`): for every receipt of the set, the words of
 * its `box/NNN.csv` lines (each line's box split among its words by character count, as
 * `referenceWords` does) in place of our OCR's. `invex eval SET --words-cache OUT` then scores the model and
 * assembly as if OCR had read every character right: how much of a SROIE miss is OCR's (model card).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { config } from '../src/config.js';
import { readGroundTruth, wordsCacheFile, wordsCacheStamp } from '../src/corpus/import-common.js';
import { referenceWords, SROIE_DIR } from '../src/corpus/import-sroie.js';
import { defaultIngestOptions, ingestBytes } from '../src/document/ingest.js';
import type { DocumentWords } from '../src/types.js';

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'corpus/eval/sroie-dev' },
    out: { type: 'string', default: 'runs/sroie-reference-words' },
  },
});
const out = resolve(values.out);
mkdirSync(out, { recursive: true });
let n = 0;
for (const e of await readGroundTruth(resolve(values.set))) {
  const bytes = readFileSync(e.path);
  const meta = await sharp(bytes).metadata();
  const csv = readFileSync(join(SROIE_DIR, 'box', `${basename(e.path).replace(/\.\w+$/, '')}.csv`), 'utf8');
  // The page as our ingest sizes it (its pixels), with the reference words in fractions of the image.
  const ingested = await ingestBytes(bytes, { ...defaultIngestOptions(), ocr: 'never' });
  const page = ingested.pages[0];
  const doc: DocumentWords = {
    id: ingested.id,
    mediaType: ingested.mediaType,
    pages: [
      {
        number: 1,
        width: meta.width ?? page?.width ?? 1,
        height: meta.height ?? page?.height ?? 1,
        unit: 'px',
        source: 'ocr',
        rotation: 0,
        words: referenceWords(csv, meta.width ?? 1, meta.height ?? 1),
      },
    ],
  };
  // Stamped as what this run's OCR would read, which these words stand in for: eval takes them instead of reading.
  writeFileSync(
    wordsCacheFile(out, e.path),
    JSON.stringify({ ...doc, ...wordsCacheStamp(config().ocrLang) }),
  );
  n++;
}
console.log(`${n} receipts: invex eval ${values.set} --words-cache ${values.out}`);
