/**
 * CSV export of extraction results: one row per invoice, or one row per line item. RFC 4180 (CRLF, quotes
 * doubled, fields with a comma, quote or line break quoted) via csv-stringify, with a CSV-injection guard.
 */
import { stringify } from 'csv-stringify/sync';
import { type Invoice, LINE_ITEM_FIELDS } from '../assemble/schema.js';
import { DOCUMENT_FIELDS } from '../ner/labels.js';

export type CsvMode = 'invoice' | 'lines';

export const INVOICE_COLUMNS = ['document_id', 'file', ...DOCUMENT_FIELDS, 'validation_failures'] as const;

export const LINE_COLUMNS = ['document_id', 'invoice_number', 'line_index', ...LINE_ITEM_FIELDS] as const;

const NUMBER = /^[+-]?\d+(\.\d+)?$/;
// OWASP "CSV Injection": spreadsheets run cells that start with these as formulas (tab and CR too).
const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes a cell that a spreadsheet would read as a formula with `'`; signed numbers stay as they are. */
export function guardCell(value: string): string {
  return FORMULA_START.test(value) && !NUMBER.test(value) ? `'${value}` : value;
}

/** A field's value as text ('' when absent); the schema's field type admits enum values too. */
const v = (field: { value: string | number } | undefined): string =>
  field === undefined ? '' : String(field.value);

function invoiceRow(inv: Invoice): string[] {
  const failures = inv.validation.filter((v) => v.status === 'fail').map((v) => v.rule);
  return [
    inv.document.id,
    inv.file ?? '',
    ...DOCUMENT_FIELDS.map((f) => v(inv.fields[f])),
    [...new Set(failures)].join(';'),
  ];
}

function lineRows(inv: Invoice): string[][] {
  const number = v(inv.fields.invoice_number);
  return inv.line_items.map((li, i) => [
    inv.document.id,
    number,
    String(i + 1),
    ...LINE_ITEM_FIELDS.map((k) => v(li[k])),
  ]);
}

/**
 * `invoice`: one row per invoice (document id, file, every document field's value, failed validation rules
 * joined by `;`). `lines`: one row per line item (line_index is 1-based). Always starts with a header row.
 */
export function invoicesToCsv(invoices: readonly Invoice[], mode: CsvMode): string {
  const columns: readonly string[] = mode === 'invoice' ? INVOICE_COLUMNS : LINE_COLUMNS;
  const rows = mode === 'invoice' ? invoices.map(invoiceRow) : invoices.flatMap(lineRows);
  return stringify([columns as string[], ...rows.map((r) => r.map(guardCell))], {
    record_delimiter: 'windows',
  });
}
