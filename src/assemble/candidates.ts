/**
 * NER spans → typed candidates: each span's text read as its field's kind (date, amount, currency,
 * identifier, text), using document-wide evidence for what one token cannot decide.
 */
import type { DocumentWords, Page, Word } from '../types.js';
import { type DecimalSeparator, documentDecimalSeparator, parseAmount } from './normalize/amount.js';
import { detectCurrency } from './normalize/currency.js';
import { type DateOrder, inferDateOrder, parseDate } from './normalize/date.js';
import { checkBic, checkIban, checkVatId, isValidCreditorReference } from './normalize/identifiers.js';
import { fixOcrLegalForm, personAboveStreet } from './parties.js';
import { regionsOf, spanText, spanWords } from './regions.js';
import type { Candidate, NerSpan } from './types.js';

export const DATE_FIELDS = new Set(['issue_date', 'due_date', 'delivery_date']);
export const AMOUNT_FIELDS = new Set(['subtotal_amount', 'tax_amount', 'total_amount', 'amount_due']);
const DECIMAL_ITEM_FIELDS = new Set(['item_quantity', 'item_unit_price', 'item_amount', 'item_tax_rate']);
// Their lines join with ", ". A name's lines join with a space: a name wraps, as e-invoices' own data shows
// ("MVM Musterhafter" / "Versicherungsverein Musterstadt a.G.", "Herrn" / "Max Mustermann").
const MULTILINE_FIELDS = new Set([
  'supplier_address',
  'customer_address',
  'item_description',
  'payment_terms',
]);

