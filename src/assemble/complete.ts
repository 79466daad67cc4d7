/**
 * Arithmetic completion: when the model found the total but neither the subtotal nor the tax, look for the two
 * printed amounts above the total that add up to it (net + tax = gross, BR-CO-15). Only an exact sum (to the
 * cent) counts, so a match is strong evidence even without the model; the larger is the subtotal. The values
 * are printed words, so they keep their regions (they are read, not derived).
 */
import { Decimal } from 'decimal.js';
import { keywordAmounts } from '../corpus/match.js';
import type { DocumentWords, Page } from '../types.js';
import type { DecimalSeparator } from './normalize/amount.js';
import { parseAmount } from './normalize/amount.js';
import { regionsOf } from './regions.js';
import type { Candidate } from './types.js';

// A plain money amount with cents: "1.000,00", "163.40", "-12,00" (not dates, ids or quantities).
const MONEY = /^[-(]?\d{1,3}([.,' ]?\d{3})*[.,]\d{2}\)?$/;
// Completed values are right when the sum matches, but a wrong pairing is possible: they weigh less than the total.
const COMPLETION_WEIGHT = 0.8;

interface Printed {
  index: number;
  value: Decimal;
  y: number;
}

export function completeSubtotalAndTax(
  doc: DocumentWords,
  total: Candidate,
  separator: DecimalSeparator | undefined,
): { subtotal: Candidate; tax: Candidate } | undefined {
  const page = doc.pages[total.page - 1];
  if (!page) return undefined;
  const gross = new Decimal(total.value);
  if (gross.lte(0)) return undefined;
  const taken = new Set(total.wordIndices);
  const amounts: Printed[] = [];
  page.words.forEach((w, index) => {
    if (taken.has(index) || w.bbox[1] >= total.y || !MONEY.test(w.text)) return;
    const a = parseAmount(w.text, separator);
    if (!a) return;
    const value = new Decimal(a.value);
    if (value.gt(0) && value.lt(gross)) amounts.push({ index, value, y: w.bbox[1] });
  });
  // Nearest pairs first: the net and tax lines sit just above the gross line.
  let best: { net: Printed; tax: Printed; distance: number } | undefined;
  for (let i = 0; i < amounts.length; i++) {
    for (let j = 0; j < amounts.length; j++) {
      const a = amounts[i] as Printed;
      const b = amounts[j] as Printed;
      if (i === j || a.value.lte(b.value) || !a.value.plus(b.value).minus(gross).abs().lt('0.005')) continue;
      const distance = total.y - a.y + (total.y - b.y);
      if (!best || distance < best.distance) best = { net: a, tax: b, distance };
    }
  }
  if (!best) return undefined;
  const score = total.score * COMPLETION_WEIGHT;
  return {
    subtotal: printedCandidate(page, 'subtotal_amount', best.net, score),
    tax: printedCandidate(page, 'tax_amount', best.tax, score),
  };
}

/** A printed amount as a candidate for `field`, with its word's region. */
function printedCandidate(page: Page, field: string, p: Printed, score: number): Candidate {
  const word = page.words[p.index];
  return {
    field,
    value: p.value.toFixed(2),
    raw: word?.text ?? '',
    score,
    regions: word ? regionsOf(page.number, [word]) : [],
    page: page.number,
    y: p.y,
    wordIndices: [p.index],
  };
}

/**
 * The payable total when the tagged total is one of several partial totals: receipts print a total per tax rate
 * ("Total 0% supplies: 23.64", "Total 6% supplies (Inc. GST): 12.72") and then the payable total ("Total
 * Payable: 36.36"), which the model may not tag. An amount beside a total label (the labeler's keywords),
 * printed below the tagged total, that is the tagged total plus one other amount printed above it (to the cent)
 * is taken as the total.
 */
export function totalOfPartials(
  doc: DocumentWords,
  total: Candidate,
  separator: DecimalSeparator | undefined,
): Candidate | undefined {
  const page = doc.pages[total.page - 1];
  if (!page) return undefined;
  const labeled = keywordAmounts(page.words, 'total_amount').map((k) => k.index);
  const part = new Decimal(total.value);
  const read = (index: number): Printed | undefined => {
    const w = page.words[index];
    if (!w || !MONEY.test(w.text)) return undefined;
    const a = parseAmount(w.text, separator);
    return a ? { index, value: new Decimal(a.value), y: w.bbox[1] } : undefined;
  };
  const taken = new Set(total.wordIndices);
  const printed = page.words.flatMap((_, i) =>
    taken.has(i) ? [] : [read(i)].filter((p) => p !== undefined),
  );
  for (const index of labeled) {
    const sum = read(index);
    if (!sum || sum.y <= total.y || sum.value.lte(part)) continue;
    const other = sum.value.minus(part);
    if (!printed.some((p) => p.index !== index && p.y < sum.y && p.value.minus(other).abs().lt('0.005')))
      continue;
    return printedCandidate(page, 'total_amount', sum, total.score * COMPLETION_WEIGHT);
  }
  return undefined;
}
