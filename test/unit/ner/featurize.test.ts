import { describe, expect, it } from 'vitest';
import {
  bestWindow,
  DEFAULT_FEATURIZER_CONFIG as CFG,
  type FeatWord,
  featurizePage,
  fnv1a,
  mergeWindowLogits,
  ngramIds,
  normalizeWord,
  readingOrder,
  rel2dLuts,
  relBias,
  relPairs,
  SHAPE_FEATURES,
  windowBatch,
  windowSpans,
  wordId,
} from '../../../src/ner/featurize.js';

const F = SHAPE_FEATURES.length;
const feat = (text: string, name: (typeof SHAPE_FEATURES)[number]) => {
  const p = featurizePage([{ text, bbox: [0.1, 0.1, 0.2, 0.12] }], { pageIndex: 0, pageCount: 1 }, CFG);
  return p.shape[SHAPE_FEATURES.indexOf(name)];
};

describe('hashing', () => {
  it('is FNV-1a 32-bit', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it('maps words to deduplicated n-gram ids in 1..buckets-1, at most K', () => {
    for (const w of [
      'Invoice',
      'DE89370400440532013000',
      'https://www.example.com/a/very/long/path',
      '€',
      '',
    ]) {
      const ids = ngramIds(normalizeWord(w, CFG.maxWordChars), CFG);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.length).toBeLessThanOrEqual(CFG.ngramsPerWord);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id >= 1 && id < CFG.ngramBuckets).toBe(true);
    }
  });

  it('hashes every n-gram exactly as fnv1a of its substring (also across surrogate pairs)', () => {
    const reference = (norm: string) => {
      const cps = Array.from(`<${norm}>`);
      const ids: number[] = [];
      for (let i = 0; i < cps.length; i++) {
        for (let n = CFG.ngramMin; n <= CFG.ngramMax && i + n <= cps.length; n++) {
          const id = 1 + (fnv1a(cps.slice(i, i + n).join('')) % (CFG.ngramBuckets - 1));
          if (!ids.includes(id)) ids.push(id);
        }
      }
      return ids.length <= CFG.ngramsPerWord ? ids : [...ids.slice(0, 12), ...ids.slice(ids.length - 12)];
    };
    for (const w of ['total', 'ab😀cd', 'straße', '€12.50', 'x', 'https://example.com/invoices/2024/03']) {
      const norm = normalizeWord(w, CFG.maxWordChars);
      expect(ngramIds(norm, CFG)).toEqual(reference(norm));
    }
  });

  it('sees numbers by shape, text case-insensitively', () => {
    const n = (w: string) => normalizeWord(w, CFG.maxWordChars);
    expect(n('12.50')).toBe(n('99.99'));
    expect(wordId(n('TOTAL'), CFG)).toBe(wordId(n('total'), CFG));
    expect(wordId(n('total'), CFG)).not.toBe(wordId(n('subtotal'), CFG));
    expect(n('ﬁnal')).toBe('final');
  });
});

describe('shape features', () => {
  it('flags the value shapes invoices use', () => {
    expect(feat('12.50', 'amount_like')).toBe(1);
    expect(feat('1.234,56', 'amount_like')).toBe(1);
    expect(feat('Total', 'amount_like')).toBe(0);
    expect(feat('2024-03-01', 'date_like')).toBe(1);
    expect(feat('01.03.2024', 'date_like')).toBe(1);
    expect(feat('12-Mar-2024', 'date_like')).toBe(1);
    expect(feat('DE89370400440532013000', 'iban_like')).toBe(1);
    expect(feat('DE89', 'iban_group')).toBe(1);
    expect(feat('info@acme.de', 'email_like')).toBe(1);
    expect(feat('www.acme.de', 'url_like')).toBe(1);
    expect(feat('EUR', 'currency_code')).toBe(1);
    expect(feat('€', 'currency_symbol')).toBe(1);
    expect(feat('19%', 'percent')).toBe(1);
    expect(feat('INVOICE', 'all_caps')).toBe(1);
    expect(feat('Invoice', 'title_case')).toBe(1);
    expect(feat('Date:', 'ends_colon')).toBe(1);
    expect(feat('DEUTDEFF', 'bic_like')).toBe(1);
    expect(feat('DE123456789', 'vat_like')).toBe(1);
    expect(feat('+49 30 1234567'.replace(/ /g, ''), 'phone_like')).toBe(1);
    expect(feat('a', 'len_1')).toBe(1);
    expect(feat('abcdef', 'len_5_8')).toBe(1);
  });
});

