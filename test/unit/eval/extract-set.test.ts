import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractSet } from '../../../src/cli/eval-command.js';
import { config } from '../../../src/config.js';
import { wordsCacheStamp } from '../../../src/corpus/import-common.js';
import { scoreSet } from '../../../src/eval/score.js';
import { closePipeline, defaultFrontEndOptions, readDocumentFile } from '../../../src/pipeline.js';

const SAMPLE = resolve('samples/invoice-digital.pdf');

describe('extractSet --words-cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'invex-extract-set-'));
  const cache = join(dir, 'cache');
  copyFileSync(SAMPLE, join(dir, 'a.pdf'));
  writeFileSync(
    join(dir, 'gt.jsonl'),
    `${JSON.stringify({ file: 'a.pdf', fields: { invoice_number: 'F-854022', total_amount: '1306.56' } })}\n`,
  );
  afterAll(async () => {
    await closePipeline();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a file the usual way when the cache has no words for it, and takes cached words when it has', async () => {
    const plain = await extractSet(dir, { wordsCache: cache });
    expect(scoreSet(plain.set, plain.predictions).micro.correct).toBe(2);

    // Cached words that differ from the file's: the invoice number printed otherwise. Only a run that took
    // its words from the cache can predict it.
    const { result: words } = await readDocumentFile(SAMPLE, defaultFrontEndOptions());
    for (const page of words.pages)
      for (const w of page.words) if (w.text === 'F-854022') w.text = 'F-999999';
    mkdirSync(cache, { recursive: true });
    writeFileSync(
      join(cache, 'a.pdf.words.json'),
      JSON.stringify({ ...words, ...wordsCacheStamp(config().ocrLang) }),
    );
    const cached = await extractSet(dir, { wordsCache: cache });
    expect(cached.predictions[0]?.fields?.invoice_number?.value).toBe('F-999999');
    expect(cached.predictions[0]?.fields?.total_amount?.value).toBe('1306.56');

    // Words cached with other OCR languages are not what this run would read: the file is read again.
    writeFileSync(join(cache, 'a.pdf.words.json'), JSON.stringify({ ...words, ...wordsCacheStamp('ita') }));
    const stale = await extractSet(dir, { wordsCache: cache });
    expect(stale.predictions[0]?.fields?.invoice_number?.value).toBe('F-854022');
    // Nor are words an older OCR reading made.
    writeFileSync(join(cache, 'a.pdf.words.json'), JSON.stringify({ ...words, ocrLang: config().ocrLang }));
    const older = await extractSet(dir, { wordsCache: cache });
    expect(older.predictions[0]?.fields?.invoice_number?.value).toBe('F-854022');
  });
});
