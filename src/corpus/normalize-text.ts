/**
 * Value normalisation and comparison as ../shared/EVAL.md defines them, shared by the corpus importers, the
 * matcher and anything that scores predictions. Printed amounts, dates and currencies are read by
 * src/assemble/normalize/ (amountReadings, dateReadings, currencyOfToken).
 */

export type FieldKind = 'amount' | 'date' | 'code' | 'text';

const AMOUNT_FIELDS = new Set([
  'total_amount',
  'subtotal_amount',
  'tax_amount',
  'amount_due',
  'item_unit_price',
  'item_amount',
  'item_quantity',
  'item_tax_rate',
]);
const DATE_FIELDS = new Set(['issue_date', 'due_date', 'delivery_date']);
const CODE_FIELDS = new Set(['currency']);

/** The EVAL.md kind of a field: decides how a predicted value is compared with its label. */
export function fieldKind(field: string): FieldKind {
  if (AMOUNT_FIELDS.has(field)) return 'amount';
  if (DATE_FIELDS.has(field)) return 'date';
  if (CODE_FIELDS.has(field)) return 'code';
  return 'text';
}

/** EVAL.md text normalisation: Unicode NFKC, upper-case, drop every character that is not 0-9A-Z. */
export function normalizeText(s: string): string {
  return s
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '');
}

/**
 * A looser key for matching printed words: like normalizeText, but accents are stripped first so that
 * `MÜLLER` keeps its `U` (OCR often drops the umlaut) and letters outside A-Z are kept.
 */
export function matchKey(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .normalize('NFKC')
    .toUpperCase()
    .replace(/ß/g, 'SS')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * EVAL.md amount equality, "the absolute values differ by less than 0.005", as implemented: the absolute
 * difference of the signed values |a − b| < 0.005 (so -12.00 ≠ 12.00, not |a| vs |b|), computed in doubles
 * (a difference of exactly 0.005 may fall either side). Strings are read with Number(): non-numeric text is
 * NaN and equals nothing; '' and blanks read as 0.
 */
export function amountsEqual(a: string | number, b: string | number): boolean {
  const x = typeof a === 'number' ? a : Number(a);
  const y = typeof b === 'number' ? b : Number(b);
  return Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) < 0.005;
}

/** EVAL.md: a predicted value is correct when it equals the label under the field kind's comparison. */
export function valuesEqual(field: string, predicted: string, label: string): boolean {
  switch (fieldKind(field)) {
    case 'amount':
      return amountsEqual(predicted, label);
    case 'date':
      return predicted.trim() === label.trim();
    case 'code':
      return predicted.trim().toUpperCase() === label.trim().toUpperCase();
    case 'text':
      return normalizeText(predicted) === normalizeText(label);
  }
}
