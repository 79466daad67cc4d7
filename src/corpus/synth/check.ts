/**
 * Checks on labeled documents: rebuild each field's spans from the BIO labels and test whether the
 * ground-truth values can be read back from them (EVAL.md comparison), per document and over a corpus.
 */
import { amountReadings } from '../../assemble/normalize/amount.js';
import { currencyOfToken } from '../../assemble/normalize/currency.js';
import { DOCUMENT_FIELDS } from '../../ner/labels.js';
import type { CorpusDoc } from '../format.js';
import { valuesEqual } from '../normalize-text.js';
import { isoDate, parseDate } from './formats.js';
import { similarity } from './label.js';
import { LOCALES, type LocaleId } from './locales.js';
import { VOCAB } from './vocab.js';

export interface Span {
  field: string;
  text: string;
  page: number;
}

/** Spans per field: B- opens a span, I- continues the latest span of its field (even across other words). */
export function spansOf(doc: CorpusDoc): Span[] {
  const spans: Span[] = [];
  const open = new Map<string, Span>();
  for (const page of doc.pages) {
    open.clear();
    for (const w of page.words) {
      const m = /^([BI])-(.+)$/.exec(w.label);
      if (!m) continue;
      const field = m[2] ?? '';
      const cur = open.get(field);
      if (m[1] === 'B' || !cur) {
        const s = { field, text: w.text, page: page.number };
        spans.push(s);
        open.set(field, s);
      } else cur.text += ` ${w.text}`;
    }
  }
  return spans;
}

const AMOUNT = new Set([
  'total_amount',
  'subtotal_amount',
  'tax_amount',
  'amount_due',
  'item_amount',
  'item_unit_price',
  'item_quantity',
  'item_tax_rate',
]);

/**
 * Readings of a printed number: the amount parser's (a rate's `%` dropped), and the last separator taken as
 * the decimal mark whatever the grouping (`1.5000`), as decimal strings.
 */
function numberReadings(text: string): string[] {
  const out = amountReadings(text.replace(/\s*%$/, ''));
  const digits = text.replace(/[^\d.,'-]/g, '');
  const last = Math.max(digits.lastIndexOf('.'), digits.lastIndexOf(','));
  const frac = digits.slice(last + 1);
  if (last > 0 && /^\d*$/.test(frac)) {
    const int = digits.slice(0, last).replace(/[.,'-]/g, '') || '0';
    out.push(`${/^\s*[-(]|-\s*$/.test(text) ? '-' : ''}${int}.${frac || '0'}`);
  }
  return out;
}
const DATE = new Set(['issue_date', 'due_date', 'delivery_date']);

function allDatePatterns(locale: string): {
  patterns: string[];
  months: (typeof LOCALES)[LocaleId]['months'];
} {
  const loc = LOCALES[locale as LocaleId] ?? LOCALES['en-US'];
  return { patterns: [...loc.dateFormats], months: loc.months };
}

/** Whether the printed title belongs to the document kind in any language. */
function titleMatches(text: string, kind: string): boolean {
  const key = kind === 'credit_note' ? 'creditTitle' : kind === 'receipt' ? 'receiptTitle' : 'invoiceTitle';
  const t = text.trim().toUpperCase();
  return Object.values(VOCAB).some((v) => v[key].some((s) => s.toUpperCase() === t));
}

/** Does a span's text give the ground-truth value? `fuzzy` (0..1) accepts near text matches (OCR). */
export function spanGives(field: string, text: string, gt: string, locale: string, fuzzy?: number): boolean {
  if (AMOUNT.has(field)) return numberReadings(text).some((v) => valuesEqual('total_amount', v, gt));
  if (DATE.has(field)) {
    const { patterns, months } = allDatePatterns(locale);
    const d = parseDate(text, patterns, months);
    return d !== undefined && isoDate(d) === gt;
  }
  if (field === 'document_type') return titleMatches(text, gt);
  if (field === 'currency') return currencyOfToken(text) === gt.toUpperCase();
  if (valuesEqual(field, text, gt)) return true;
  return fuzzy !== undefined && similarity(text, gt) >= fuzzy;
}

export interface Recovery {
  /** Ground-truth document fields considered. */
  values: number;
  recovered: number;
  missing: { doc: string; field: string; value: string; spans: string[] }[];
}

/**
 * Share of a document's ground-truth field values recovered from its labeled words. Currency also counts
 * as recovered when an amount span carries its symbol or code.
 */
export interface RecoveryOptions {
  /** 0..1: also accept a span whose text is at least this similar to the value (or to a printed form). */
  fuzzy?: number;
  /**
   * The values as printed, per document id and field (`1.234,56 €`, `3. Nov. 2017`): with `fuzzy`, OCR'd
   * amounts and dates are compared with what was printed rather than parsed, so one misread digit or
   * separator still counts as the value being labeled.
   */
  printed?: Record<string, Record<string, readonly string[]>>;
}

export function checkRecovery(docs: readonly CorpusDoc[], opts: RecoveryOptions = {}): Recovery {
  const out: Recovery = { values: 0, recovered: 0, missing: [] };
  const docFields = new Set<string>(DOCUMENT_FIELDS);
  for (const doc of docs) {
    const spans = spansOf(doc);
    for (const [field, value] of Object.entries(doc.fields)) {
      if (!docFields.has(field)) continue;
      out.values++;
      const mine = spans.filter((s) => s.field === field);
      let ok = mine.some((s) => spanGives(field, s.text, value, doc.locale, opts.fuzzy));
      const forms = opts.printed?.[doc.id]?.[field];
      if (!ok && opts.fuzzy !== undefined && forms) {
        const f = opts.fuzzy;
        ok = mine.some((s) => forms.some((p) => similarity(s.text, p) >= f));
      }
      if (!ok && field === 'currency') {
        ok = spans.some(
          (s) =>
            /amount|price/.test(s.field) &&
            s.text.split(/[\s\d.,'()-]+/).some((t) => t && currencyOfToken(t) === value),
        );
      }
      if (ok) out.recovered++;
      else out.missing.push({ doc: doc.id, field, value, spans: mine.map((s) => s.text) });
    }
  }
  return out;
}

/** Recovery as a share 0..1 (1 when there is nothing to recover). */
export function recoveryRate(r: Recovery): number {
  return r.values ? r.recovered / r.values : 1;
}
