import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CorpusDoc } from '../../../src/corpus/format.js';
import { corpusStats, formatCorpusStats } from '../../../src/corpus/stats.js';

function doc(
  id: string,
  source: CorpusDoc['source'],
  split: CorpusDoc['split'],
  labels: string[],
): CorpusDoc {
  return {
    id,
    source,
    split,
    family: source === 'synth' ? 'stacked' : source,
    locale: source === 'sroie' ? 'en-MY' : 'de-DE',
    fields: { total_amount: '9.00', supplier_name: 'ACME SDN BHD' },
    pages: [
      {
        number: 1,
        width: 100,
        height: 200,
        source: 'ocr',
        words: labels.map((label, i) => ({ text: `w${i}`, bbox: [0, 0, 0.1, 0.1], label })),
      },
    ],
  };
}

describe('corpusStats', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('counts documents, words, labels per field, locales, families, splits and sources', async () => {
    dir = await mkdtemp(join(tmpdir(), 'invex-stats-'));
    const sroie = [
      doc('a', 'sroie', 'train', [
        'B-supplier_name',
        'I-supplier_name',
        'I-supplier_name',
        'O',
        'B-total_amount',
      ]),
      doc('b', 'sroie', 'dev', ['O', 'B-total_amount']),
    ];
    await writeFile(
      join(dir, 'sroie.jsonl'),
      `${sroie.map((d) => JSON.stringify(d)).join('\n')}\nnot json\n`,
    );
    await writeFile(join(dir, 'synth.jsonl'), `${JSON.stringify(doc('c', 'synth', 'train', ['O', 'O']))}\n`);
    await writeFile(join(dir, 'notes.txt'), 'ignored');
    const s = await corpusStats(dir);
    expect(s.files).toEqual(['sroie.jsonl', 'synth.jsonl']);
    expect([s.documents, s.pages, s.words, s.labeledWords, s.badLines]).toEqual([3, 3, 9, 5, 1]);
    expect(s.fields.supplier_name).toEqual({ spans: 1, words: 3, documents: 3 });
    expect(s.fields.total_amount).toEqual({ spans: 2, words: 2, documents: 3 });
    expect(s.locales).toEqual({ 'en-MY': 2, 'de-DE': 1 });
    expect(s.families).toEqual({ sroie: 2, stacked: 1 });
    expect(s.splits).toEqual({ train: 2, dev: 1 });
    expect(s.sources.sroie).toMatchObject({ documents: 2, words: 7, splits: { train: 1, dev: 1 } });
    const text = formatCorpusStats(s);
    expect(text).toContain('3 documents, 3 pages, 9 words (5 labeled)');
    expect(text).toMatch(/supplier_name\s+3\s+1\s+3/);
  });

  it('reports a missing directory with a coded error', async () => {
    await expect(corpusStats('/nonexistent/corpus')).rejects.toMatchObject({
      code: 'INVEX_E_FILE_NOT_FOUND',
    });
  });
});
