import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CorpusDoc } from '../../../src/corpus/format.js';
import { exportArrays, type SplitHeader } from '../../../src/ner/export-arrays.js';
import {
  BBOX_CHANNELS,
  DEFAULT_FEATURIZER_CONFIG as CFG,
  featurizePage,
  windowBatch,
  windowSpans,
} from '../../../src/ner/featurize.js';
import { LABEL_ID } from '../../../src/ner/labels.js';
import { writeTinyCorpus } from '../../fixtures/ner-corpus.js';

const root = mkdtempSync(join(tmpdir(), 'invex-ner-export-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Reads a split back as numpy would: raw little-endian files (this machine is little-endian too). */
function readSplit(dir: string, h: SplitHeader) {
  const bytes = (key: keyof SplitHeader['files']) => {
    const b = readFileSync(join(dir, h.files[key].file));
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  };
  return {
    ngram: new Int32Array(bytes('ngram')),
    word: new Int32Array(bytes('word')),
    shape: new Float32Array(bytes('shape')),
    bbox: new Int16Array(bytes('bbox')),
    label: new Int16Array(bytes('label')),
  };
}

describe('exportArrays', () => {
  const corpus = join(root, 'corpus');
  const docs = writeTinyCorpus(corpus);

  it('writes arrays identical to the inference tensors, window by window', async () => {
    const out = join(root, 'arrays');
    const header = await exportArrays(corpus, out);
    const K = CFG.ngramsPerWord;
    const F = CFG.shapeFeatures;
    let longPages = 0;
    for (const split of ['train', 'dev', 'test'] as const) {
      const h = header.splits[split] as SplitHeader;
      const arr = readSplit(out, h);
      expect(arr.word.length).toBe(h.tokens);
      expect(arr.ngram.length).toBe(h.tokens * K);
      const splitDocs = docs.filter((d) => d.split === split);
      expect(h.docs).toBe(splitDocs.length);
      let w = 0;
      splitDocs.forEach((doc, di) => {
        doc.pages.forEach((page, pi) => {
          // The inference path: featurize → windows → the padded batch the ONNX model gets.
          const fp = featurizePage(page.words, { pageIndex: pi, pageCount: doc.pages.length }, CFG);
          const spans = windowSpans(fp.length, CFG);
          if (spans.length > 1) longPages++;
          const batch = windowBatch(fp, spans, CFG);
          spans.forEach((sp, b) => {
            const o = h.windowOffset[w] as number;
            const n = h.windowLength[w] as number;
            expect(n).toBe(sp.end - sp.start);
            expect(h.windowStart[w]).toBe(sp.start);
            expect(h.pageDoc[h.windowPage[w] as number]).toBe(di);
            const r = b * batch.seq;
            expect(arr.ngram.subarray(o * K, (o + n) * K)).toEqual(
              batch.ngramIds.subarray(r * K, (r + n) * K),
            );
            expect(arr.word.subarray(o, o + n)).toEqual(batch.wordIds.subarray(r, r + n));
            expect(arr.shape.subarray(o * F, (o + n) * F)).toEqual(batch.shape.subarray(r * F, (r + n) * F));
            expect(Int32Array.from(arr.bbox.subarray(o * BBOX_CHANNELS, (o + n) * BBOX_CHANNELS))).toEqual(
              batch.bbox.subarray(r * BBOX_CHANNELS, (r + n) * BBOX_CHANNELS),
            );
            const labels = Array.from(
              fp.order.subarray(sp.start, sp.end),
              (i) => LABEL_ID.get((page.words[i] as { label: string }).label) as number,
            );
            expect(Array.from(arr.label.subarray(o, o + n))).toEqual(labels);
            w++;
          });
        });
      });
      expect(w).toBe(h.windows);
    }
    expect(longPages).toBeGreaterThan(0);
    const onDisk = JSON.parse(readFileSync(join(out, 'header.json'), 'utf8'));
    expect(onDisk.featurizer).toEqual(CFG);
    expect(onDisk.labels.length).toBe(LABEL_ID.size);
  });

  it('selects splits and sources', async () => {
    const other: CorpusDoc = { ...(docs[0] as CorpusDoc), id: 'sroie-1', source: 'sroie', split: 'dev' };
    writeFileSync(join(corpus, 'sroie.jsonl'), `${JSON.stringify(other)}\n`);
    const h = await exportArrays(corpus, join(root, 'sel'), {
      splits: ['dev'],
      splitSources: { dev: ['sroie'] },
    });
    expect(Object.keys(h.splits)).toEqual(['dev']);
    expect(h.splits.dev?.docId).toEqual(['sroie-1']);
    const all = await exportArrays(corpus, join(root, 'sel2'), { splits: ['dev'] });
    expect(all.splits.dev?.docSource).toEqual(['sroie', 'synth', 'synth', 'synth']);
    const capped = await exportArrays(corpus, join(root, 'sel3'), { splits: ['train'], maxDocsPerSource: 2 });
    expect(capped.splits.train?.docs).toBe(2);
  });

  it('adds name-swapped copies of real training documents only, when asked', async () => {
    const dir = join(root, 'swaps');
    const real: CorpusDoc = { ...(docs[0] as CorpusDoc), id: 'zugferd-1', source: 'zugferd', split: 'train' };
    writeTinyCorpus(dir);
    writeFileSync(join(dir, 'zugferd.jsonl'), `${JSON.stringify(real)}\n`);
    const plain = await exportArrays(dir, join(root, 'swaps0'), { splits: ['train'] });
    const swapped = await exportArrays(dir, join(root, 'swaps2'), { splits: ['train'], nameSwaps: 2 });
    const ids = (h: typeof plain) => h.splits.train?.docId.filter((id) => id.startsWith('zugferd')) ?? [];
    expect(ids(plain)).toEqual(['zugferd-1']);
    expect(ids(swapped)).toEqual(['zugferd-1', 'zugferd-1#names1', 'zugferd-1#names2']);
    // Synthetic documents get no copies.
    expect(swapped.splits.train?.docs).toBe((plain.splits.train?.docs ?? 0) + 2);
  });

  it('rejects unknown labels', async () => {
    const bad = structuredClone(docs[0] as CorpusDoc);
    (bad.pages[0]?.words[0] as { label: string }).label = 'B-nonsense';
    const dir = join(root, 'bad');
    writeTinyCorpus(dir, 0);
    writeFileSync(join(dir, 'synth.jsonl'), `${JSON.stringify(bad)}\n`);
    await expect(exportArrays(dir, join(root, 'bad-out'))).rejects.toThrow(/unknown label B-nonsense/);
  });
});
