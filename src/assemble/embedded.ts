/**
 * A PDF's embedded e-invoice (src/document/einvoice.ts) overrides what was read off its pages: in ZUGFeRD,
 * Factur-X and XRechnung the XML is the invoice. Each value keeps a region where the page prints it (found by
 * its text, amount or date), the fields the XML lacks keep the page's values, and every amount, date and
 * identifier the page reads differently is reported, since a rendering that disagrees with its invoice is worth
 * a look.
 */
import { amountsEqual, fieldKind, normalizeText, valuesEqual } from '../corpus/normalize-text.js';
import type { EmbeddedInvoice, EmbeddedLineItem } from '../document/einvoice.js';
import type { DocumentField } from '../ner/labels.js';
import type { DocumentWords, Word } from '../types.js';
import type { Assembled } from './assemble.js';
import { AMOUNT_FIELDS } from './candidates.js';
import { amountReadings } from './normalize/amount.js';
import { dateReadings } from './normalize/date.js';
import { checkBic, checkIban, checkVatId, type IdentifierCheck } from './normalize/identifiers.js';
import { identifierRule, totalsChecks } from './reconcile.js';
import { midY, regionsOf, wordHeight } from './regions.js';
import type { InvoiceField, Region } from './schema.js';

type Rule = Assembled['validation'][number];

/**
 * Fields whose page reading is compared with the XML: money, dates and identifiers, where a difference means the
 * rendering disagrees with its invoice. Names, addresses and terms are printed in other words or split over
 * places often enough (a legal form the XML leaves out, terms spread over a paragraph) that a difference there
 * says more about the reading than about the document.
 */
const COMPARED = new Set<string>([
  ...AMOUNT_FIELDS,
  'issue_date',
  'due_date',
  'delivery_date',
  'invoice_number',
  'currency',
  'iban',
  'bic',
  'supplier_vat_id',
  'customer_vat_id',
]);
/** Longest run of words a printed text value is looked for in (addresses span a few lines). */
const MAX_RUN = 40;

interface Found {
  raw: string;
  regions: Region[];
  page: number;
  words: readonly Word[];
}

function found(page: number, words: readonly Word[]): Found {
  return { raw: words.map((w) => w.text).join(' '), regions: regionsOf(page, words), page, words };
}

/** Where the page prints the value: the last amount of equal value (totals sit low), else the first match. */
export function printedAt(doc: DocumentWords, field: string, value: string): Found | undefined {
  const kind = fieldKind(field);
  if (kind === 'amount') {
    let last: Found | undefined;
    for (const p of doc.pages)
      for (const w of p.words)
        if (amountReadings(w.text).some((r) => amountsEqual(r, value))) last = found(p.number, [w]);
    return last;
  }
  if (kind === 'date') {
    // A date is one to three words ("03.11.2017", "3. November 2017"): the shortest run that reads as it.
    for (let n = 1; n <= 3; n++)
      for (const p of doc.pages)
        for (let i = 0; i + n <= p.words.length; i++) {
          const run = p.words.slice(i, i + n);
          if (dateReadings(run.map((w) => w.text).join(' ')).includes(value)) return found(p.number, run);
        }
    return undefined;
  }
  return textRun(doc, value, { page: 1, index: 0 });
}

/** The first run of words, from `from` on, whose letters and digits are the value's (EVAL.md text key). */
function textRun(
  doc: DocumentWords,
  value: string,
  from: { page: number; index: number },
): Found | undefined {
  const want = normalizeText(value);
  if (want === '') return undefined;
  for (const p of doc.pages) {
    if (p.number < from.page) continue;
    const ws = p.words;
    for (let i = p.number === from.page ? from.index : 0; i < ws.length; i++) {
      if (normalizeText((ws[i] as Word).text) === '') continue; // a run starts at a word with letters or digits
      let text = '';
      for (let j = i; j < Math.min(ws.length, i + MAX_RUN); j++) {
        text += normalizeText((ws[j] as Word).text);
        if (!want.startsWith(text)) break;
        if (text === want) return found(p.number, ws.slice(i, j + 1));
      }
    }
  }
  return undefined;
}

function embeddedField(
  doc: DocumentWords,
  name: string,
  value: string,
  page: InvoiceField | undefined,
): InvoiceField {
  const agrees = page !== undefined && valuesEqual(name, page.value, value);
  return fromXml(value, agrees ? { raw: page.raw, regions: page.regions } : printedAt(doc, name, value));
}

/** An XML value as a field: exact (confidence 1), with the text and regions where the page prints it, if found. */
function fromXml(
  value: string,
  at: { raw?: string | undefined; regions: Region[] } | undefined,
): InvoiceField {
  const out: InvoiceField = { value, confidence: 1, regions: at?.regions ?? [], source: 'embedded' };
  if (at?.raw !== undefined) out.raw = at.raw;
  return out;
}

