/**
 * Finds where labeled field values are printed among a page's words, so that real documents with
 * document-level labels (SROIE, ZUGFeRD) get per-word BIO tags. Matching is order-preserving over windows of
 * consecutive words, tolerant of OCR errors (weighted edit distance on the normalised text), and typed:
 * amounts and dates are parsed from their printed forms and compared as values.
 */
import { Decimal } from 'decimal.js';
import { amountReadings } from '../assemble/normalize/amount.js';
import { currencyOfToken } from '../assemble/normalize/currency.js';
import { dateReadings } from '../assemble/normalize/date.js';
import { LABEL_ID } from '../ner/labels.js';
import type { BBox, Word } from '../types.js';
import { amountsEqual, fieldKind, matchKey } from './normalize-text.js';

export interface FieldMatch {
  field: string;
  value: string;
  /** Index of the page in the document (0-based). */
  page: number;
  /** Indices into the page's words, in the order they spell the value. */
  words: number[];
  /** 0..1: how closely the printed words spell the value. */
  score: number;
  /** The printed words equal the value exactly (after normalisation or parsing). */
  exact: boolean;
  /** Field-specific plausibility of this occurrence (keywords beside it, position on the page). */
  prior: number;
  /** The keyword part of the prior: > 0 when a label of this field is printed beside or above it. */
  keyword: number;
}

export interface PageLabeling {
  /** One BIO tag per word. */
  labels: string[];
  matches: Record<string, FieldMatch>;
  found: string[];
  missing: string[];
}

export interface DocumentLabeling {
  /** One BIO tag per word, per page. */
  labels: string[][];
  matches: Record<string, FieldMatch>;
  found: string[];
  missing: string[];
}

/** Fields whose value is not printed as such (a class, not text), so they get no word labels. */
const UNPRINTED_FIELDS = new Set(['document_type']);

/** Identifier-like text fields: a one-character difference is another identifier, so only OCR confusions pass. */
const ID_FIELDS = new Set([
  'invoice_number',
  'purchase_order',
  'customer_id',
  'supplier_vat_id',
  'supplier_tax_id',
  'customer_vat_id',
  'iban',
  'bic',
  'payment_reference',
  'supplier_phone',
  'item_product_code',
]);

// ---------------------------------------------------------------------------------------------------------
// Weighted edit distance

/** Pairs of characters OCR confuses; substituting one for the other costs half an edit. */
const CONFUSABLE = new Set(
  [
    '0O',
    '0D',
    'OD',
    '0Q',
    'OQ',
    '1I',
    '1L',
    'IL',
    '1T',
    '5S',
    '8B',
    '2Z',
    '6G',
    '9G',
    'HN',
    'MN',
    'UV',
    'CG',
    'EF',
  ].flatMap((p) => [p, `${p[1]}${p[0]}`]),
);

function subCost(a: string, b: string): number {
  if (a === b) return 0;
  return CONFUSABLE.has(a + b) ? 0.5 : 1;
}

/** Weighted Levenshtein distance (insert/delete 1, substitution 1 or 0.5 for OCR confusions). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, k) => k);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let k = 1; k <= b.length; k++) {
      cur[k] = Math.min(
        (prev[k] ?? 0) + 1,
        (cur[k - 1] ?? 0) + 1,
        (prev[k - 1] ?? 0) + subCost(a[i - 1] ?? '', b[k - 1] ?? ''),
      );
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** The largest weighted distance still accepted as the same text value, by normalised length. */
function maxDistance(field: string, n: number): number {
  if (ID_FIELDS.has(field)) return n >= 12 ? 1 : n >= 6 ? 0.5 : 0;
  if (n <= 4) return 0;
  if (n <= 8) return 1;
  return n * 0.2; // similarity 1 − d/n ≥ 0.8
}

// ---------------------------------------------------------------------------------------------------------
// Page geometry

