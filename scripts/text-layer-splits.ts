/**
 * Text-layer word diagnostic: `node bin/run-ts.js scripts/text-layer-splits.ts DIR [-v]` compares the words
 * ingest reads from each PDF's text layer with `pdftotext` (poppler-utils) tokens of the same file.
 *   split:  two adjacent words on one line whose concatenation is a token of a pdftotext mode that lacks one
 *           of the two pieces (a word cut in two)
 *   merged: one of our words that neither pdftotext mode produces (words glued together, or other damage)
 * pdftotext's -raw and -layout modes both count as reference (they err differently: -layout also cuts
 * "Liefer ant", -raw glues ":4,0000").
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingestBytes } from '../src/document/ingest.js';

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('-'));
if (!dir) {
  console.error('usage: node bin/run-ts.js scripts/text-layer-splits.ts DIR [-v]');
  process.exit(2);
}
const verbose = args.includes('-v');

function tokens(path: string, mode: string): Map<string, number> {
  const text = execFileSync('pdftotext', [mode, path, '-'], {
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'ignore'],
  }).toString();
  const counts = new Map<string, number>();
  for (const t of text.split(/\s+/)) if (t) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

let total = { words: 0, split: 0, merged: 0 };
const examples: string[] = [];
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.pdf'))
  .sort()) {
  const path = join(dir, file);
  const doc = await ingestBytes(new Uint8Array(readFileSync(path)), {
    ocr: 'never',
    maxPages: 100,
    maxImagePixels: 1e8,
    dpi: 300,
  });
  const raw = tokens(path, '-raw');
  const layout = tokens(path, '-layout');
  const known = (t: string) => Math.max(raw.get(t) ?? 0, layout.get(t) ?? 0);
  const ours = new Map<string, number>();
  let words = 0;
  let split = 0;
  for (const page of doc.pages) {
    if (page.kind !== 'text') continue;
    words += page.words.length;
    page.words.forEach((w, i) => {
      ours.set(w.text, (ours.get(w.text) ?? 0) + 1);
      const next = page.words[i + 1];
      if (next?.line !== w.line) return;
      const joined = w.text + next.text;
      const cut = (m: Map<string, number>) => m.has(joined) && !(m.has(w.text) && m.has(next.text));
      if (cut(raw) || cut(layout)) {
        split++;
        examples.push(`${file}: split "${w.text} ${next.text}"`);
      }
    });
  }
  let merged = 0;
  for (const [t, c] of ours) {
    const excess = c - known(t);
    if (excess <= 0) continue;
    merged += excess;
    examples.push(`${file}: merged? "${t}" x${excess}`);
  }
  total = { words: total.words + words, split: total.split + split, merged: total.merged + merged };
  if (split + merged > 0 || verbose)
    console.log(`${words}\twords\t${split}\tsplit\t${merged}\tmerged\t${file}`);
}
console.log(`TOTAL ${total.words} words, ${total.split} split, ${total.merged} merged`);
if (verbose) console.log(examples.join('\n'));