describe('reading order and page features', () => {
  const words: FeatWord[] = [
    { text: 'Total', bbox: [0.5, 0.8, 0.6, 0.82] },
    { text: 'Invoice', bbox: [0.1, 0.1, 0.3, 0.13] },
    { text: '119.00', bbox: [0.7, 0.801, 0.8, 0.821] },
    { text: 'INV-1', bbox: [0.35, 0.105, 0.45, 0.125] },
  ];

  it('groups lines top to bottom, words left to right', () => {
    expect(readingOrder(words)).toEqual([
      [1, 3],
      [0, 2],
    ]);
  });

  it('does not depend on the input order', () => {
    const a = featurizePage(words, { pageIndex: 0, pageCount: 1 }, CFG);
    const perm = [2, 0, 3, 1];
    const b = featurizePage(
      perm.map((i) => words[i] as FeatWord),
      { pageIndex: 0, pageCount: 1 },
      CFG,
    );
    expect(Array.from(a.order)).toEqual([1, 3, 0, 2]);
    expect(Array.from(b.order, (i) => perm[i])).toEqual(Array.from(a.order));
    expect(b.ngramIds).toEqual(a.ngramIds);
    expect(b.shape).toEqual(a.shape);
    expect(b.bbox).toEqual(a.bbox);
  });

  it('quantises boxes to 0..1000 with width and height', () => {
    const p = featurizePage(
      [{ text: 'x', bbox: [0.1234, -0.5, 1.7, 0.25] }],
      { pageIndex: 0, pageCount: 1 },
      CFG,
    );
    expect(Array.from(p.bbox)).toEqual([123, 0, 1000, 250, 877, 250]);
    expect(p.shape.length).toBe(F);
    expect(p.ngramIds.length).toBe(CFG.ngramsPerWord);
  });

  it('handles an empty page', () => {
    const p = featurizePage([], { pageIndex: 0, pageCount: 1 }, CFG);
    expect(p.length).toBe(0);
    expect(windowSpans(0, CFG)).toEqual([]);
  });
});

describe('windows', () => {
  it('covers long pages with overlapping windows, the last aligned to the end', () => {
    expect(windowSpans(300, CFG)).toEqual([{ start: 0, end: 300 }]);
    expect(windowSpans(512, CFG)).toEqual([{ start: 0, end: 512 }]);
    expect(windowSpans(1000, CFG)).toEqual([
      { start: 0, end: 512 },
      { start: 384, end: 896 },
      { start: 488, end: 1000 },
    ]);
  });

  it('takes each position from the window where it is most central', () => {
    const spans = windowSpans(1000, CFG);
    const best = bestWindow(1000, spans);
    expect(best[0]).toBe(0);
    expect(best[300]).toBe(0);
    expect(best[500]).toBe(1);
    expect(best[999]).toBe(2);
    for (let i = 0; i < 1000; i++) {
      const sp = spans[best[i] as number] as { start: number; end: number };
      expect(i >= sp.start && i < sp.end).toBe(true);
    }
  });

  it('batches windows with padding and merges logits back', () => {
    const cfg = { ...CFG, window: 4, stride: 3 };
    const words = Array.from({ length: 6 }, (_, i) => ({
      text: `w${i}`,
      bbox: [0.1 * i, 0.1, 0.1 * i + 0.05, 0.12] as [number, number, number, number],
    }));
    const p = featurizePage(words, { pageIndex: 0, pageCount: 1 }, cfg);
    const spans = windowSpans(6, cfg);
    expect(spans).toEqual([
      { start: 0, end: 4 },
      { start: 2, end: 6 },
    ]);
    const b = windowBatch(p, spans, cfg);
    expect([b.batch, b.seq]).toEqual([2, 4]);
    expect(Array.from(b.wordIds.subarray(4, 8))).toEqual(Array.from(p.wordIds.subarray(2, 6)));
    // Fake logits: class 0 = global position, so the merge must give back 0..5.
    const C = 2;
    const logits = new Float32Array(2 * 4 * C);
    spans.forEach((sp, w) => {
      for (let t = 0; t < 4; t++) logits[(w * 4 + t) * C] = sp.start + t;
    });
    const merged = mergeWindowLogits(6, spans, logits, 4, C);
    expect(Array.from({ length: 6 }, (_, i) => merged[i * C])).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('2D relative-position inputs', () => {
  // A small table: 5 buckets per axis (distance buckets -2..2), 2 heads with distinct weights per pair.
  const side = 5;
  const offset = 2000;
  const lut = Array.from({ length: 2 * offset + 1 }, (_, i) => {
    const d = i - offset;
    return Math.max(-2, Math.min(2, Math.trunc(d / 300))) + 2;
  });
  const weights = Array.from({ length: side * side }, (_, k) => [k / 10, -k]);
  const luts = rel2dLuts({ offset, side, lut, weights });
  const words: FeatWord[] = Array.from({ length: 7 }, (_, i) => ({
    text: `w${i}`,
    bbox: [0.1 * i, 0.05 * (i % 3), 0.1 * i + 0.08, 0.05 * (i % 3) + 0.02],
  }));
  const fp = featurizePage(words, { pageIndex: 0, pageCount: 1 }, CFG);
  const b = windowBatch(fp, windowSpans(fp.length, { window: 4, stride: 3 }), CFG);

  it('rel_bias holds each head weight at the rel_pair index, laid out [B,H,T,T]', () => {
    const pairs = relPairs(b, luts);
    const bias = relBias(b, luts);
    const T = b.seq;
    expect(b.batch).toBeGreaterThan(1);
    expect(bias).toHaveLength(b.batch * 2 * T * T);
    for (let w = 0; w < b.batch; w++)
      for (let h = 0; h < 2; h++)
        for (let i = 0; i < T; i++)
          for (let j = 0; j < T; j++) {
            const k = pairs[(w * T + i) * T + j] as number;
            expect(bias[((w * 2 + h) * T + i) * T + j]).toBeCloseTo(weights[k]?.[h] as number, 6);
          }
  });

  it('fills a reused buffer completely, and allocates when it is too small', () => {
    const fresh = relBias(b, luts);
    const dirty = new Float32Array(fresh.length + 10).fill(Number.NaN);
    const reused = relBias(b, luts, dirty);
    expect(reused.buffer).toBe(dirty.buffer);
    expect(Array.from(reused)).toEqual(Array.from(fresh));
    expect(relBias(b, luts, new Float32Array(3)).length).toBe(fresh.length);
  });
});
