import { describe, expect, it } from 'vitest';
import {
  aggregateSubwords,
  type DecodeWord,
  decodePage,
  type GroupedEntity,
  pageText,
  repairBio,
  softmaxRows,
  type TokenEntity,
} from '../../../src/ner/decode.js';

const LABELS = ['O', 'B-total_amount', 'I-total_amount', 'B-supplier_name', 'I-supplier_name'];

/** Probabilities that pick `tags[i]` with score `scores[i]` (the rest spread over the other classes). */
function probsFor(tags: string[], scores: number[]): Float32Array {
  const C = LABELS.length;
  const p = new Float32Array(tags.length * C);
  tags.forEach((t, i) => {
    const s = scores[i] as number;
    for (let c = 0; c < C; c++) p[i * C + c] = (1 - s) / (C - 1);
    p[i * C + LABELS.indexOf(t)] = s;
  });
  return p;
}

const words = (texts: string[]): DecodeWord[] =>
  texts.map((text, i) => ({ text, bbox: [0.1 * i, 0.5, 0.1 * i + 0.08, 0.52] }));

function decode(
  texts: string[],
  tags: string[],
  strategy: Parameters<typeof decodePage>[1],
  scores?: number[],
) {
  return decodePage(
    {
      words: words(texts),
      order: texts.map((_, i) => i),
      probs: probsFor(tags, scores ?? tags.map(() => 0.9)),
      labels: LABELS,
      page: 2,
    },
    strategy,
  );
}

describe('repairBio', () => {
  it('turns an I- that continues nothing into B-', () => {
    expect(repairBio(['I-a', 'I-a', 'O', 'I-a', 'B-b', 'I-a', 'I-b'])).toEqual([
      'B-a',
      'I-a',
      'O',
      'B-a',
      'B-b',
      'B-a',
      'B-b',
    ]);
  });

  it('keeps valid sequences and reads unprefixed tags as I-', () => {
    expect(repairBio(['B-a', 'I-a', 'B-a', 'O'])).toEqual(['B-a', 'I-a', 'B-a', 'O']);
    expect(repairBio(['TOTAL', 'TOTAL', 'O'])).toEqual(['B-TOTAL', 'I-TOTAL', 'O']);
  });
});

describe('decodePage', () => {
  const texts = ['Acme', 'GmbH', 'Total', '119.00', 'EUR'];
  const tags = ['B-supplier_name', 'I-supplier_name', 'O', 'I-total_amount', 'O'];

  it('simple: groups B/I runs of one type, mean score, offsets into the page text, union box', () => {
    const ents = decode(texts, tags, 'simple', [0.9, 0.7, 0.99, 0.8, 0.99]) as GroupedEntity[];
    expect(ents.map((e) => [e.entity_group, e.word, e.start, e.end, e.word_indices])).toEqual([
      ['supplier_name', 'Acme GmbH', 0, 9, [0, 1]],
      ['total_amount', '119.00', 16, 22, [3]],
    ]);
    const text = pageText(words(texts), [0, 1, 2, 3, 4]);
    for (const e of ents) expect(text.slice(e.start, e.end)).toBe(e.word);
    expect(ents[0]?.score).toBeCloseTo(0.8, 5);
    expect(ents[0]?.page).toBe(2);
    expect(ents[0]?.bbox[0]).toBeCloseTo(0, 6);
    expect(ents[0]?.bbox[2]).toBeCloseTo(0.18, 6);
  });

  it('none: one entity per tagged word, with the repaired tag', () => {
    const ents = decode(texts, tags, 'none') as TokenEntity[];
    expect(ents.map((e) => [e.entity, e.index, e.word])).toEqual([
      ['B-supplier_name', 0, 'Acme'],
      ['I-supplier_name', 1, 'GmbH'],
      ['B-total_amount', 3, '119.00'],
    ]);
  });

  it('first/average/max equal simple on whole words', () => {
    const simple = decode(texts, tags, 'simple');
    for (const s of ['first', 'average', 'max'] as const) expect(decode(texts, tags, s)).toEqual(simple);
  });

  it('starts a new group at every B- and at a change of type', () => {
    const ents = decode(
      ['a', 'b', 'c', 'd'],
      ['B-total_amount', 'B-total_amount', 'I-supplier_name', 'I-supplier_name'],
      'simple',
    ) as GroupedEntity[];
    expect(ents.map((e) => [e.entity_group, e.word])).toEqual([
      ['total_amount', 'a'],
      ['total_amount', 'b'],
      ['supplier_name', 'c d'],
    ]);
  });

  it('follows the reading order, reporting input word indices', () => {
    const ws = words(['119.00', 'Total']);
    const ents = decodePage(
      {
        words: ws,
        order: [1, 0],
        probs: probsFor(['O', 'B-total_amount'], [0.9, 0.9]),
        labels: LABELS,
        page: 1,
      },
      'simple',
    ) as GroupedEntity[];
    expect(ents).toHaveLength(1);
    expect(ents[0]?.word_indices).toEqual([0]);
    expect([ents[0]?.start, ents[0]?.end]).toEqual([6, 12]);
  });

  it('returns nothing for an empty page', () => {
    expect(decode([], [], 'simple')).toEqual([]);
  });
});

describe('softmax and sub-word aggregation', () => {
  it('softmaxRows is stable and sums to one', () => {
    const p = softmaxRows(Float32Array.from([1000, 1000, 0, 1, 2, 3]), 2, 3);
    expect(p[0]).toBeCloseTo(0.5, 6);
    expect(p[2]).toBeCloseTo(0, 6);
    expect((p[3] as number) + (p[4] as number) + (p[5] as number)).toBeCloseTo(1, 6);
  });

  it('first, average and max pick per-word scores as Hugging Face does', () => {
    // Word 0 = pieces 0,1,2; word 1 = piece 3; piece 4 is [SEP] (-1).
    const probs = Float32Array.from([0.6, 0.4, 0.1, 0.9, 0.2, 0.8, 0.7, 0.3, 0.5, 0.5]);
    const pw = [0, 0, 0, 1, -1];
    const first = aggregateSubwords(probs, pw, 2, 2, 'first');
    expect(Array.from(first)).toEqual(Array.from(Float32Array.from([0.6, 0.4, 0.7, 0.3])));
    const avg = aggregateSubwords(probs, pw, 2, 2, 'average');
    expect(avg[0]).toBeCloseTo(0.3, 6);
    expect(avg[1]).toBeCloseTo(0.7, 6);
    const max = aggregateSubwords(probs, pw, 2, 2, 'max');
    expect(max[1]).toBeCloseTo(0.9, 6);
    expect(aggregateSubwords(probs, pw, 2, 2, 'simple')).toEqual(first);
  });
});
