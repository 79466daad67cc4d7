import { describe, expect, it } from 'vitest';
import { groupRows } from '../../../src/document/rows.js';
import type { BBox } from '../../../src/types.js';

const w = (text: string, bbox: BBox) => ({ text, bbox });
const texts = (rows: { text: string }[][]) => rows.map((r) => r.map((x) => x.text).join(' '));

describe('groupRows', () => {
  it('keeps two small lines apart when a tall word beside them overlaps both', () => {
    // A 20 pt supplier name at the left, a two-line 9 pt address block at the right.
    const words = [
      w('ACME', [0.05, 0.1, 0.3, 0.13]),
      w('Strada', [0.5, 0.1, 0.56, 0.112]),
      w('Cappelletti', [0.57, 0.1, 0.66, 0.112]),
      w('15', [0.67, 0.1, 0.69, 0.112]),
      w('65426', [0.5, 0.116, 0.55, 0.128]),
      w('Borgo', [0.56, 0.116, 0.61, 0.128]),
    ];
    expect(texts(groupRows(words))).toEqual(['Strada Cappelletti 15', 'ACME', '65426 Borgo']);
  });

  it('joins words of one line whose sizes and baselines differ a little', () => {
    const words = [
      w('Total:', [0.1, 0.5, 0.2, 0.512]),
      w('1.234,56', [0.6, 0.498, 0.7, 0.514]),
      w('EUR', [0.72, 0.501, 0.76, 0.513]),
    ];
    expect(texts(groupRows(words))).toEqual(['Total: 1.234,56 EUR']);
  });

  it('orders rows top to bottom and words left to right whatever the input order', () => {
    const words = [
      w('c', [0.5, 0.3, 0.6, 0.31]),
      w('b', [0.1, 0.3, 0.2, 0.31]),
      w('a', [0.1, 0.1, 0.2, 0.11]),
    ];
    expect(texts(groupRows(words))).toEqual(['a', 'b c']);
  });

  it('survives NaN and zero-height boxes', () => {
    const words = [w('x', [Number.NaN, 0.2, 0.1, 0.21]), w('y', [0.2, 0.2, 0.3, 0.2])];
    expect(groupRows(words).flat()).toHaveLength(2);
  });
});
