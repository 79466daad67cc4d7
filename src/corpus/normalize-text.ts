/**
 * Value normalisation and comparison as ../shared/EVAL.md defines them, plus parsers for amounts and dates
 * as they are printed. Shared by the corpus importers, the matcher and anything that scores predictions.
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

/** EVAL.md amount equality: the absolute values differ by less than 0.005. */
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

// ---------------------------------------------------------------------------------------------------------
// Printed amounts

const CURRENCY_SYMBOLS: Record<string, string> = {
  '€': 'EUR',
  $: 'USD',
  '£': 'GBP',
  '¥': 'JPY',
  '₹': 'INR',
  '₩': 'KRW',
  '₺': 'TRY',
  '₽': 'RUB',
  '₪': 'ILS',
  '฿': 'THB',
  '₫': 'VND',
  '₱': 'PHP',
  RM: 'MYR',
  FR: 'CHF',
  SFR: 'CHF',
  R$: 'BRL',
  US$: 'USD',
  S$: 'SGD',
  KR: 'SEK',
  ZL: 'PLN',
  ZŁ: 'PLN',
  KČ: 'CZK',
};

const ISO_CURRENCIES = new Set(
  'EUR USD GBP CHF JPY CNY MYR SGD AUD CAD NZD SEK NOK DKK PLN CZK HUF RON BGN HRK TRY RUB INR IDR THB PHP VND HKD KRW ZAR BRL MXN ARS CLP COP ILS AED SAR'.split(
    ' ',
  ),
);

/** The ISO code a printed currency mark stands for (`€` → EUR, `RM` → MYR, `eur` → EUR), if any. */
export function currencyOf(token: string): string | undefined {
  const t = token.normalize('NFKC').trim().toUpperCase().replace(/\.$/, '');
  if (t in CURRENCY_SYMBOLS) return CURRENCY_SYMBOLS[t];
  if (/^[A-Z]{3}$/.test(t) && ISO_CURRENCIES.has(t)) return t;
  return undefined;
}

// Currency marks that may be glued before or after the digits (`RM12.00`, `12,00€`, `EUR 5`).
const CURRENCY_AFFIX = String.raw`(?:[$€£¥₹₩₺₽₪฿₫₱]|US\$|S\$|R\$|RM|SFR|FR\.?|KR\.?|ZŁ|ZL|KČ|${[...ISO_CURRENCIES].join('|')})`;
const AMOUNT_RE = new RegExp(
  String.raw`^(?<pre>[-+(]?)\s*(?:${CURRENCY_AFFIX}\s*)?(?<sign>[-+]?)\s*(?<core>\d[\d.,'’\s]*?)(?<dash>[.,][-–])?\s*(?:${CURRENCY_AFFIX})?\s*(?<post>[-)]|CR)?$`,
  'u',
);

function validGroups(groups: string[]): boolean {
  // Thousands groups after the first must hold exactly three digits; the first one to three.
  const [first, ...rest] = groups;
  if (first === undefined || !/^\d{1,3}$/.test(first)) return false;
  return rest.every((g) => /^\d{3}$/.test(g));
}

/** Splits a digit string with one kind of thousands separator; undefined when the grouping is invalid. */
function ungroup(s: string, sep: RegExp): string | undefined {
  const groups = s.split(sep);
  if (groups.length === 1) return /^\d+$/.test(s) ? s : undefined;
  return validGroups(groups) ? groups.join('') : undefined;
}

/**
 * Every number a printed amount may stand for: `1,234.56`, `1.234,56`, `1 234,56`, `1'234.56`, `RM12.00`,
 * `12.00-`, `€ 12,00`, `(5.00)`. Two values when a single separator before three digits is ambiguous
 * (`1,234` is 1234 or 1.234). Empty when the text is not an amount.
 */