interface Layout {
  words: Word[];
  keys: string[];
  /** Geometric row of each word (words whose centres align vertically share a row), rows sorted top-down. */
  row: number[];
  /** Word indices per row, left to right. */
  rows: number[][];
  /** Word orders to match in: the page's reading order, then rows top-down and left to right. */
  orders: number[][];
}

function layoutOf(words: Word[]): Layout {
  const keys = words.map((w) => matchKey(w.text));
  const byY = words
    .map((_, i) => i)
    .sort((a, b) => yMid(words[a]) - yMid(words[b]) || xOf(words[a]) - xOf(words[b]));
  const rows: number[][] = [];
  // Running mean centre and height of the current row: a union box would let skewed rows chain together.
  let mid = 0;
  let height = 0;
  for (const i of byY) {
    const b = words[i]?.bbox ?? [0, 0, 0, 0];
    const h = Math.max(b[3] - b[1], 1e-6);
    const y = (b[1] + b[3]) / 2;
    const last = rows.at(-1);
    // Joins the row when its centre is within half a line height of the row's centre.
    if (last && Math.abs(y - mid) < 0.5 * Math.max(h, height)) {
      last.push(i);
      mid += (y - mid) / last.length;
      height += (h - height) / last.length;
    } else {
      rows.push([i]);
      mid = y;
      height = h;
    }
  }
  const row = new Array<number>(words.length).fill(0);
  rows.forEach((r, k) => {
    r.sort((a, b) => xOf(words[a]) - xOf(words[b]));
    for (const i of r) row[i] = k;
  });
  const reading = words.map((_, i) => i);
  const geometric = rows.flat();
  const orders = geometric.every((v, k) => v === k) ? [reading] : [reading, geometric];
  return { words, keys, row, rows, orders };
}

function yMid(w: Word | undefined): number {
  return w ? (w.bbox[1] + w.bbox[3]) / 2 : 0;
}

function xOf(w: Word | undefined): number {
  return w ? w.bbox[0] : 0;
}

function unionBox(words: Word[], idx: number[]): BBox {
  const b: BBox = [1, 1, 0, 0];
  for (const i of idx) {
    const w = words[i];
    if (!w) continue;
    b[0] = Math.min(b[0], w.bbox[0]);
    b[1] = Math.min(b[1], w.bbox[1]);
    b[2] = Math.max(b[2], w.bbox[2]);
    b[3] = Math.max(b[3], w.bbox[3]);
  }
  return b;
}

// ---------------------------------------------------------------------------------------------------------
// Candidate windows per field kind

interface Window {
  words: number[];
  score: number;
  exact: boolean;
}

/** Text: for each start word, the best end word by weighted edit distance of the concatenated keys. */
function textWindows(layout: Layout, field: string, value: string): Window[] {
  const v = matchKey(value);
  const n = v.length;
  if (n === 0) return [];
  const limit = maxDistance(field, n);
  const maxChars = Math.ceil(n * 1.5) + 6;
  // Substitution costs of a page character against every value character, built once per distinct character.
  const costRows = new Map<string, Float64Array>();
  const costRow = (c: string): Float64Array => {
    let row = costRows.get(c);
    if (!row) {
      row = Float64Array.from(v, (x) => subCost(c, x));
      costRows.set(c, row);
    }
    return row;
  };
  let prev = new Float64Array(n + 1);
  let cur = new Float64Array(n + 1);
  const out: Window[] = [];
  for (const order of layout.orders) {
    for (let s = 0; s < order.length; s++) {
      const first = order[s] ?? 0;
      if (!layout.keys[first]) continue;
      // One row of the DP table per character of the growing window; columns are the value's characters.
      for (let k = 0; k <= n; k++) prev[k] = k;
      let chars = 0;
      let best: Window | undefined;
      let bestD = Number.POSITIVE_INFINITY;
      let hopeless = false;
      for (let e = s; e < order.length && e - s < 60 && !hopeless; e++) {
        const key = layout.keys[order[e] ?? 0] ?? '';
        for (const c of key) {
          chars++;
          const costs = costRow(c);
          cur[0] = chars;
          let rowMin = chars;
          for (let k = 1; k <= n; k++) {
            const d = Math.min(
              (prev[k] as number) + 1,
              (cur[k - 1] as number) + 1,
              (prev[k - 1] as number) + (costs[k - 1] as number),
            );
            cur[k] = d;
            if (d < rowMin) rowMin = d;
          }
          [prev, cur] = [cur, prev];
          // The row minimum never decreases as characters are added: past the limit, no end can match.
          if (rowMin > limit) hopeless = true;
        }
        if (chars > maxChars || hopeless) break;
        if (!key) continue;
        const d = prev[n] ?? 0;
        if (d < bestD) {
          bestD = d;
          best = { words: order.slice(s, e + 1), score: Math.max(0, 1 - d / n), exact: d === 0 };
        }
      }
      if (best && bestD <= limit) out.push(best);
    }
  }
  return out;
}