const NUMERIC_CELLS = ['quantity', 'unit_price', 'amount', 'tax_rate'] as const;

/**
 * A line item of the XML, each cell with the region where the page prints it: the description is looked for
 * as a run of words (after the rows already placed, since tables run top down), and the numbers on the
 * description's row, the rightmost word of equal value (amount columns sit right).
 */
function lineItem(doc: DocumentWords, item: EmbeddedLineItem, after: { page: number; index: number }) {
  const out: Assembled['line_items'][number] = {};
  const desc = item.description ? textRun(doc, item.description, after) : undefined;
  const first = desc?.words[0];
  // The row: words whose middle lies within the description's first word's height (text layers often split a
  // table row into several lines, one per cell).
  const line = first
    ? (doc.pages[desc.page - 1]?.words ?? []).filter(
        (w) => Math.abs(midY(w) - midY(first)) < wordHeight(first) / 2,
      )
    : [];
  for (const [k, v] of Object.entries(item) as [keyof EmbeddedLineItem, string | undefined][]) {
    if (v === undefined) continue;
    let at: Found | undefined = k === 'description' ? desc : undefined;
    if (desc && (NUMERIC_CELLS as readonly string[]).includes(k)) {
      const w = line.filter((x) => amountReadings(x.text).some((r) => amountsEqual(r, v))).at(-1);
      if (w) at = found(desc.page, [w]);
    }
    out[k] = fromXml(v, at);
  }
  if (desc && first) {
    after.page = desc.page;
    after.index = (doc.pages[desc.page - 1]?.words.indexOf(first) ?? 0) + desc.words.length;
  }
  return out;
}

function placeLineItems(doc: DocumentWords, items: readonly EmbeddedLineItem[]): Assembled['line_items'] {
  const after = { page: 1, index: 0 };
  return items.map((item) => lineItem(doc, item, after));
}

const ID_CHECKS: Partial<Record<DocumentField, (text: string) => IdentifierCheck>> = {
  iban: checkIban,
  bic: checkBic,
  supplier_vat_id: checkVatId,
  customer_vat_id: checkVatId,
};

/** The page's assembly with the embedded e-invoice's values put first. */
export function withEmbedded(page: Assembled, e: EmbeddedInvoice, doc: DocumentWords): Assembled {
  // Field values are strings of each field's format; the XML parser produced them in those formats.
  const fields = { ...page.fields } as Record<string, InvoiceField>;
  const differs: Rule[] = [];
  // An invoice's own XML can carry a mistyped IBAN or VAT id as well as its page: checked as page values are
  // (the value stays the XML's; the failed check says what to look at).
  const idChecks: Rule[] = [];
  for (const [name, raw] of Object.entries(e.fields) as [DocumentField, string][]) {
    const check = ID_CHECKS[name]?.(raw);
    const value = check?.value || raw;
    const rule = check && identifierRule(name, value, check.valid);
    if (rule) idChecks.push(rule);
    const seen = fields[name];
    fields[name] = embeddedField(doc, name, value, seen);
    if (seen && COMPARED.has(name) && !valuesEqual(name, seen.value, value))
      differs.push({
        rule: 'INVEX-EMBEDDED-DIFFERS',
        status: 'warn',
        message: `${name}: the page reads ${JSON.stringify(seen.raw ?? seen.value)}, the embedded ${e.file} says ${JSON.stringify(value)}; the XML's value is given`,
        fields: [name],
      });
  }
  const replaced = new Set(Object.keys(e.fields));
  // The page's rules about values the XML replaced no longer describe the output (its line-item check, about
  // the page's rows, neither once the XML's rows replace them). The XML's rows are not checked for quantity ×
  // price: EN 16931 line amounts include line charges and allowances and prices may be per base quantity, so
  // the simple product fails on correct invoices (10 of the 79 specimens).
  const pageRows = e.lineItems.length === 0;
  const kept = page.validation.filter(
    (r) => !r.fields?.some((f) => replaced.has(f)) && (pageRows || r.rule !== 'INVEX-LINE-AMOUNT'),
  );
  return {
    fields: fields as Assembled['fields'],
    line_items: e.lineItems.length > 0 ? placeLineItems(doc, e.lineItems) : page.line_items,
    tax_breakdown: e.taxBreakdown.length > 0 ? e.taxBreakdown : page.tax_breakdown,
    validation: [
      {
        rule: 'INVEX-EMBEDDED-INVOICE',
        status: 'pass',
        message: `values from the e-invoice embedded as ${e.file} (${e.format === 'cii' ? 'UN/CEFACT CII' : 'ZUGFeRD 1.0'}${e.profile ? `, ${e.profile}` : ''}); the page fills in only what it lacks`,
      },
      ...totalsChecks(e.fields, e.prepaid),
      ...idChecks,
      ...differs,
      ...kept,
    ],
  };
}
