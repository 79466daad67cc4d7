import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CorpusDoc } from '../../../src/corpus/format.js';
import { checkRecovery, recoveryRate, spanGives, spansOf } from '../../../src/corpus/synth/check.js';
import { generateDocument, groundTruth, splitOf, TEST_FAMILIES } from '../../../src/corpus/synth/generate.js';
import { runSynth } from '../../../src/corpus/synth/index.js';
import { FAMILIES } from '../../../src/corpus/synth/layouts/index.js';
import { type EntitySpan, labelTextDocument } from '../../../src/corpus/synth/text-doc.js';
import { LABEL_ID } from '../../../src/ner/labels.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'invex-synth-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('synthetic generator', () => {
  it('has at least 12 layout families, two of them held out as test', () => {
    expect(FAMILIES.length).toBeGreaterThanOrEqual(12);
    expect(TEST_FAMILIES).toHaveLength(2);
    for (const f of TEST_FAMILIES) expect(FAMILIES.map((x) => x.name)).toContain(f);
    expect(splitOf('synth-1-000001', TEST_FAMILIES[0] ?? '')).toBe('test');
    const dev = Array.from({ length: 2000 }, (_, i) => splitOf(`synth-9-${i}`, 'classic')).filter(
      (s) => s === 'dev',
    );
    expect(dev.length / 2000).toBeGreaterThan(0.07);
    expect(dev.length / 2000).toBeLessThan(0.13);
  });

  it('is deterministic: same seed, same PDF bytes and ground truth, whatever the order', async () => {
    const a = [];
    for (let i = 0; i < 6; i++) a.push(await generateDocument(42, i));
    const b = [];
    for (let i = 5; i >= 0; i--) b.unshift(await generateDocument(42, i));
    for (let i = 0; i < 6; i++) {
      expect(a[i]?.pdf.equals(b[i]?.pdf ?? Buffer.alloc(0))).toBe(true);
      expect(groundTruth(a[i] as never)).toEqual(groundTruth(b[i] as never));
    }
    const other = await generateDocument(43, 0);
    expect(other.pdf.equals(a[0]?.pdf ?? Buffer.alloc(0))).toBe(false);
  });

  it('runSynth writes identical files for the same seed', async () => {
    const [d1, d2] = [await tempDir(), await tempDir()];
    await runSynth({ count: 5, seed: 7, out: d1 });
    await runSynth({ count: 5, seed: 7, out: d2, concurrency: 1 });
    const pdfs = (await readdir(join(d1, 'pdf'))).sort();
    expect(pdfs).toHaveLength(5);
    expect((await readdir(join(d2, 'pdf'))).sort()).toEqual(pdfs);
    for (const f of [...pdfs.map((p) => join('pdf', p)), 'gt.jsonl', 'synth.jsonl']) {
      expect((await readFile(join(d1, f))).equals(await readFile(join(d2, f))), f).toBe(true);
    }
    const gt = (await readFile(join(d1, 'gt.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(gt).toHaveLength(5);
    for (const g of gt) {
      expect(g.file).toMatch(/^pdf\/synth-7-\d{6}\.pdf$/);
      expect(g.fields.total_amount).toMatch(/^-?\d+\.\d{2}$/);
      expect(g.fields.issue_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});

describe('labels of generated documents', () => {
  const docs: CorpusDoc[] = [];
  const labeled: { doc: CorpusDoc; spans: EntitySpan[]; items: Record<string, string>[] }[] = [];

  it('every family: labeled words spell exactly what was drawn, nothing leaves the page', async () => {
    for (const f of FAMILIES) {
      for (let i = 0; i < 4; i++) {
        const gen = await generateDocument(11, i, { families: [f.name] });
        const l = await labelTextDocument(gen, `pdf/${gen.id}.pdf`);
        expect(l.issues, `${f.name} #${i}`).toEqual([]);
        expect(gen.overflows, `${f.name} #${i}`).toEqual([]);
        docs.push(l.doc);
        labeled.push({ doc: l.doc, spans: l.spans, items: groundTruth(gen).line_items });
      }
    }
    expect(docs.length).toBeGreaterThanOrEqual(48);
  });

  it('labels are valid BIO tags and every labeled span equals its ground-truth value', () => {
    let n = 0;
    for (const { doc, spans, items } of labeled) {
      for (const p of doc.pages) for (const w of p.words) expect(LABEL_ID.has(w.label), w.label).toBe(true);
      for (const s of spans) {
        const gt = s.item !== undefined ? items[s.item]?.[s.field.slice(5)] : doc.fields[s.field];
        expect(gt, `${doc.id} ${s.field} has ground truth`).toBeDefined();
        expect(
          spanGives(s.field, s.text, gt ?? '', doc.locale),
          `${doc.id} ${s.field} "${s.text}" vs "${gt}"`,
        ).toBe(true);
        n++;
      }
    }
    expect(n).toBeGreaterThan(2000);
  });

  it('BIO spans in reading order carry the same values', () => {
    // From the words alone, as a trainer or assembler sees them: each B- span gives a ground-truth value.
    let ok = 0;
    let all = 0;
    for (const { doc } of labeled) {
      for (const s of spansOf(doc)) {
        if (s.field.startsWith('item_')) continue;
        all++;
        if (spanGives(s.field, s.text, doc.fields[s.field] ?? '', doc.locale)) ok++;
      }
    }
    expect(ok / all).toBeGreaterThan(0.99);
  });

  it('recovers at least 99% of the ground-truth values from the labeled words', () => {
    const r = checkRecovery(docs);
    expect(r.values).toBeGreaterThan(600);
    expect(recoveryRate(r), JSON.stringify(r.missing.slice(0, 5))).toBeGreaterThanOrEqual(0.99);
  });
});