/** Digits and letters OCR mixes up inside numbers. */
function foldDigits(s: string): string {
  return s.replace(/[^\s]+/g, (t) =>
    /\d/.test(t) ? t.replace(/[Oo]/g, '0').replace(/[Il|]/g, '1').replace(/S/g, '5').replace(/B/g, '8') : t,
  );
}

/**
 * Short windows (up to `maxWords` words on one row) whose printed text satisfies `test`; only minimal ones,
 * so that a label or a time beside the value is not swept in.
 */
function typedWindows(
  layout: Layout,
  maxWords: number,
  test: (printed: string) => Window | undefined,
): Window[] {
  const out: Window[] = [];
  const seen = new Set<string>();
  for (const order of layout.orders) {
    for (let s = 0; s < order.length; s++) {
      for (let e = s; e < order.length && e - s < maxWords; e++) {
        const idx = order.slice(s, e + 1);
        const f = idx[0] ?? 0;
        // One row: the same geometric row or the same reader's line (skewed scans).
        if (
          idx.some((i) => layout.row[i] !== layout.row[f] && layout.words[i]?.line !== layout.words[f]?.line)
        )
          break;
        const id = idx.join(',');
        if (seen.has(id)) continue;
        const printed = idx.map((i) => layout.words[i]?.text ?? '').join(' ');
        if (!/\d/.test(printed)) continue;
        const w = test(printed);
        if (!w) continue;
        // Minimal: no shorter window inside this one passes as well.
        if (idx.length > 1) {
          const inner = [idx.slice(1), idx.slice(0, -1)].map((x) =>
            test(x.map((i) => layout.words[i]?.text ?? '').join(' ')),
          );
          if (inner.some((x) => x && x.score >= w.score)) continue;
        }
        seen.add(id);
        out.push({ ...w, words: idx });
      }
    }
  }
  return out;
}

