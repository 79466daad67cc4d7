/**
 * Tax breakdown: the rate printed on the tax amount's line ("MwSt. 19 %", "VAT 20%") or the line
 * items' single rate, with the subtotal as taxable amount; checked by EN 16931 BR-CO-17.
 */
import { Decimal } from 'decimal.js';
import type { DocumentWords } from '../types.js';
import { parseAmount } from './normalize/amount.js';
import { type Rule, taxRateRule } from './reconcile.js';
import type { Candidate } from './types.js';

export interface TaxLine {
  rate: string;
  taxable_amount?: string;
  tax_amount?: string;
}

const PERCENT = /(\d{1,2}(?:[.,]\d{1,2})?)\s*%/;

function rateOnLine(doc: DocumentWords, tax: Candidate): string | undefined {
  const page = doc.pages[tax.page - 1];
  const first = page?.words[tax.wordIndices[0] ?? -1];
  if (!page || !first) return undefined;
  const line = page.words
    .filter((w) => w.line === first.line)
    .map((w) => w.text)
    .join(' ');
  const m = PERCENT.exec(line);
  return m ? parseAmount(m[1] as string)?.value : undefined;
}

const normRate = (r: string) => new Decimal(r).toFixed(2);

export function taxBreakdown(
  doc: DocumentWords,
  tax: Candidate | undefined,
  taxValue: string | undefined,
  subtotal: string | undefined,
  itemRates: readonly string[],
): { lines: TaxLine[]; rules: Rule[] } {
  const distinctItemRates = [...new Set(itemRates.map(normRate))];
  const rate =
    (tax && rateOnLine(doc, tax)) ?? (distinctItemRates.length === 1 ? distinctItemRates[0] : undefined);
  if (!rate) return { lines: [], rules: [] };
  const line: TaxLine = { rate: normRate(rate) };
  if (subtotal) line.taxable_amount = subtotal;
  if (taxValue) line.tax_amount = taxValue;
  const rules = subtotal && taxValue ? [taxRateRule(line.rate, subtotal, taxValue)] : [];
  return { lines: [line], rules };
}
