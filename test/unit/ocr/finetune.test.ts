/**
 * The OCR fine-tuning recipe (training/ocr) end to end on a tiny set: the stock integer model turned into float,
 * lines cut with prepare.py, a few lstmtraining iterations, the result converted back to int, and tesseract.js
 * reading with it, and the dictionary grown with the given words. Needs Debian's tesseract-ocr (lstmtraining,
 * combine_tessdata, dawg2wordlist), which .ci/run installs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ocrRaster } from '../../../src/ocr/ocr.js';
import { closeOcr } from '../../../src/ocr/tesseract.js';
import { type TrainingLine, writeLinePage } from '../../../training/ocr/pages.js';
import { buildInvoiceImage } from '../../fixtures/invoice-image.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const PYTHON = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'invex-ocr-ft-'));

afterAll(async () => {
  await closeOcr();
  rmSync(dir, { recursive: true, force: true });
});

function drawnLines(image: ReturnType<typeof buildInvoiceImage>): TrainingLine[] {
  const { width, height } = image.raster;
  const byLine = new Map<number, typeof image.words>();
  for (const w of image.words) byLine.set(w.line, [...(byLine.get(w.line) ?? []), w]);
  return [...byLine.values()].map((ws) => {
    const text = ws.map((w) => w.text).join(' ');
    return {
      box: [
        Math.floor(Math.min(...ws.map((w) => w.bbox[0])) * width),
        Math.floor(Math.min(...ws.map((w) => w.bbox[1])) * height),
        Math.ceil(Math.max(...ws.map((w) => w.bbox[2])) * width),
        Math.ceil(Math.max(...ws.map((w) => w.bbox[3])) * height),
      ],
      // Drawn text has its case: OCR's reading, whose case prepare.py would carry over, is the same text.
      text,
      ocr: text,
    };
  });
}

describe('OCR fine-tuning (training/ocr)', () => {
  it('restores the letter case SROIE drops, from what OCR read', () => {
    const out = execFileSync(
      PYTHON,
      [
        '-c',
        `import sys; sys.path.insert(0, 'training/ocr'); from prepare import recase
for ref, ocr in [('TEL:07-3507405', 'Tel:07-3507405'), ('TAN WOON YANN', 'tan woon yann'),
                 ('DOCUMENT NO : TD01167104', 'Document No © TDD1167104'), ('STRASSE', ''),
                 ('GROSSE MENGE', 'große menge')]:
    print(recase(ref, ocr))`,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(out.trim().split('\n')).toEqual([
      'Tel:07-3507405',
      'tan woon yann',
      'Document No : TD01167104',
      'STRASSE',
      'grosse menge',
    ]);
  });

  it('fine-tunes from the integer model and reads with the result', async () => {
    const image = buildInvoiceImage();
    const lines = drawnLines(image);
    expect(lines.length).toBeGreaterThan(5);
    const linesDir = join(dir, 'lines');
    for (const split of ['train', 'val']) mkdirSync(join(linesDir, split), { recursive: true });
    await writeLinePage(join(linesDir, 'train', 'page-0'), image.raster, lines);
    await writeLinePage(join(linesDir, 'val', 'page-1'), image.raster, lines.slice(0, 4));
    const out = join(dir, 'out');
    // Words for the dictionary, as words.ts writes them: two Malay address words the English one lacks, one it has.
    const words = join(dir, 'words.tsv');
    writeFileSync(words, 'word\tshops\treceipts\nPERINDUSTRIAN\t3\t9\nJLN\t12\t40\nJALAN\t30\t99\n');
    const log = execFileSync(
      PYTHON,
      [
        'training/ocr/finetune.py',
        '--lines',
        linesDir,
        '--work',
        join(dir, 'work'),
        '--iterations',
        '4',
        '--out',
        out,
        '--words',
        words,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(log).toMatch(/18 weight matrices turned into float/);
    const info = JSON.parse(readFileSync(join(out, 'eng.json'), 'utf8'));
    expect(info).toMatchObject({ iterations: 4, train_pages: 1 });
    // The stock model's error rate on the val list, measured by lstmeval: a number, and small on clean print.
    expect(info.char_error_percent.val.stock).toBeGreaterThanOrEqual(0);
    expect(info.char_error_percent.val.stock).toBeLessThan(10);
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Each new word in three forms (JALAN is in the English dictionary in all three already).
    expect(info.dictionary).toMatchObject({ source_words: 3, added_words: 6 });

    // A few iterations leave the model what it was: tesseract.js loads the result and still reads the page.
    const tessdata = join(dir, 'tessdata');
    mkdirSync(tessdata);
    writeFileSync(
      join(tessdata, 'eng.traineddata'),
      gunzipSync(readFileSync(join(out, 'eng.traineddata.gz'))),
    );
    const r = await ocrRaster(image.raster, {
      lang: 'eng',
      workers: 1,
      recyclePages: 100,
      tessdataDir: tessdata,
    });
    const read = new Set(r.words.map((w) => w.text));
    const drawn = image.words.map((w) => w.text);
    expect(drawn.filter((t) => read.has(t)).length / drawn.length).toBeGreaterThan(0.9);

    // The words are in the shipped model's dictionary, next to the English ones.
    const parts = join(dir, 'parts');
    mkdirSync(parts);
    execFileSync('combine_tessdata', ['-u', join(tessdata, 'eng.traineddata'), join(parts, 'eng.')]);
    execFileSync('dawg2wordlist', [
      join(parts, 'eng.lstm-unicharset'),
      join(parts, 'eng.lstm-word-dawg'),
      join(parts, 'words.txt'),
    ]);
    const dict = new Set(readFileSync(join(parts, 'words.txt'), 'utf8').split('\n'));
    for (const w of [
      'PERINDUSTRIAN',
      'Perindustrian',
      'perindustrian',
      'JLN',
      'Jln',
      'jln',
      'JALAN',
      'invoice',
    ])
      expect(dict.has(w), w).toBe(true);
    expect(dict.size).toBeGreaterThan(300_000);
  }, 180_000);
});
