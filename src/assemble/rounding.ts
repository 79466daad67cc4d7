/**
 * Cash rounding (EN 16931 BT-114, "rounding amount"). Where coins below 5 cents are not used (Malaysia,
 * Switzerland, the Netherlands, Scandinavia), a receipt prints the exact total, then a rounding line
 * ("Rounding Adj: -0.02"), then the amount actually paid (31.00). That rounded amount is the document's total.
 * The rule takes it only when a rounding line is printed below the total and, below that, the total plus the
 * printed adjustment (a few cents) or the total rounded to a coin step.
 */
import { Decimal } from 'decimal.js';
import type { DocumentWords, Word } from '../types.js';
import { type DecimalSeparator, parseAmount } from './normalize/amount.js';
import type { Rule } from './reconcile.js';
import { midY, regionsOf, wordHeight } from './regions.js';
import type { Candidate } from './types.js';

// "Rounding", "Rounding Adj", "Rounded", "Round off", "Pembundaran" (Malay), "Arrondi" (French), "Rundung".
const ROUNDING_WORD =
  /^(round(ing|ed)?|rnd|pembundaran|arrondi(s|ssement)?|rundung(sdifferenz)?|afronding)\b/i;
// An amount with cents, sign and currency as receipts print them ("-0.02", "(0.02)", "RM0.03", "0,02-").
const AMOUNT = /^[-+(]?([$€£]|RM|CHF|EUR)?\d[\d.,' ]*[.,]\d{2}\)?-?$/;
/** The largest adjustment cash rounding makes: half the largest coin step in use. */
const MAX_ADJUSTMENT = new Decimal('0.05');
/** The smallest coins where cash is rounded: 5 cents (Malaysia, Switzerland, the Netherlands), 10 cents. */
const COIN_STEPS = [new Decimal('0.05'), new Decimal('0.1')];

function onRow(a: Word, b: Word): boolean {
  return Math.abs(midY(a) - midY(b)) < 0.6 * Math.max(wordHeight(a), wordHeight(b));
}

function amountOf(w: Word, sep: DecimalSeparator | undefined): Decimal | undefined {
  if (!AMOUNT.test(w.text)) return undefined;
  const a = parseAmount(w.text, sep);
  return a ? new Decimal(a.value) : undefined;
}

/**
 * The rounded total when the total's page prints a rounding adjustment below the total and the rounded amount
 * below that; the rounded amount keeps its own region.
 */
export function cashRounding(
  doc: DocumentWords,
  total: Candidate,
  sep: DecimalSeparator | undefined,
): { total: Candidate; rule: Rule } | undefined {
  const page = doc.pages[total.page - 1];
  if (!page) return undefined;
  const t = new Decimal(total.value);
  const words = page.words;
  for (const label of words) {
    if (label.bbox[1] <= total.y || !ROUNDING_WORD.test(label.text)) continue;
    // The adjustment: an amount right of the rounding word on its row. OCR misreads such small print often
    // ("0.07" for "0.02"), so the totals rounded to the coin steps in use are tried too.
    const adj = words
      .filter((w) => w !== label && w.bbox[0] > label.bbox[0] && onRow(w, label))
      .map((w) => amountOf(w, sep))
      .find((a): a is Decimal => a !== undefined);
    const options = [
      ...(adj && !adj.isZero() && adj.abs().lte(MAX_ADJUSTMENT) ? [t.plus(adj)] : []),
      ...COIN_STEPS.map((step) => t.div(step).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).times(step)),
    ].filter((r) => r.gt(0) && !r.eq(t));
    // The rounded amount printed below the rounding line (the payable or tendered amount).
    for (const rounded of options) {
      const index = words.findIndex(
        (w) => midY(w) > midY(label) && !onRow(w, label) && amountOf(w, sep)?.eq(rounded),
      );
      const word = words[index];
      if (!word) continue;
      const by = rounded.minus(t).toFixed(2);
      return {
        total: {
          ...total,
          value: rounded.toFixed(2),
          raw: word.text,
          regions: regionsOf(page.number, [word]),
          y: word.bbox[1],
          wordIndices: [index],
        },
        rule: {
          rule: 'INVEX-TOTAL-ROUNDED',
          status: 'pass',
          message: `a rounding line follows the total ${total.value}; the printed ${rounded.toFixed(2)} below it (rounded by ${by}) is taken as the total (cash rounding, EN 16931 BT-114)`,
          fields: ['total_amount'],
        },
      };
    }
  }
  return undefined;
}
