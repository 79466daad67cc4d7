/**
 * Words for the OCR model's dictionary (`node bin/run-ts.js training/ocr/words.ts [--dev corpus/eval/sroie-dev]
 * [--val 0.1] [--out runs/ocr-words.tsv]`): every word of letters in the reference text of the receipts lines.ts
 * trains on (the `train` shops of split.ts; never a dev or val shop), with how many shops and receipts print it.
 * Tesseract's LSTM decoder prefers dictionary words where a letter is uncertain; its English dictionary lacks
 * the Malay address words receipts are full of (JALAN is there, JLN, TMN, PERINDUSTRIAN and place names are not),
 * so dictionary.py adds these.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { referenceLines, SROIE_DIR } from '../../src/corpus/import-sroie.js';
import { supplierFamily } from '../../src/corpus/splits.js';
import { ocrReceipts } from './split.js';

/** The words of letters in a line of text, capitals as printed: punctuation and digits around them dropped. */
function letterWords(text: string): string[] {
  return text
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, ''))
    .filter((w) => /^\p{L}{2,}$/u.test(w));
}

const { values } = parseArgs({
  options: {
    dev: { type: 'string', default: 'corpus/eval/sroie-dev' },
    val: { type: 'string', default: '0.1' },
    out: { type: 'string', default: 'runs/ocr-words.tsv' },
  },
});

const { receipts } = await ocrReceipts(values.dev, Number(values.val));
const seen = new Map<string, { shops: Set<string>; receipts: number }>();
let used = 0;
for (const { entry, split } of receipts) {
  if (split !== 'train') continue;
  used++;
  const csv = readFileSync(
    join(SROIE_DIR, 'box', `${basename(entry.path).replace(/\.\w+$/, '')}.csv`),
    'utf8',
  );
  const shop = supplierFamily(entry.fields.supplier_name);
  const words = new Set(referenceLines(csv).flatMap((l) => letterWords(l.text.toUpperCase())));
  for (const w of words) {
    const s = seen.get(w) ?? { shops: new Set(), receipts: 0 };
    s.shops.add(shop);
    s.receipts++;
    seen.set(w, s);
  }
}
const rows = [...seen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
writeFileSync(
  resolve(values.out),
  `word\tshops\treceipts\n${rows.map(([w, s]) => `${w}\t${s.shops.size}\t${s.receipts}`).join('\n')}\n`,
);
console.log(`${rows.length} words from ${used} receipts of the train shops → ${values.out}`);
