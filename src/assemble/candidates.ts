/**
 * NER spans → typed candidates: each span's text read as its field's kind (date, amount, currency,
 * identifier, text), using document-wide evidence for what one token cannot decide.
 */
import type { DocumentWords, Page } from '../types.js';
import { type DecimalSeparator, documentDecimalSeparator, parseAmount } from './normalize/amount.js';
import { detectCurrency } from './normalize/currency.js';
import { type DateOrder, inferDateOrder, parseDate } from './normalize/date.js';
import { checkBic, checkIban, checkVatId } from './normalize/identifiers.js';
import { regionsOf, spanText, spanWords } from './regions.js';
import type { Candidate, NerSpan } from './types.js';

export const DATE_FIELDS = new Set(['issue_date', 'due_date', 'delivery_date']);
export const AMOUNT_FIELDS = new Set(['subtotal_amount', 'tax_amount', 'total_amount', 'amount_due']);
const DECIMAL_ITEM_FIELDS = new Set(['item_quantity', 'item_unit_price', 'item_amount', 'item_tax_rate']);
const MULTILINE_FIELDS = new Set([
  'supplier_address',
  'customer_address',
  'supplier_name',
  'customer_name',
  'item_description',
  'payment_terms',
]);

export interface DocumentEvidence {
  decimalSeparator?: DecimalSeparator;
  dateOrder?: { order: DateOrder; basis: 'document' | 'country' };
  /** Supplier country from a valid VAT id or IBAN. */
  country?: string;
}

/** Document-wide evidence: the decimal separator, day/month order and supplier country. */
export function gatherEvidence(doc: DocumentWords, spans: readonly NerSpan[]): DocumentEvidence {
  const texts = doc.pages.flatMap((p) => p.words.map((w) => w.text));
  const ev: DocumentEvidence = {};
  const sep = documentDecimalSeparator(texts.filter((t) => /\d[.,]\d/.test(t)));
  if (sep) ev.decimalSeparator = sep;
  for (const s of spans) {
    if (s.field !== 'supplier_vat_id' && s.field !== 'iban') continue;
    const text = spanText(wordsOf(doc, s), ' ');
    const check = s.field === 'iban' ? checkIban(text) : checkVatId(text);
    if (check.valid && check.country) {
      ev.country = check.country;
      break;
    }
  }
  // Only numeric dates can prove a day/month order; skip the other words before parsing.
  const numericDates = texts.filter((t) => /\d[./-]\d{1,2}[./-]\d/.test(t));
  const order = inferDateOrder(
    ev.country ? { texts: numericDates, country: ev.country } : { texts: numericDates },
  );
  if (order) ev.dateOrder = order;
  return ev;
}

function wordsOf(doc: DocumentWords, s: NerSpan) {
  const page = doc.pages[s.page - 1] as Page;
  return spanWords(page, s.wordIndices);
}

const CREDIT = /credit|gutschrift|avoir|cr[ée]dit|abono|rectificativa|nota di credito|creditnota|storno/i;
const RECEIPT =
  /receipt|quittung|kassenbon|re[çc]u|ticket|recibo|ricevuta|scontrino|kassabon|bon\b|cash sale/i;

export function documentTypeOf(text: string): 'invoice' | 'credit_note' | 'receipt' {
  if (CREDIT.test(text)) return 'credit_note';
  if (RECEIPT.test(text)) return 'receipt';
  return 'invoice';
}

/** Reads one span as its field; undefined when the text is not a value of that kind (e.g. "N/A" as a date). */
export function toCandidate(doc: DocumentWords, s: NerSpan, ev: DocumentEvidence): Candidate | undefined {
  const page = doc.pages[s.page - 1];
  if (!page) return undefined;
  const words = spanWords(page, s.wordIndices);
  if (words.length === 0) return undefined;
  const raw = spanText(words, MULTILINE_FIELDS.has(s.field) ? ', ' : ' ').trim();
  // OCR word confidence scales the model's: a span of shaky OCR is less likely to be right.
  const ocr = page.source === 'ocr' ? words.reduce((a, w) => a + w.confidence, 0) / words.length : 1;
  const base = {
    field: s.field,
    raw,
    score: s.score * Math.sqrt(ocr),
    regions: regionsOf(page.number, words),
    page: page.number,
    y: Math.min(...words.map((w) => w.bbox[1])),
    wordIndices: s.wordIndices,
  };
  const read = readValue(s.field, raw, ev);
  return read ? { ...base, ...read } : undefined;
}

type Read = { value: string; note?: string; valid?: boolean };

function readValue(field: string, raw: string, ev: DocumentEvidence): Read | undefined {
  if (DATE_FIELDS.has(field)) {
    const options = parseDate(raw, ev.dateOrder?.order);
    const first = options[0];
    if (!first) return undefined;
    if (first.ambiguous && !ev.dateOrder) {
      return { value: first.iso, note: `day/month order of "${raw}" is ambiguous; read as ${first.order}` };
    }
    return { value: first.iso };
  }
  if (AMOUNT_FIELDS.has(field) || DECIMAL_ITEM_FIELDS.has(field)) {
    const text = field === 'item_tax_rate' ? raw.replace(/%/g, '') : raw;
    const a = parseAmount(text, ev.decimalSeparator);
    if (!a) return undefined;
    return a.ambiguous && !ev.decimalSeparator
      ? { value: a.value, note: `"${raw}" could use either separator; read the lone one as grouping` }
      : { value: a.value };
  }
  switch (field) {
    case 'currency': {
      const c = detectCurrency(raw, ev.country);
      return c ? { value: c.code } : undefined;
    }
    case 'iban': {
      const c = checkIban(raw);
      return /^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/.test(c.value) ? { value: c.value, valid: c.valid } : undefined;
    }
    case 'bic': {
      const c = checkBic(raw);
      return /^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(c.value)
        ? { value: c.value, valid: c.valid }
        : undefined;
    }
    case 'supplier_vat_id':
    case 'customer_vat_id': {
      const c = checkVatId(raw);
      return c.value ? { value: c.value, valid: c.valid } : undefined;
    }
    case 'document_type':
      return { value: documentTypeOf(raw) };
    default: {
      // Labels and separators glued to a value ("No.:" "#") are not part of it.
      const value = raw.replace(/^[\s:#;,]+|[\s:;,]+$/g, '');
      return value ? { value } : undefined;
    }
  }
}
