/**
 * Arithmetic completion: when the model found the total but neither the subtotal nor the tax, look for the two
 * printed amounts above the total that add up to it (net + tax = gross, BR-CO-15). Only an exact sum (to the
 * cent) counts, so a match is strong evidence even without the model; the larger is the subtotal. A pair whose
 * tax sits on a tax line ("MwSt.", "VAT", "Versicherungsteuer") goes before nearer pairs. When no pair adds up
 * through a tax line, a tax line's amount that is the tax a printed rate gives on the gross total (gross-price
 * invoices print "inklusive 19 % … 220,00" and "enthaltene … (35,13 €)", and no net) is the tax, and the
 * subtotal is derived from it. Printed values keep their regions (they are read, not derived).
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
// A tax rate: "19%", "19 %" (two words), "7,5%".
const RATE = /^(\d{1,2}(?:[.,]\d{1,2})?)%?$/;
// Completed values are right when the sum matches, but a wrong pairing is possible: they weigh less than the total.
const COMPLETION_WEIGHT = 0.8;

interface Printed {
  index: number;
  value: Decimal;
  y: number;
}

export interface Completed {
  /** Absent when it is derived from the tax (the caller's deriveTotals does it). */
  subtotal?: Candidate;
  tax: Candidate;
  /** The pair's tax is printed on a tax line ("GST @ 6% 1.69"): the strongest kind of completion. */
  taxLine: boolean;
  /** How they were found: the validation message. */
  message: string;
}

export function completeSubtotalAndTax(
  doc: DocumentWords,
  total: Candidate,
  separator: DecimalSeparator | undefined,
): Completed | undefined {
  const page = doc.pages[total.page - 1];
  if (!page) return undefined;
  const gross = new Decimal(total.value);
  if (gross.lte(0)) return undefined;
  const taken = new Set(total.wordIndices);
  const taxLine = new Set(keywordAmounts(page.words, 'tax_amount').map((k) => k.index));
  const amounts: (Printed & { taxLine: boolean })[] = [];
  const taxLines: Printed[] = [];
  page.words.forEach((w, index) => {
    if (taken.has(index) || !MONEY.test(w.text)) return;
    // "(35,13 €)" is the tax included, printed for information, not a credit; "€)" may be a word of its own.
    const bracketed = w.text.startsWith('(');
    const a = parseAmount(bracketed && !w.text.endsWith(')') ? `${w.text})` : w.text, separator);
    if (!a) return;
    const value = bracketed ? new Decimal(a.value).abs() : new Decimal(a.value);
    if (!value.gt(0) || !value.lt(gross)) return;
    // The included tax may follow the gross line ("davon MwSt."); the net and tax of a sum are printed above it.
    if (taxLine.has(index)) taxLines.push({ index, value, y: w.bbox[1] });
    if (w.bbox[1] < total.y) amounts.push({ index, value, y: w.bbox[1], taxLine: taxLine.has(index) });
  });
  // Pairs through a tax line first, then the nearest: the net and tax lines sit just above the gross line.
  let best: { net: Printed; tax: Printed; rank: number } | undefined;
  for (const a of amounts) {
    for (const b of amounts) {
      if (a === b || a.value.lte(b.value) || !a.value.plus(b.value).minus(gross).abs().lt('0.005')) continue;
      const rank = (b.taxLine ? 0 : 10) + (total.y - a.y) + (total.y - b.y);
      if (!best || rank < best.rank) best = { net: a, tax: b, rank };
    }
  }
  const score = total.score * COMPLETION_WEIGHT;
  const pair = ({ net, tax }: { net: Printed; tax: Printed }, how: string): Completed => ({
    subtotal: printedCandidate(page, 'subtotal_amount', net, score),
    tax: printedCandidate(page, 'tax_amount', tax, score),
    taxLine: how !== '',
    message: `subtotal ${net.value.toFixed(2)} and tax ${tax.value.toFixed(2)} read from the printed amounts that add up to the total ${total.value}${how}`,
  });
  if (best && best.rank < 10) return pair(best, ', the tax from a tax line');
  const rates = printedRates(page);
  const byRate = taxLines
    .filter((a) => rates.some((r) => gross.times(r).div(r.plus(100)).minus(a.value).abs().lte('0.01')))
    .sort((x, y) => Math.abs(x.y - total.y) - Math.abs(y.y - total.y))[0];
  if (byRate) {
    return {
      tax: printedCandidate(page, 'tax_amount', byRate, score),
      taxLine: true,
      message: `tax ${byRate.value.toFixed(2)} read from the tax line whose amount a printed rate gives on the total ${total.value}; the subtotal is the difference`,
    };
  }
  return best ? pair(best, '') : undefined;
}

/**
 * Is `part` the tax or the net that a tax rate printed on the page gives on `total`? Then it is a part of that
 * total, which the arithmetic confirms: "(Inclusive) GST 6% 33.57" under a total of 593.10, or "Total Sales
 * Amount 33.00" above a cash-rounded "TOTAL 35.00" (33.00 + 6 % = 34.98, rounded to the 5-cent coin).
 */
export function isPartOfTotal(page: Page, total: Decimal, part: Decimal): boolean {
  if (!part.gt(0) || !part.lt(total)) return false;
  // A cash-rounded total (a multiple of 5 cents) may be the exact gross rounded by up to half that step.
  const slack = total.mod('0.05').isZero() ? '0.025' : '0.005';
  return printedRates(page).some((r) => {
    const tax = total.times(r).div(r.plus(100));
    const gross = part.times(r.plus(100)).div(100);
    return tax.minus(part).abs().lte('0.01') || gross.minus(total).abs().lte(slack);
  });
}

/** The tax rates printed on a page ("19%", or "19" then "%"), as percentages. */
function printedRates(page: Page): Decimal[] {
  const out: Decimal[] = [];
  page.words.forEach((w, i) => {
    const m = RATE.exec(w.text);
    const percent = w.text.endsWith('%') || page.words[i + 1]?.text === '%';
    if (!m?.[1] || !percent) return;
    const r = new Decimal(m[1].replace(',', '.'));
    if (r.gt(0) && r.lt(100)) out.push(r);
  });
  return out;
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
