import { describe, expect, it } from 'vitest';
import { formatReliability, reliability, scoreSet } from '../../../src/eval/score.js';

describe('scoreSet (shared EVAL.md)', () => {
  const labels = [
    {
      file: 'a.pdf',
      fields: {
        total_amount: '1234.50',
        issue_date: '2017-11-03',
        supplier_name: 'Müller GmbH',
        currency: 'EUR',
      },
    },
    { file: 'b.pdf', fields: { total_amount: '9.00', supplier_name: 'ACME' } },
    { file: 'c.pdf', fields: { total_amount: '5.00' } },
  ];

  it('counts correct, predicted and labeled per field and micro-averages', () => {
    const s = scoreSet(labels, [
      {
        file: 'a.pdf',
        fields: {
          total_amount: { value: '1234.504' },
          issue_date: { value: '2017-11-03' },
          supplier_name: { value: 'MÜLLER  GMBH.' },
          currency: { value: 'eur' },
          invoice_number: { value: 'not labeled: not counted' },
        },
      },
      { file: 'b.pdf', fields: { total_amount: { value: '9.01' }, supplier_name: { value: '' } } },
      { file: 'c.pdf' },
    ]);
    const total = s.fields.find((f) => f.field === 'total_amount');
    expect(total).toMatchObject({ labeled: 3, predicted: 2, correct: 1, precision: 0.5 });
    expect(total?.recall).toBeCloseTo(1 / 3);
    expect(s.fields.find((f) => f.field === 'supplier_name')).toMatchObject({
      labeled: 2,
      predicted: 1,
      correct: 1,
    });
    expect(s.fields.map((f) => f.field)).not.toContain('invoice_number');
    expect(s.micro).toMatchObject({ labeled: 7, predicted: 5, correct: 4 });
    expect(s.micro.f1).toBeCloseTo((2 * (4 / 5) * (4 / 7)) / (4 / 5 + 4 / 7));
    expect(s.failed).toBe(1);
    expect(s.misses).toHaveLength(3);
  });
});

describe('reliability', () => {
  it('bins predicted values by confidence and reports how often each bin was right', () => {
    const rows = reliability([
      { confidence: 0.95, correct: true },
      { confidence: 0.97, correct: false },
      { confidence: 1, correct: true },
      { confidence: 0.3, correct: false },
    ]);
    expect(rows.at(-1)).toEqual({ from: 0.95, to: 1, values: 3, accuracy: 2 / 3 });
    expect(rows[0]).toEqual({ from: 0, to: 0.5, values: 1, accuracy: 0 });
    expect(rows[2]?.accuracy).toBeUndefined();
    expect(formatReliability(rows)).toContain('[0.95, 1.00]       3  0.667');
  });
});
