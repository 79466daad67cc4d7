import { describe, expect, it } from 'vitest';
import { applyCorrections, logEntries, parseCorrections } from '../../../src/assemble/corrections.js';
import { assertValidInvoice } from '../../../src/assemble/validate.js';
import { InvexError } from '../../../src/errors.js';
import { resultWith } from '../../fixtures/results.js';

const region = { page: 1, bbox: [0.7, 0.8, 0.8, 0.82] as [number, number, number, number] };
const result = resultWith(
  {
    subtotal_amount: { value: '100.00', raw: '100,00', confidence: 0.95, regions: [region] },
    tax_amount: { value: '19.00', raw: '19,00', confidence: 0.95, regions: [region] },
    total_amount: { value: '118.00', raw: '118,00', confidence: 0.55, regions: [region] },
    issue_date: { value: '2024-03-05', confidence: 0.9, regions: [] },
    due_date: { value: '2024-02-01', confidence: 0.4, regions: [] },
    supplier_name: { value: 'ACME', confidence: 0.97, regions: [region] },
  },
  {
    validation: [
      {
        rule: 'BR-CO-15',
        status: 'fail',
        message: 'x',
        fields: ['subtotal_amount', 'tax_amount', 'total_amount'],
      },
      { rule: 'INVEX-DUE-AFTER-ISSUE', status: 'fail', message: 'y', fields: ['issue_date', 'due_date'] },
      { rule: 'INVEX-VAT-ID', status: 'fail', message: 'z', fields: ['supplier_vat_id'] },
    ],
  },
);

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvexError && err.code === 'INVEX_E_USAGE') return err.message;
    throw err;
  }
  throw new Error('expected INVEX_E_USAGE');
}

describe('parseCorrections', () => {
  it('takes document fields with values in their format, or null', () => {
    expect(parseCorrections({ fields: { total_amount: ' 119.00 ', due_date: null } })).toEqual([
      { field: 'total_amount', value: '119.00' },
      { field: 'due_date', value: null },
    ]);
  });

  it('refuses unknown fields and values out of format, naming each', () => {
    const msg = usageError(() =>
      parseCorrections({ fields: { total: '1', issue_date: '05.03.2024', total_amount: '1.234,00' } }),
    );
    expect(msg).toContain('total: not a document field');
    expect(msg).toContain('issue_date: "05.03.2024" is not in the field\'s format');
    expect(msg).toContain('total_amount');
    expect(usageError(() => parseCorrections({ fields: {} }))).toContain('no fields');
    expect(usageError(() => parseCorrections({ total_amount: '1' }))).toContain('{"fields"');
  });
});

describe('applyCorrections', () => {
  const log = logEntries(
    result,
    parseCorrections({ fields: { total_amount: '119.00', due_date: '2024-04-04', supplier_name: null } }),
    '2026-11-28T10:00:00Z',
  );

  it('records what each value was', () => {
    expect(log.map((c) => [c.field, c.previous, c.value])).toEqual([
      ['total_amount', '118.00', '119.00'],
      ['due_date', '2024-02-01', '2024-04-04'],
      ['supplier_name', 'ACME', null],
    ]);
  });

  it('sets reviewed values where the replaced ones were printed, and removes cleared ones', () => {
    const out = applyCorrections(result, log);
    expect(out.fields.total_amount).toEqual({
      value: '119.00',
      confidence: 1,
      regions: [region],
      source: 'reviewed',
    });
    expect(out.fields.supplier_name).toBeUndefined();
    expect(out.fields.subtotal_amount).toEqual(result.fields.subtotal_amount);
    expect(() => assertValidInvoice(out)).not.toThrow();
  });

  it('runs the checks about corrected fields again and keeps the others', () => {
    const rules = applyCorrections(result, log).validation.map((r) => `${r.rule} ${r.status}`);
    expect(rules).toEqual([
      'INVEX-REVIEWED pass',
      'BR-CO-15 pass',
      'INVEX-DUE-AFTER-ISSUE pass',
      'INVEX-VAT-ID fail',
    ]);
  });

  it('lets a later correction of a field win, and changes nothing without corrections', () => {
    const later = [
      ...log,
      ...logEntries(applyCorrections(result, log), [{ field: 'total_amount', value: '120.00' }], 't'),
    ];
    const out = applyCorrections(result, later);
    expect(out.fields.total_amount?.value).toBe('120.00');
    expect(out.validation.find((r) => r.rule === 'BR-CO-15')?.status).toBe('fail');
    expect(later.at(-1)?.previous).toBe('119.00');
    expect(applyCorrections(result, [])).toBe(result);
  });
});
