import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { guardCell, INVOICE_COLUMNS, invoicesToCsv, LINE_COLUMNS } from '../../../src/deliver/export-csv.js';
import { creditNote, fullInvoice, makeInvoice, minimalInvoice } from '../../fixtures/invoices.js';

describe('invoicesToCsv', () => {
  it('writes one row per invoice with every document field, CRLF line ends', () => {
    const csv = invoicesToCsv([fullInvoice(), minimalInvoice()], 'invoice');
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual([...INVOICE_COLUMNS]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      document_id: `sha256:${'a1'.repeat(32)}`,
      file: 'in/acme-2024-0042.pdf',
      invoice_number: 'INV-2024-0042',
      supplier_name: 'Acme Tools GmbH',
      supplier_address: 'Hauptstraße 5, 10115 Berlin',
      customer_name: 'Müller & Söhne KG',
      total_amount: '297.50',
      validation_failures: '',
    });
    expect(rows[1]).toMatchObject({
      file: '',
      invoice_number: '',
      total_amount: '42.00',
      validation_failures: 'BR-02',
    });
  });

  it('writes one row per line item', () => {
    const rows = parse(invoicesToCsv([fullInvoice(), creditNote(), minimalInvoice()], 'lines'), {
      columns: true,
    }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual([...LINE_COLUMNS]);
    expect(rows.map((r) => [r.invoice_number, r.line_index])).toEqual([
      ['INV-2024-0042', '1'],
      ['INV-2024-0042', '2'],
      ['CN-77', '1'],
      ['CN-77', '2'],
    ]);
    expect(rows[0]).toMatchObject({
      description: 'Cordless drill "Pro" 18V',
      quantity: '2',
      unit: 'pcs',
      unit_price: '100.00',
      amount: '200.00',
      tax_rate: '19.00',
      product_code: 'DR-18V',
    });
    // Negative amounts stay numbers, not guarded text.
    expect(rows[2]).toMatchObject({ quantity: '-10', amount: '-100.00' });
  });

  it('quotes per RFC 4180', () => {
    const inv = makeInvoice({
      id: 'b0',
      fields: { supplier_name: 'Say "hi", then\nleave', customer_name: 'plain', invoice_number: 'A,B' },
    });
    const csv = invoicesToCsv([inv], 'invoice');
    expect(csv).toContain('"Say ""hi"", then\nleave"');
    expect(csv).toContain(',"A,B",');
    expect(csv).toContain(',plain,');
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows[0]?.supplier_name).toBe('Say "hi", then\nleave');
  });

  it('guards cells a spreadsheet would run as formulas, but not signed numbers', () => {
    expect(guardCell('=HYPERLINK("http://x","y")')).toBe(`'=HYPERLINK("http://x","y")`);
    expect(guardCell('+49 30 1234')).toBe("'+49 30 1234");
    expect(guardCell('-2+3+cmd|" /C calc"!A0')).toBe(`'-2+3+cmd|" /C calc"!A0`);
    expect(guardCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(guardCell('\t=1')).toBe("'\t=1");
    expect(guardCell('-12.50')).toBe('-12.50');
    expect(guardCell('+3')).toBe('+3');
    expect(guardCell('Acme = best')).toBe('Acme = best');
    expect(guardCell('')).toBe('');
    const inv = makeInvoice({
      id: 'b1',
      fields: { supplier_name: '=cmd|"/c calc"!A1', subtotal_amount: '-5.00' },
    });
    const rows = parse(invoicesToCsv([inv], 'invoice'), { columns: true }) as Record<string, string>[];
    expect(rows[0]?.supplier_name).toBe(`'=cmd|"/c calc"!A1`);
    expect(rows[0]?.subtotal_amount).toBe('-5.00');
  });

  it('writes just the header for no invoices', () => {
    expect(invoicesToCsv([], 'lines')).toBe(`${LINE_COLUMNS.join(',')}\r\n`);
  });
});