export interface DocumentEvidence {
  decimalSeparator?: DecimalSeparator;
  dateOrder?: { order: DateOrder; basis: 'document' | 'country' | 'tagged dates' };
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
  const tagged = spans
    .filter((s) => DATE_FIELDS.has(s.field))
    .map((s) => ({
      field: s.field as 'issue_date' | 'due_date' | 'delivery_date',
      text: spanText(wordsOf(doc, s), ' '),
    }));
  const order = inferDateOrder({
    texts: numericDates,
    tagged,
    ...(ev.country ? { country: ev.country } : {}),
  });
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

/** Identifiers with check digits, whose spans are completed by completeCheckedSpan. */
const CHECKED: Record<string, (text: string) => boolean> = {
  iban: (t) => checkIban(t).valid,
  // Only ISO 11649 references carry check digits; other payment references are left as tagged.
  payment_reference: (t) => !/^RF\d/i.test(t.trim()) || isValidCreditorReference(t),
};

// A group of a grouped identifier as printed: "DE89", "3704", "00", "093".
const ID_GROUP = /^[A-Z0-9]{1,4}$/;
// At most this many groups are added on either side (an IBAN has up to 34 characters, 9 groups).
const MAX_ID_GROUPS = 8;

/**
 * An identifier printed in groups that the span cut short (IBAN "IT03 U803 … 8863" without "093", creditor
 * reference "RF16 29RO ZWAM" without "14"): the neighbouring groups on the same line (and the line it wraps onto)
 * are added when, and only when, that makes the check digits valid. The checksum decides, so a valid completion
 * is the printed identifier, not a guess.
 */
export function completeCheckedSpan(
  page: Page,
  indices: readonly number[],
  valid: (text: string) => boolean,
): number[] {
  const words = spanWords(page, indices);
  if (words.length === 0 || valid(spanText(words, ' '))) return [...indices];
  const first = words[0] as Word;
  const last = words[words.length - 1] as Word;
  const h = first.bbox[3] - first.bbox[1];
  const all = page.words.map((w, i) => ({ w, i }));
  const byX = (a: { w: Word }, b: { w: Word }) => a.w.bbox[0] - b.w.bbox[0];
  // The span's run of words on its line (not the next column: "… 0383 | Code BIC: …"), then its continuation
  // when the IBAN wraps: the next line down, under the span.
  const sameLine = oneRunAround(
    all.filter(({ w }) => w.line === first.line).sort(byX),
    new Set(indices),
    MAX_ID_GAP * h,
  );
  const below = all
    .filter(
      ({ w }) =>
        w.line !== first.line &&
        w.bbox[1] > first.bbox[1] + 0.5 * h &&
        w.bbox[1] < first.bbox[3] + 1.5 * h &&
        w.bbox[0] >= first.bbox[0] - h &&
        w.bbox[0] <= last.bbox[2],
    )
    .sort(byX);
  const line = [...sameLine, ...below];
  const inSpan = new Set(indices);
  const pos = line.map(({ i }) => inSpan.has(i));
  const start = pos.indexOf(true);
  const end = pos.lastIndexOf(true);
  if (start < 0) return [...indices];
  for (let before = 0; before <= MAX_ID_GROUPS && start - before >= 0; before++) {
    if (before > 0 && !ID_GROUP.test(line[start - before]?.w.text ?? '')) break;
    for (let after = 0; after <= MAX_ID_GROUPS && end + after < line.length; after++) {
      if (after > 0 && !ID_GROUP.test(line[end + after]?.w.text ?? '')) break;
      if (before === 0 && after === 0) continue;
      const taken = line.slice(start - before, end + after + 1);
      if (valid(taken.map(({ w }) => w.text).join(' '))) return taken.map(({ i }) => i);
    }
  }
  return [...indices];
}

// Groups of one identifier stand at most this many word heights apart.
const MAX_ID_GAP = 1.2;

/** The words of `line` (left to right) in the run that holds the span: cut at gaps wider than `maxGap`. */
function oneRunAround<T extends { w: Word; i: number }>(line: T[], span: Set<number>, maxGap: number): T[] {
  const k = line.findIndex(({ i }) => span.has(i));
  if (k < 0) return line;
  let from = k;
  while (from > 0 && (line[from] as T).w.bbox[0] - (line[from - 1] as T).w.bbox[2] <= maxGap) from--;
  let to = k;
  while (
    to + 1 < line.length &&
    ((line[to + 1] as T).w.bbox[0] - (line[to] as T).w.bbox[2] <= maxGap || span.has((line[to + 1] as T).i))
  )
    to++;
  return line.slice(from, to + 1);
}

/**
 * An amount printed with a space between its thousands ("5 189,96"), of which the span holds only the last group
 * ("189,96"): the group before it, a thin space away on the same line, belongs to it. A column gap does not join.
 */
function withThousands(page: Page, indices: readonly number[]): number[] {
  const words = spanWords(page, indices);
  const first = words[0];
  if (!first || !/^\d{3}([.,'\u00a0]\d{3})*[.,]\d{2}$/.test(first.text)) return [...indices];
  const h = first.bbox[3] - first.bbox[1];
  const left = page.words
    .map((w, i) => ({ w, i }))
    .filter(({ w }) => w.line === first.line && w.bbox[2] <= first.bbox[0] + 0.1 * h)
    .sort((a, b) => b.w.bbox[2] - a.w.bbox[2])[0];
  return left && /^\d{1,3}$/.test(left.w.text) && first.bbox[0] - left.w.bbox[2] <= 0.6 * h
    ? [left.i, ...indices]
    : [...indices];
}

/**
 * A document type cut short ("Note de" of "Note de credit (381) n° CR174322"): the title goes on along its line, up
 * to the first word with a digit or that introduces a number ("Nr.", "n°"), at most two words further, as long as
 * the words follow at word gaps.
 */
function withTitleTail(page: Page, indices: readonly number[]): number[] {
  const words = spanWords(page, indices);
  const last = words[words.length - 1];
  if (!last) return [...indices];
  const h = last.bbox[3] - last.bbox[1];
  const after = page.words
    .map((w, i) => ({ w, i }))
    .filter(({ w }) => w.line === last.line && w.bbox[0] >= last.bbox[2] - 0.1 * h)
    .sort((a, b) => a.w.bbox[0] - b.w.bbox[0]);
  const tail: number[] = [];
  let prev = last;
  for (const { w, i } of after.slice(0, 2)) {
    if (/\d/.test(w.text) || NUMBER_WORD.test(w.text) || w.bbox[0] - prev.bbox[2] > MAX_TITLE_GAP * h) break;
    tail.push(i);
    prev = w;
  }
  return [...indices, ...tail];
}
// Words of one title follow each other within this many line heights.
const MAX_TITLE_GAP = 1.2;
// Where a title gives way to its number: "Rechnung Nr.", "Invoice #", "Facture n°", "Nummer:".
const NUMBER_WORD = /^(nr|no|n[°º]|#|number|nummer|num[eé]ro|número|numero)\.?:?$|:$/i;

/**
 * A buyer's address without the person it is for: a first line of two to four capitalised words and no digit
 * above a line with one ("Haleigh Grady" / "520 Brakus Street") is the contact, not the address (EN 16931 keeps
 * the contact apart, BT-56).
 */
function withoutAttentionLine(field: string, words: Word[]): Word[] {
  if (field !== 'customer_address') return words;
  const first = words.filter((w) => w.line === words[0]?.line);
  const second = words.filter((w) => w.line === words[first.length]?.line);
  const contact = personAboveStreet(
    first.map((w) => w.text),
    second.map((w) => w.text),
  );
  return contact ? words.slice(first.length) : words;
}

/** Reads one span as its field; undefined when the text is not a value of that kind (e.g. "N/A" as a date). */
export function toCandidate(doc: DocumentWords, span: NerSpan, ev: DocumentEvidence): Candidate | undefined {
  const page = doc.pages[span.page - 1];
  if (!page) return undefined;
  const check = CHECKED[span.field];
  const s = check
    ? { ...span, wordIndices: completeCheckedSpan(page, span.wordIndices, check) }
    : AMOUNT_FIELDS.has(span.field)
      ? { ...span, wordIndices: withThousands(page, span.wordIndices) }
      : span.field === 'document_type'
        ? { ...span, wordIndices: withTitleTail(page, span.wordIndices) }
        : span;
  const words = withoutAttentionLine(s.field, spanWords(page, s.wordIndices));
  if (words.length === 0) return undefined;
  const text = spanText(words, MULTILINE_FIELDS.has(s.field) ? ', ' : ' ').trim();
  const raw = page.source === 'ocr' && s.field.endsWith('_name') ? fixOcrLegalForm(text) : text;
  // OCR word confidence scales the model's: a span of shaky OCR is less likely to be right.
  const ocr = page.source === 'ocr' ? words.reduce((a, w) => a + w.confidence, 0) / words.length : 1;
  const base = {
    field: s.field,
    raw,
    score: s.score * Math.sqrt(ocr),
    regions: regionsOf(page.number, words),
    page: page.number,
    y: Math.min(...words.map((w) => w.bbox[1])),
    wordIndices: s.wordIndices.filter((i) => words.includes(page.words[i] as Word)),
  };
  const read = readValue(s.field, raw, ev);
  return read ? { ...base, ...read } : undefined;
}

type Read = { value: string; note?: string; valid?: boolean };

/** An address names a place: a lone number ("6") or a date ("10 Apr2018") tagged as one is none. */
function namesPlace(value: string): boolean {
  const words = value.split(/\s+/).length;
  return /\p{L}{2}/u.test(value) && !(words <= 3 && parseDate(value).length > 0);
}

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
      if (field.endsWith('_address') && !namesPlace(value)) return undefined;
      return value ? { value } : undefined;
    }
  }
}