/** OCR debris around printed amounts: stray quotes, slashes and marks at word edges, a space after the point. */
function cleanAmountText(s: string): string {
  return s
    .replace(/(^|\s)[“”"'‘’~/«»|{}[\]©®°*#:;=_]+/g, '$1')
    .replace(/[“”"'‘’~/«»|{}[\]©®°*#:;=_]+(?=\s|$)/g, '')
    .replace(/(\d[.,])\s+(\d{2})(?!\d)/g, '$1$2');
}

/** Below this score an amount match is a guess (whole number, OCR digit slip, dropped point) and needs a label beside it. */
const WEAK_AMOUNT = 0.9;
/** The keyword prior a guess needs: a label on the value's own row (the smallest positive weight). */
const KEYWORD_PRIOR = 2;
/** The weight of a label that names its field unmistakably ("GRAND TOTAL", "Total Payable", "Zahlbetrag"). */
export const STRONG_KEYWORD = 2.5;
/** Document amounts whose every keyword-labeled printed occurrence is tagged, not just the best one. */
const REPEATED_AMOUNTS = new Set(['total_amount', 'subtotal_amount', 'tax_amount', 'amount_due']);

/** The value as a decimal, or undefined when it is not a number. */
function decimalOf(value: string): Decimal | undefined {
  try {
    const d = new Decimal(value.trim());
    return d.isFinite() ? d : undefined;
  } catch {
    return undefined;
  }
}

function amountWindows(layout: Layout, value: string): Window[] {
  const target = decimalOf(value);
  if (!target) return [];
  const abs = target.abs().toFixed();
  const cents = target.toFixed(2);
  const hasCents = /\.\d*[1-9]/.test(value);
  return typedWindows(layout, 3, (printed) => {
    const test = (text: string, base: number, exact: boolean): Window | undefined => {
      const vals = amountReadings(text);
      if (vals.some((v) => amountsEqual(v, value))) {
        // A whole number printed without decimals is weaker evidence (quantities, codes).
        const whole = !/[.,]\d/.test(text);
        return { words: [], score: whole && !hasCents ? base * 0.85 : base, exact: exact && !whole };
      }
      if (!target.isZero() && vals.some((v) => amountsEqual(v.replace(/^-/, ''), abs))) {
        return { words: [], score: base * 0.9, exact: false };
      }
      return undefined;
    };
    const cleaned = cleanAmountText(printed);
    const folded = foldDigits(cleaned);
    const digits = folded.replace(' ', '');
    return (
      test(printed, 1, true) ??
      // `65. 20`, `~50.00`: the same digits with OCR spacing and debris.
      (cleaned !== printed ? test(cleaned, 0.95, true) : undefined) ??
      test(folded, 0.8, false) ??
      // A dropped decimal point: `1200` or `12 00` for 12.00.
      ((/^\d{3,}$|^\d+ \d{2}$/.test(folded) &&
        hasDecimals(value) &&
        amountsEqual(`${digits.slice(0, -2)}.${digits.slice(-2)}`, value)) ||
      // One misread digit: `14.19` for 14.10.
      (/[.,]\d/.test(folded) &&
        amountReadings(folded).some((v) => oneDigitApart(new Decimal(v).toFixed(2), cents)))
        ? { words: [], score: 0.5, exact: false }
        : undefined)
    );
  });
}

function hasDecimals(value: string): boolean {
  return /\.\d{2}$/.test(value);
}

/** The value's date as bare digits in the orders receipts print it (day first, month first, ISO). */
function dateDigitForms(iso: string): string[] {
  const [y = '', m = '', d = ''] = iso.split('-');
  return [d + m + y, d + m + y.slice(2), m + d + y, m + d + y.slice(2), y + m + d];
}

function dateWindows(layout: Layout, value: string): Window[] {
  const forms = dateDigitForms(value);
  return typedWindows(layout, 5, (printed) => {
    if (dateReadings(printed).includes(value)) return { words: [], score: 1, exact: true };
    const folded = dateReadings(foldDigits(printed));
    if (folded.includes(value)) return { words: [], score: 0.8, exact: false };
    // One misread digit (`26/12/2018` for the 25th): still the date's place on the page.
    if (folded.some((d) => oneDigitApart(d, value))) return { words: [], score: 0.6, exact: false };
    // A single date-shaped word OCR garbled past parsing (`00/03/2018`, `1003/2018`, `30/63/2018`).
    const token = foldDigits(printed.trim());
    if (/\s/.test(token) || !/\d[-/.]\d/.test(token)) return undefined;
    const digits = token.replace(/\D/g, '');
    if (/[\p{L}]{3,}/u.test(token) || digits.length < 6) return undefined;
    if (forms.some((f) => editDistance(digits, f) <= 1)) return { words: [], score: 0.5, exact: false };
    return undefined;
  });
}

function oneDigitApart(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
  return diff === 1;
}

function codeWindows(layout: Layout, value: string): Window[] {
  const code = value.trim().toUpperCase();
  const out: Window[] = [];
  layout.words.forEach((w, i) => {
    const t = w.text.trim().replace(/[:;,()]+$/g, '');
    if (currencyOfToken(t) === code || t.toUpperCase() === code)
      out.push({ words: [i], score: 1, exact: true });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Priors: keywords beside the value and its place on the page

/** Ordered [pattern, weight] rules on the folded text left of (or above) a value; the first that matches counts. */
const KEYWORDS: Record<string, [RegExp, number][]> = {
  total_amount: [
    [
      /GRAND ?TOTAL|ROUND(ED|ING)? ?(D )?TOTAL|(TOTAL|[A-Z]O[TL]A[LI]).{0,20}(INCL|INKL|INCLUSIVE|AFTER|TTC|AMOUNT|DUE|PAYABLE|ROUNDED)|TO BE PAID|(?<!EX)CLUSIVE|INKLUSIVE|WITH (GST|TAX|VAT)|INCL.{0,4}(GST|TAX|VAT)|NET ?AMT|GESAMTBETRAG|BRUTTO|ENDBETRAG|RECHNUNGSBETRAG|NETT TOTAL|TOTALE|TOTAAL/,
      STRONG_KEYWORD,
    ],
    [
      /SUB ?TOTAL|ZWISCHEN|NETTO|EXCL|TAX|GST|VAT|MWST|UST|STEUER|TVA|IVA|BTW|CHANGE|CASH|TENDER|DISC|RABATT|ADJUST|SAVING|QTY/,
      -1.5,
    ],
    // `[A-Z]O[TL]A[LI]`: TOTAL as OCR misreads it (`fotal`, `Bota!`, `Tolal`); `TL`: its receipt abbreviation.
    [/TOTAL|[A-Z]O[TL]A[LI]|\bTL\b|GESAMT|SUMME|IMPORTE|MONTANT|JUMLAH|AMOUNT|BETRAG|TE BETALEN|DUE|NETT/, 2],
    // How it was paid: the amount paid is the total on a receipt.
    [/VISA|MASTER|CREDIT|DEBIT|PAYMENT|CARD|EDC|AMEX/, 1],
  ],
  amount_due: [
    [
      /ZAHLBETRAG|ZU ZAHLEN|FALLIG|AMOUNT DUE|BALANCE|DUE|OFFEN|A PAYER|TE BETALEN|DA PAGARE|PAYABLE|TO PAY/,
      STRONG_KEYWORD,
    ],
    [/SUB ?TOTAL|NETTO|TAX|GST|VAT|MWST|UST|STEUER/, -1.5],
    [/TOTAL|GESAMT|BRUTTO|SUMME|BETRAG/, 1],
  ],
  subtotal_amount: [
    [
      /SUB ?TOTAL|ZWISCHENSUMME|NETTO|WARENWERT|TOTAL HT|EXCL|OHNE (UST|MWST|STEUER)|BEFORE TAX|PRE ?TAX|VOR STEUER|ZZGL|IMPONIBLE|TAXABLE|SUBTOTALE|SUMME POSITIONEN|NET AMOUNT|NET TOTAL/,
      STRONG_KEYWORD,
    ],
    [/BRUTTO|INCL|INKL|TTC|TAX|GST|VAT|MWST|UST|STEUER|TVA|IVA|BTW/, -1.5],
    [/NET|HT|SUMME|GESAMT|TOTAL/, 1],
  ],
  tax_amount: [
    [/INCL|INKL|BRUTTO|TTC|EXCL|NETTO/, -1],
    [/TAX|GST|VAT|MWST|UST|STEUER|TVA|IVA|BTW|SST/, STRONG_KEYWORD],
  ],
  issue_date: [
    [
      /DUE|FALLIG|ZAHLBAR|LIEFER|LEISTUNG|DELIVERY|ECHEANCE|VENCIMIENTO|SCADENZA|VERVAL|BESTELL|ORDER|BIS/,
      -1.5,
    ],
    [/RECHNUNGSDATUM|INVOICE DATE|DATE|DATUM|FECHA|DATA|FACTURE|TARIKH/, 2],
  ],
  due_date: [
    [/DUE|FALLIG|ZAHLBAR|PAYABLE|ECHEANCE|VENCIMIENTO|SCADENZA|VERVAL|BIS|UNTIL|PAY BY/, STRONG_KEYWORD],
    [/RECHNUNGSDATUM|INVOICE DATE|LIEFER|DELIVERY|LEISTUNG/, -1.5],
  ],
  delivery_date: [[/LIEFER|LEISTUNG|DELIVERY|SHIP|LIVRAISON|ENTREGA|CONSEGNA|LEVERING/, STRONG_KEYWORD]],
  invoice_number: [
    [/KUNDE|CUSTOMER|BESTELL|ORDER|TEL|FAX|PHONE|IBAN|UST|VAT|STEUER/, -1.5],
    [/RECHNUNG|INVOICE|FACTUR|FATTURA|NUMMER|NUMBER|NR|NO|BELEG|DOCUMENT|BILL|RECEIPT|NUMERO|INV/, 2],
  ],
  customer_name: [[/KUNDE|CUSTOMER|BILL TO|EMPFANGER|CLIENT|SOLD TO|BUYER|KAUFER|RECHNUNGSADRESSE|AN$/, 1.5]],
  currency: [[/WAHRUNG|CURRENCY|DEVISE|MONEDA|VALUTA/, 2]],
};

/** Per field: weight of being low on the page (positive) or high on it (negative), and of the page's place. */
const POSITION: Record<string, { y: number; lastPage: number }> = {
  total_amount: { y: 0.5, lastPage: 0.3 },
  amount_due: { y: 0.5, lastPage: 0.3 },
  subtotal_amount: { y: 0.3, lastPage: 0.3 },
  tax_amount: { y: 0.3, lastPage: 0.3 },
  supplier_name: { y: -1.5, lastPage: -0.5 },
  supplier_address: { y: -1.5, lastPage: -0.5 },
  customer_name: { y: -0.5, lastPage: -0.5 },
  customer_address: { y: -0.5, lastPage: -0.5 },
  issue_date: { y: -0.3, lastPage: -0.3 },
  invoice_number: { y: -0.3, lastPage: -0.3 },
};

/** Keyword text with OCR digit-for-letter slips undone (`T0TAL` → `TOTAL`), letters only, accents stripped. */
function foldKeywords(texts: string[]): string {
  return texts
    .map((t) =>
      /\p{L}/u.test(t)
        ? t.replace(/0/g, 'O').replace(/1/g, 'I').replace(/5/g, 'S').replace(/8/g, 'B').replace(/\$/g, 'S')
        : '',
    )
    .join(' ')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z]+/g, ' ')
    .trim();
}

function keywordScore(field: string, context: string): number {
  for (const [re, weight] of KEYWORDS[field] ?? []) if (re.test(context)) return weight;
  return 0;
}

/** The prior of an occurrence, and the keyword part of it (negative: a label that names another field). */
function priorOf(
  layout: Layout,
  field: string,
  idx: number[],
  page: number,
  pages: number,
): { prior: number; keyword: number; busyRow: boolean } {
  const { words, row, rows } = layout;
  const box = unionBox(words, idx);
  const first = idx[0] ?? 0;
  const inWindow = new Set(idx);
  // Label words: up to six words left of the value on its row, nearest last.
  // The row is the geometric one plus the words the reader put on the same text line (skewed scans).
  const line = words[first]?.line;
  const mid = (box[1] + box[3]) / 2;
  const half = 0.6 * (box[3] - box[1]);
  const rowMates = words
    .map((_, i) => i)
    .filter((i) => !inWindow.has(i) && (words[i]?.line === line || Math.abs(yMid(words[i]) - mid) < half));
  const left = rowMates
    .filter((i) => (words[i]?.bbox[2] ?? 1) <= box[0] + 0.01)
    .sort((a, b) => xOf(words[a]) - xOf(words[b]))
    .slice(-6)
    .map((i) => words[i]?.text ?? '');
  // The label is the phrase after the last money amount on the left (`Total Saving 0.00 Total 77.20` → `Total`);
  // in a table row with amounts only (`Steuer 19% 198,00 37,62`), the whole row.
  const lastAmount = left.findLastIndex((t) => /^[-+(]?\d[\d.,]*[.,]\d{2}\)?$/.test(t));
  const after = left.slice(lastAmount + 1);
  const label = after.some((t) => /\p{L}{2}/u.test(t)) ? after : left;
  // Other numbers on the row: a table row (line item), not a label–value pair.
  const busyRow = rowMates.some((i) => /\d/.test(words[i]?.text ?? ''));
  // A label printed inside the value's own word (`TOTAL:9.00`).
  const own = words[first]?.text.replace(/[\d.,]+$/, '') ?? '';
  let prior = keywordScore(field, foldKeywords([...label, own]));
  if (prior === 0) {
    // Stacked label above the value: the previous row's words overlapping it horizontally.
    const above = (rows[(row[first] ?? 0) - 1] ?? [])
      .filter((i) => {
        const b = words[i]?.bbox;
        return b !== undefined && b[2] >= box[0] - 0.05 && b[0] <= box[2] + 0.05;
      })
      .map((i) => words[i]?.text ?? '');
    prior = 0.6 * keywordScore(field, foldKeywords(above));
  }
  const keyword = prior;
  const pos = POSITION[field];
  if (pos) {
    const yc = (box[1] + box[3]) / 2;
    prior += pos.y >= 0 ? pos.y * yc : -pos.y * (1 - yc);
    if (pages > 1) {
      const rel = page / (pages - 1);
      prior += pos.lastPage >= 0 ? pos.lastPage * rel : -pos.lastPage * (1 - rel);
    }
  }
  return { prior, keyword, busyRow };
}

// ---------------------------------------------------------------------------------------------------------
// Public API

function windowsFor(layout: Layout, field: string, value: string): Window[] {
  switch (fieldKind(field)) {
    case 'amount':
      return amountWindows(layout, value);
    case 'date':
      return dateWindows(layout, value);
    case 'code':
      return codeWindows(layout, value);
    case 'text':
      return textWindows(layout, field, value);
  }
}

/** Orders candidates: exact before fuzzy, then by similarity and prior together. */
function better(a: FieldMatch, b: FieldMatch): number {
  if (a.exact !== b.exact) return a.exact ? -1 : 1;
  return b.score * 3 + b.prior - (a.score * 3 + a.prior) || a.words.length - b.words.length;
}

function candidates(layout: Layout, field: string, value: string, page: number, pages: number): FieldMatch[] {
  const kind = fieldKind(field);
  const all: FieldMatch[] = [];
  for (const w of windowsFor(layout, field, value)) {
    const { prior, keyword, busyRow } = priorOf(layout, field, w.words, page, pages);
    if (kind === 'amount' && !field.startsWith('item_')) {
      // An amount labeled as another one (CASH, CHANGE, SUBTOTAL beside it) would teach the wrong field.
      if (keyword < 0) continue;
      // With no label at all, a value among other numbers is a table cell (a line item), not the total.
      if (keyword === 0 && busyRow) continue;
      // A guess (dropped decimal point) needs a keyword to back it.
      if (w.score < WEAK_AMOUNT && keyword < KEYWORD_PRIOR) continue;
    }
    all.push({ field, value, page, ...w, prior, keyword });
  }
  all.sort(better);
  // Non-maximum suppression: overlapping windows are variants of one occurrence; keep the best.
  const kept: FieldMatch[] = [];
  for (const m of all) {
    if (kept.some((k) => k.words.some((i) => m.words.includes(i)))) continue;
    kept.push(m);
  }
  return kept;
}

/**
 * Money amounts on a page with a label of `field` beside or above them ("TOTAL 9.00"), best prior first: the
 * same keyword evidence the labeler uses, for the assembler to fall back on when the model tagged no total.
 */
export function keywordAmounts(
  words: Word[],
  field: string,
): { index: number; prior: number; keyword: number }[] {
  const layout = layoutOf(words);
  const out: { index: number; prior: number; keyword: number }[] = [];
  words.forEach((w, index) => {
    // The currency may be printed against the number ("RM7.70"), as receipts often do.
    if (!/^[-(]?([$€£]|RM|EUR|USD|GBP|CHF|MYR|SGD)?\d[\d.,' ]*[.,]\d{2}\)?$/.test(w.text)) return;
    const { prior, keyword } = priorOf(layout, field, [index], 0, 1);
    if (keyword >= KEYWORD_PRIOR) out.push({ index, prior, keyword });
  });
  return out.sort((x, y) => y.prior - x.prior || x.index - y.index);
}

/** Every distinct occurrence of `value` among `words`, best first. */
export function matchValue(words: Word[], field: string, value: string): FieldMatch[] {
  return candidates(layoutOf(words), field, value, 0, 1);
}

/**
 * Labels the words of a document's pages from its field values: each field gets at most one occurrence
 * (the best one, fields competing greedily for words), tagged `B-<field>` on its first word and `I-<field>`
 * on the rest. Fields with no label class or no printed value are skipped.
 */
export function labelDocument(pages: Word[][], fields: Record<string, string>): DocumentLabeling {
  const layouts = pages.map(layoutOf);
  const wanted = Object.entries(fields).filter(
    ([f, v]) => v.trim() !== '' && !UNPRINTED_FIELDS.has(f) && LABEL_ID.has(`B-${f}`),
  );
  const pool: FieldMatch[] = [];
  for (const [field, value] of wanted) {
    layouts.forEach((layout, p) => {
      pool.push(...candidates(layout, field, value, p, pages.length));
    });
  }
  pool.sort(better);
  const labels = pages.map((words) => words.map(() => 'O'));
  const matches: Record<string, FieldMatch> = {};
  for (const m of pool) {
    if (matches[m.field]) continue;
    const tags = labels[m.page];
    if (!tags || m.words.some((i) => tags[i] !== 'O')) continue;
    matches[m.field] = m;
    // B on the word that comes first in reading order, so the tags read as BIO in the stored word order.
    const ordered = [...m.words].sort((a, b) => a - b);
    ordered.forEach((i, k) => {
      tags[i] = `${k === 0 ? 'B' : 'I'}-${m.field}`;
    });
  }
  // Receipts print the total again ("TOTAL 9.00 … TOTAL INCL. GST 9.00"): every exact, labeled occurrence of a
  // document amount is tagged, so that two identical label–value pairs never teach opposite answers.
  for (const m of pool) {
    const chosen = matches[m.field];
    if (!chosen || chosen === m || !REPEATED_AMOUNTS.has(m.field) || !m.exact || m.keyword < KEYWORD_PRIOR)
      continue;
    const tags = labels[m.page];
    if (!tags || m.words.some((i) => tags[i] !== 'O')) continue;
    [...m.words]
      .sort((a, b) => a - b)
      .forEach((i, k) => {
        tags[i] = `${k === 0 ? 'B' : 'I'}-${m.field}`;
      });
  }
  const found = wanted.map(([f]) => f).filter((f) => matches[f]);
  const missing = wanted.map(([f]) => f).filter((f) => !matches[f]);
  return { labels, matches, found, missing };
}

/** labelDocument for a single page. */
export function labelPage(words: Word[], fields: Record<string, string>): PageLabeling {
  const r = labelDocument([words], fields);
  return { labels: r.labels[0] ?? [], matches: r.matches, found: r.found, missing: r.missing };
}
