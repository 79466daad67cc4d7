import { describe, expect, it } from 'vitest';
import {
  countPage,
  type EntityCounts,
  entitiesFromTags,
  formatEntityReport,
} from '../../../src/eval/tokens.js';

describe('entity-level scoring', () => {
  it('builds entities from BIO tags, joining an I- to the open entity of its type across other words', () => {
    expect(
      entitiesFromTags([
        'B-total_amount',
        'O',
        'B-supplier_address',
        'I-supplier_address',
        'O',
        'I-supplier_address',
        'B-supplier_address',
      ]),
    ).toEqual([
      { type: 'total_amount', words: [0] },
      { type: 'supplier_address', words: [2, 3, 5] },
      { type: 'supplier_address', words: [6] },
    ]);
  });

  it('counts exact matches only', () => {
    const counts = new Map<string, EntityCounts>();
    countPage(
      counts,
      1,
      [
        { type: 'total_amount', words: [4] },
        { type: 'supplier_name', words: [0, 1] },
      ],
      [
        { type: 'total_amount', words: [4] },
        { type: 'supplier_name', words: [0] },
        { type: 'issue_date', words: [7] },
      ],
    );
    expect(counts.get('total_amount')).toEqual({ type: 'total_amount', gold: 1, predicted: 1, correct: 1 });
    expect(counts.get('supplier_name')).toEqual({ type: 'supplier_name', gold: 1, predicted: 1, correct: 0 });
    expect(counts.get('issue_date')).toEqual({ type: 'issue_date', gold: 0, predicted: 1, correct: 0 });
    expect(formatEntityReport(counts.values())).toMatch(/micro avg\s+0\.333\s+0\.500\s+0\.400\s+2/);
  });
});
