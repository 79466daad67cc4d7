/**
 * Printed amounts → decimal strings ("-1234.50"). Never floats: decimal.js carries the value.
 * Handles 1,234.56 · 1.234,56 · 1 234,56 · 1'234.56 · -12.00 · 12.00- · (12.00) · 12.00 CR · 12,- ·
 * currency before or after. One grammar and one set of readings serve both callers: parseAmount (assemble:
 * OCR letter/digit repair, one value chosen with the document's separator) and amountReadings (the corpus
 * matcher: every value an exact printed form may stand for).
 */
import { Decimal } from 'decimal.js';
import { CURRENCY_MARK, currencyFromText } from './currency.js';

export type DecimalSeparator = '.' | ',';

export interface ParsedAmount {
  /** Dot decimal, no thousands separator, at least two decimals: "1234.50". */
  value: string;
  /** ISO 4217 code when a currency was printed with the number. */
  currency?: string;
  /** The decimal separator the text used, when it showed one. */
  decimalSeparator?: DecimalSeparator;
  /** True when a lone separator before 3 digits ("1.234") could be thousands or decimal. */
  ambiguous: boolean;
}

// Letters OCR reads in place of digits; applied only inside the number of an OCR'd amount.
const OCR_DIGITS: Record<string, string> = {
  O: '0',
  o: '0',
  D: '0',
  Q: '0',
  S: '5',
  s: '5',
  l: '1',
  I: '1',
  i: '1',
  '|': '1',
  B: '8',
  Z: '2',
  z: '2',
};
// Spaces and apostrophes only ever group thousands; dots and commas may group or be the decimal mark.
const SPACED = /[\s'’`´]/;

/**
 * A printed amount: optional sign or parenthesis, a currency mark before or after, the number, `,-` or `.–`
 * for whole units (German and Swiss price style), and a trailing minus, parenthesis or `CR` (credit).
 */
function amountGrammar(digit: string, tail: string): RegExp {
  const cur = `(?:(?:${CURRENCY_MARK})\\s*)?`;
  return new RegExp(
    `^(?<pre>[-+(]?)\\s*${cur}(?<sign>[-+(]?)\\s*(?<core>${digit}(?:${digit}|[.,\\s'’\`´])*?)(?<dash>[.,]\\s?-+)?\\s*(?<minus>-)?\\s*${cur}(?<post>-|\\)|[Cc][Rr])?${tail}$`,
    'u',
  );
}
const PRINTED = amountGrammar('\\d', '');
// OCR'd text: letters read for digits inside the number, and stray `:`/`;` after it.
const OCR_READ = amountGrammar('[\\dODQSsoIil|BZz]', '[:;]?');

interface Parts {
  core: string;
  negative: boolean;
  /** `12,-`: the separator stands for whole units, there are no decimals. */
  whole: boolean;
}

function splitAmount(text: string, ocr: boolean): Parts | undefined {
  const s = text
    .normalize('NFKC')
    .replace(/[\u2012\u2013\u2212]/g, '-')
    .trim();
  const g = (ocr ? OCR_READ : PRINTED).exec(s)?.groups;
  if (!g) return undefined;
  const { pre = '', sign = '', minus = '', post = '' } = g;
  const opened = (pre === '(' ? 1 : 0) + (sign === '(' ? 1 : 0);
  if (opened !== (post === ')' ? 1 : 0)) return undefined;
  let core = (g.core ?? '').trim();
  if (!/\d/.test(core)) return undefined;
  if (ocr) core = core.replace(/[ODQSsoIil|BZz]/g, (c) => OCR_DIGITS[c] ?? c);
  const negative =
    opened > 0 || pre === '-' || sign === '-' || minus === '-' || post === '-' || post.toUpperCase() === 'CR';
  return { core, negative, whole: g.dash !== undefined };
}

const SPLITTERS = new Map<string, RegExp>();

/** Drops thousands separators (`sep`, a regex class body, and runs of spaces); undefined unless 1–3, then 3-digit groups. */
function ungroup(s: string, sep: string): string | undefined {
  let re = SPLITTERS.get(sep);
  if (!re) {
    re = new RegExp(`\\s+|[${sep}]`);
    SPLITTERS.set(sep, re);
  }
  const groups = s.split(re);
  if (groups.length === 1) return /^\d+$/.test(s) ? s : undefined;
  const [first = '', ...rest] = groups;
  return /^\d{1,3}$/.test(first) && rest.every((g) => /^\d{3}$/.test(g)) ? groups.join('') : undefined;
}

interface Reading {
  /** Plain digits with an optional dot decimal. */
  plain: string;
  /** The decimal separator this reading takes, when it takes one. */
  sep?: DecimalSeparator;
}

/**
 * The readings of a number's digits: the last dot or comma as the decimal mark (grouping before it with the
 * other mark, spaces or apostrophes, one kind only), and, for a lone kind of separator before exactly three
 * digits, that separator as thousands grouping (`1.234` is 1.234 or 1234).
 */
function readingsOf(core: string, whole: boolean): Reading[] {
  if (whole) {
    const w = ungroup(core, "'’`´.,");
    return w === undefined ? [] : [{ plain: w }];
  }
  const decPos = Math.max(core.lastIndexOf('.'), core.lastIndexOf(','));
  if (decPos < 0) {
    const w = ungroup(core, "'’`´");
    return w === undefined ? [] : [{ plain: w }];
  }
  const sep = core[decPos] as DecimalSeparator;
  const group = sep === '.' ? ',' : '.';
  const head = core.slice(0, decPos);
  const tail = core.slice(decPos + 1);
  if (!/^\d+$/.test(tail)) return [];
  const out: Reading[] = [];
  if (!head.includes(sep) && !(SPACED.test(head) && head.includes(group))) {
    const h = ungroup(head, `'’\`´\\${group}`);
    if (h !== undefined) out.push({ plain: `${h}.${tail}`, sep });
  }
  if (tail.length === 3 && /^[\d.,]+$/.test(core) && !core.includes(group) && !/^0+$/.test(head)) {
    const w = ungroup(core, `\\${sep}`);
    if (w !== undefined) out.push({ plain: w });
  }
  return out;
}

/** A reading as an EVAL.md amount: dot decimal, no grouping, at least two decimals, no `-0.00`. */
function format(plain: string, negative: boolean): string {
  let d = new Decimal(plain);
  if (negative && !d.isZero()) d = d.negated();
  return d.toFixed(Math.max(2, d.decimalPlaces()));
}

/**
 * The amount an OCR'd or printed text holds, with OCR letter/digit confusions inside the number repaired.
 * `hint` is the document's decimal separator, deciding the ambiguous "1.234" (grouping without it: invoices
 * rarely print 3 decimals).
 */
export function parseAmount(text: string, hint?: DecimalSeparator): ParsedAmount | undefined {
  const parts = splitAmount(text, true);
  if (!parts) return undefined;
  const readings = readingsOf(parts.core, parts.whole);
  const ambiguous = readings.length > 1;
  // Two readings: the decimal one only when the document's separator is that one, else grouping.
  const r = ambiguous ? (readings.find((x) => x.sep === hint) ?? readings.find((x) => !x.sep)) : readings[0];
  if (!r) return undefined;
  const out: ParsedAmount = { value: format(r.plain, parts.negative), ambiguous };
  const currency = currencyFromText(text);
  if (currency !== undefined) out.currency = currency;
  if (r.sep !== undefined) out.decimalSeparator = r.sep;
  return out;
}

/**
 * Every value a printed amount may stand for, as decimal strings: both readings of an ambiguous `1.234`
 * ("1.234", "1234.00"), one for the rest, none when the text is not an amount or its grouping is invalid
 * (`1,23,456`). Exact printed forms only: no OCR letter repair, which the caller may try and weigh itself.
 */
export function amountReadings(text: string): string[] {
  const parts = splitAmount(text, false);
  if (!parts) return [];
  return [...new Set(readingsOf(parts.core, parts.whole).map((r) => format(r.plain, parts.negative)))];
}

/** The decimal separator a document uses, by majority over its unambiguous amounts. */
export function documentDecimalSeparator(texts: readonly string[]): DecimalSeparator | undefined {
  let dot = 0;
  let comma = 0;
  for (const t of texts) {
    const p = parseAmount(t);
    if (!p || p.ambiguous || p.decimalSeparator === undefined) continue;
    if (p.decimalSeparator === '.') dot++;
    else comma++;
  }
  if (dot === comma) return undefined;
  return dot > comma ? '.' : ',';
}