export function parseAmount(printed: string): number[] {
  const s = printed
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\u2212\u2012\u2013]/g, '-')
    .replace(/[\u00a0\u202f\u2009]/g, ' ')
    .trim();
  const m = AMOUNT_RE.exec(s);
  if (!m?.groups) return [];
  const { pre = '', sign = '', core: rawCore = '', dash, post = '' } = m.groups;
  const core = rawCore.trim();
  const negative =
    pre === '-' || sign === '-' || post === '-' || post === 'CR' || (pre === '(' && post === ')');
  if ((pre === '(') !== (post === ')')) return [];
  // Spaces and apostrophes only ever group thousands; dots and commas may be either.
  const lastDot = core.lastIndexOf('.');
  const lastComma = core.lastIndexOf(',');
  const values: string[] = [];
  const spaced = /[\s'’]/;
  if (dash !== undefined) {
    // Swiss/German `12.–`: a whole amount.
    const whole = ungroup(core, /[\s'’.,]/);
    if (whole !== undefined) values.push(whole);
  } else if (lastDot < 0 && lastComma < 0) {
    const whole = ungroup(core, /[\s'’]/);
    if (whole !== undefined) values.push(whole);
  } else {
    const decSep = lastDot > lastComma ? '.' : ',';
    const thouSep = decSep === '.' ? ',' : '.';
    const decPos = Math.max(lastDot, lastComma);
    const head = core.slice(0, decPos);
    const tail = core.slice(decPos + 1);
    const headHasDec = head.includes(decSep);
    if (/^\d+$/.test(tail)) {
      // As a decimal separator: the head may group with the other mark, spaces or apostrophes.
      if (!headHasDec) {
        const h = ungroup(head, new RegExp(`[\\s'’${thouSep === '.' ? '\\.' : ','}]`));
        if (h !== undefined && !(spaced.test(head) && head.includes(thouSep))) values.push(`${h}.${tail}`);
      }
      // As a thousands separator: every group of three.
      if (tail.length === 3 && !core.includes(thouSep)) {
        const whole = ungroup(core, new RegExp(`[\\s'’${decSep === '.' ? '\\.' : ','}]`));
        if (whole !== undefined && !/^0+$/.test(head)) values.push(whole);
      }
    }
  }
  const out: number[] = [];
  for (const v of values) {
    const n = Number(v) * (negative ? -1 : 1);
    if (Number.isFinite(n) && !out.some((o) => Math.abs(o - n) < 1e-9)) out.push(n);
  }
  return out;
}

/** Formats a number as an EVAL.md amount: plain decimal, dot, two places. */
export function formatAmount(n: number): string {
  return n.toFixed(2);
}

// ---------------------------------------------------------------------------------------------------------
// Printed dates

/** Month names and abbreviations (accents stripped, lower case) in en, de, fr, es, it, nl, pt, ms. */
const MONTHS: Record<string, number> = {};
const MONTH_NAMES: string[][] = [
  [
    'january',
    'jan',
    'januar',
    'janner',
    'jan',
    'janvier',
    'janv',
    'enero',
    'ene',
    'gennaio',
    'gen',
    'januari',
    'janeiro',
  ],
  [
    'february',
    'feb',
    'februar',
    'febr',
    'fevrier',
    'fevr',
    'fev',
    'febrero',
    'febbraio',
    'februari',
    'fevereiro',
  ],
  ['march', 'mar', 'marz', 'maerz', 'mrz', 'mars', 'marzo', 'maart', 'mrt', 'marco', 'mac'],
  ['april', 'apr', 'avril', 'avr', 'abril', 'abr', 'aprile'],
  ['may', 'mai', 'mayo', 'maggio', 'mag', 'mei', 'maio', 'mei'],
  ['june', 'jun', 'juni', 'juin', 'junio', 'giugno', 'giu', 'junho'],
  ['july', 'jul', 'juli', 'juillet', 'juil', 'julio', 'luglio', 'lug', 'julho', 'julai'],
  ['august', 'aug', 'aout', 'agosto', 'ago', 'augustus', 'ogos'],
  ['september', 'sep', 'sept', 'septembre', 'septiembre', 'setiembre', 'settembre', 'set', 'setembro'],
  ['october', 'oct', 'oktober', 'okt', 'octobre', 'octubre', 'ottobre', 'ott', 'outubro', 'out'],
  ['november', 'nov', 'novembre', 'noviembre', 'novembro'],
  [
    'december',
    'dec',
    'dezember',
    'dez',
    'decembre',
    'diciembre',
    'dic',
    'dicembre',
    'dezembro',
    'disember',
    'dis',
  ],
];
MONTH_NAMES.forEach((names, i) => {
  for (const n of names) MONTHS[n] = i + 1;
});

function monthOf(word: string): number | undefined {
  return MONTHS[word.replace(/\.$/, '')];
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function fullYear(y: string): number | undefined {
  if (y.length === 4) return Number(y);
  if (y.length === 2) {
    const n = Number(y);
    // Two-digit years: 00–69 are 2000s, 70–99 are 1900s (the POSIX strptime pivot).
    return n < 70 ? 2000 + n : 1900 + n;
  }
  return undefined;
}

function iso(year: number | undefined, month: number | undefined, day: number): string | undefined {
  if (year === undefined || month === undefined) return undefined;
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month))
    return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const NUMERIC_DATE = /(?<!\d)(\d{1,4})\s?([./-])\s?(\d{1,2})\s?\2\s?(\d{4}|\d{2})(?!\d|[./-]\d)/g;
// A four-digit year glued to a time: `25/12/20188:13:39`.
const NUMERIC_DATE_TIME = /(?<!\d)(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?=\d{1,2}:\d{2})/g;
const COMPACT_DATE = /(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)/g;
// Longest names first so that `sept` wins over `sep`.
const MONTH_ALT = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|');
const DAY_MONTH_YEAR = new RegExp(
  String.raw`(?<![\d\p{L}])(\d{1,2})(?:st|nd|rd|th|er|º|°|\.)?[\s./,-]*(?:de\s+)?(${MONTH_ALT})(?!\p{L})\.?[\s./,-]*(?:de\s+|del\s+)?'?(\d{4}|\d{2})(?!\d)`,
  'gu',
);
const MONTH_DAY_YEAR = new RegExp(
  String.raw`(?<!\p{L})(${MONTH_ALT})(?!\p{L})\.?[\s./-]*(\d{1,2})(?:st|nd|rd|th)?[\s,./-]+(\d{4})(?!\d)`,
  'gu',
);

/**
 * Every ISO date (`YYYY-MM-DD`) a printed text may stand for: `03.11.2017`, `03/11/2017` (and, when both
 * are valid, `11/03/2017` read month first), `3 Nov 2017`, `03-NOV-17`, `2017-11-03`, `3. November 2017`,
 * `03/11/17`, month names in English, German, French, Spanish, Italian and Dutch. Dates are found anywhere in
 * the text, so `25/12/2018 8:13:39 PM` gives `2018-12-25`.
 */
export function parseDates(printed: string): string[] {
  const s = printed
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2012\u2013\u2212]/g, '-');
  const out = new Set<string>();
  const add = (d: string | undefined) => {
    if (d !== undefined) out.add(d);
  };
  for (const re of [NUMERIC_DATE, NUMERIC_DATE_TIME]) {
    for (const m of s.matchAll(re)) {
      const [, a = '', , b = '', c = ''] = m;
      // Four digits first is ISO order, handled below.
      if (a.length > 2) continue;
      const year = fullYear(c);
      add(iso(year, Number(b), Number(a))); // day first (most of the world)
      add(iso(year, Number(a), Number(b))); // month first (US)
    }
  }
  // ISO order `2017-11-03` / `2017/11/03`: the generic pattern above reads four digits first only here.
  for (const m of s.matchAll(/(?<!\d)(\d{4})\s?([./-])\s?(\d{1,2})\s?\2\s?(\d{1,2})(?!\d)/g)) {
    add(iso(Number(m[1]), Number(m[3]), Number(m[4])));
  }
  for (const m of s.matchAll(COMPACT_DATE)) add(iso(Number(m[1]), Number(m[2]), Number(m[3])));
  for (const m of s.matchAll(DAY_MONTH_YEAR)) {
    add(iso(fullYear(m[3] ?? ''), monthOf(m[2] ?? ''), Number(m[1])));
  }
  for (const m of s.matchAll(MONTH_DAY_YEAR))
    add(iso(fullYear(m[3] ?? ''), monthOf(m[1] ?? ''), Number(m[2])));
  return [...out];
}
