import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { config } from '../../../src/config.js';
import type { CorpusDoc } from '../../../src/corpus/format.js';
import {
  formatImportReport,
  parseWordsCache,
  wordsCacheFile,
  wordsCacheStamp,
} from '../../../src/corpus/import-common.js';
import { importSroie, referenceWords, SROIE_DIR } from '../../../src/corpus/import-sroie.js';
import { importZugferd, ZUGFERD_DIR } from '../../../src/corpus/import-zugferd.js';
import { LABEL_ID } from '../../../src/ner/labels.js';
import { OCR_READING } from '../../../src/ocr/ocr.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'invex-corpus-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function readDocs(file: string): Promise<CorpusDoc[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CorpusDoc);
}

function checkDocs(docs: CorpusDoc[]): void {
  for (const d of docs) {
    expect(d.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(existsSync(d.file ?? '')).toBe(true);
    expect(['train', 'dev']).toContain(d.split);
    for (const p of d.pages) for (const w of p.words) expect(LABEL_ID.has(w.label)).toBe(true);
    expect(d.pages.some((p) => p.words.some((w) => w.label !== 'O'))).toBe(true);
  }
}

async function checkEvalSet(gtFile: string): Promise<void> {
  const rows = (await readFile(gtFile, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { file: string; fields: Record<string, string> });
  expect(rows.length).toBeGreaterThan(0);
  // Relative paths that lead to the originals from the set folder, whichever way a reader joins them.
  for (const r of rows) {
    expect(r.file.startsWith('/')).toBe(false);
    expect(existsSync(resolve(dirname(gtFile), r.file))).toBe(true);
    expect(existsSync(join(dirname(gtFile), r.file))).toBe(true);
  }
}

describe.skipIf(!existsSync(join(ZUGFERD_DIR, 'gt.jsonl')))('importZugferd (shared data)', () => {
  it('labels text-layer words and writes the corpus and the held-out eval set', async () => {
    const out = await tempDir();
    const report = await importZugferd({ out, limit: 4, log: () => {} });
    expect(report).toMatchObject({ source: 'zugferd', documents: 79, imported: 4, failed: [] });
    const docs = await readDocs(report.out);
    expect(docs).toHaveLength(4);
    checkDocs(docs);
    expect(docs.every((d) => d.pages.every((p) => p.source === 'text'))).toBe(true);
    // The two `fail` specimens print DEM totals that differ from their XML; every value of the others is found.
    for (const d of docs.filter((x) => !x.file?.includes('__fail__'))) {
      const labeled = new Set(d.pages.flatMap((p) => p.words.map((w) => w.label.replace(/^[BI]-/, ''))));
      expect(Object.keys(d.fields).filter((f) => !labeled.has(f))).toEqual([]);
    }
    await checkEvalSet(report.evalSet);
    expect(formatImportReport(report)).toContain('zugferd: 4/79 documents imported');
  });
});

describe.skipIf(!existsSync(join(SROIE_DIR, 'gt.jsonl')))('importSroie (shared data)', () => {
  it('OCRs receipts with our front end, caches the words and resumes from the cache', async () => {
    const out = await tempDir();
    const first = await importSroie({ out, limit: 2, log: () => {} });
    expect(first).toMatchObject({ source: 'sroie', documents: 626, imported: 2, processed: 2, failed: [] });
    const docs = await readDocs(first.out);
    checkDocs(docs);
    expect(docs.every((d) => d.pages[0]?.source === 'ocr' && d.locale === 'en-MY')).toBe(true);
    await checkEvalSet(first.evalSet);
    const again = await importSroie({ out, limit: 2, log: () => {} });
    expect(again.processed).toBe(0);
    expect(await readDocs(again.out)).toEqual(docs);
    // Read with the languages `invex extract` uses, and stamped with them.
    const cached = JSON.parse(
      await readFile(wordsCacheFile(join(out, 'cache', 'sroie'), docs[0]?.file ?? ''), 'utf8'),
    ) as { ocrLang?: string; ocrReading?: number };
    expect(cached.ocrLang).toBe(config().ocrLang);
    expect(cached.ocrReading).toBe(OCR_READING);
  });
});

describe('parseWordsCache', () => {
  const words = { id: 'sha256:00', mediaType: 'image/png', pages: [] };
  it('gives the words read with the asked languages by this reading, without the stamp', () => {
    expect(parseWordsCache(JSON.stringify({ ...words, ...wordsCacheStamp('deu+eng') }), 'deu+eng')).toEqual(
      words,
    );
  });
  it('refuses words read with other languages, so the document is read again', () => {
    expect(
      parseWordsCache(JSON.stringify({ ...words, ...wordsCacheStamp('eng') }), 'deu+eng'),
    ).toBeUndefined();
    expect(
      parseWordsCache(JSON.stringify({ ...words, ...wordsCacheStamp('deu+eng') }), 'eng'),
    ).toBeUndefined();
  });
  it('refuses words of an older reading: entries without the reading stamp, or another one', () => {
    expect(parseWordsCache(JSON.stringify({ ...words, ocrLang: 'deu+eng' }), 'deu+eng')).toBeUndefined();
    const older = { ...words, ocrLang: 'deu+eng', ocrReading: OCR_READING - 1 };
    expect(parseWordsCache(JSON.stringify(older), 'deu+eng')).toBeUndefined();
  });
  it('takes entries written before any stamp as read with eng by the first reading', () => {
    expect(parseWordsCache(JSON.stringify(words), 'eng')).toBeUndefined();
    expect(parseWordsCache(JSON.stringify(words), 'deu+eng')).toBeUndefined();
  });
});

describe('referenceWords', () => {
  it('splits reference lines into words with boxes spread by character count', () => {
    const words = referenceWords('0,0,100,0,100,10,0,10,AB CD\n0,20,50,20,50,30,0,30,X,Y\n', 100, 100);
    expect(words.map((w) => [w.text, w.line])).toEqual([
      ['AB', 0],
      ['CD', 0],
      ['X,Y', 1],
    ]);
    expect(words[0]?.bbox).toEqual([0, 0, 0.4, 0.1]);
    expect(words[1]?.bbox[0]).toBeCloseTo(0.6);
  });
});
