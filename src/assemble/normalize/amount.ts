/**
 * Printed amounts → decimal strings ("-1234.50"). Never floats: decimal.js carries the value.
 * Handles 1,234.56 · 1.234,56 · 1 234,56 · 1'234.56 · -12.00 · 12.00- · (12.00) · 12,- · currency
 * before or after, and OCR letter/digit confusions inside the number.
 */
import { Decimal } from 'decimal.js';
import { currencyFromText, stripCurrency } from './currency.js';

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

// Letters OCR reads in place of digits; applied only to tokens that already hold a digit.
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
const GROUPING = /[\s\u00a0\u202f'’`´]/g;
const MINUS = /[-−–]/;

interface Parts {
  core: string;
  negative: boolean;
}

function signAndCore(text: string): Parts | undefined {
  let s = stripCurrency(text).trim();
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  if (MINUS.test(s[0] ?? '')) {
    negative = !negative;
    s = s.slice(1).trim();
  } else if (s.startsWith('+')) s = s.slice(1).trim();
  // `12,-` / `12.–` mean whole units (German and Swiss price style).
  s = s.replace(/^(\d[\d.,'\s]*)[.,]\s*[-−–]+$/, '$1.00');
  if (MINUS.test(s.at(-1) ?? '')) {
    negative = !negative;
    s = s.slice(0, -1).trim();
  }
  s = s.replace(/[:;]$/, '');
  if (!/\d/.test(s)) return undefined;
  s = s.replace(/[ODQSsoIil|BZz]/g, (c) => OCR_DIGITS[c] ?? c);
  if (!/^\d[\d.,\s\u00a0\u202f'’`´]*$/.test(s) || !/\d$/.test(s)) return undefined;
  // Spaces and apostrophes only ever group thousands: "80,00 80,00" is two numbers, not one.
  if (/[\s\u00a0\u202f'’`´]/.test(s) && !/^\d{1,3}([\s\u00a0\u202f'’`´]+\d{3})+([.,]\d+)?$/.test(s))
    return undefined;
  return { core: s.replace(GROUPING, ''), negative };
}

/** Which separator is the decimal one; `hint` is the document's separator for the ambiguous "1.234". */
function decimalSeparatorOf(
  core: string,
  hint?: DecimalSeparator,
): { sep?: DecimalSeparator; ambiguous: boolean } {
  const lastDot = core.lastIndexOf('.');
  const lastComma = core.lastIndexOf(',');
  if (lastDot >= 0 && lastComma >= 0) return { sep: lastDot > lastComma ? '.' : ',', ambiguous: false };
  const sep: DecimalSeparator | undefined = lastDot >= 0 ? '.' : lastComma >= 0 ? ',' : undefined;
  if (sep === undefined) return { ambiguous: false };
  if (core.split(sep).length > 2) return { ambiguous: false }; // 1.234.567: grouping only
  if (core.length - core.lastIndexOf(sep) - 1 !== 3 || /^0[.,]/.test(core)) return { sep, ambiguous: false };
  // Without evidence a lone separator before 3 digits groups thousands: invoices rarely print 3 decimals.
  return hint === sep ? { sep, ambiguous: true } : { ambiguous: true };
}

/** Grouping separators, where present, must split the integer part into 3-digit groups. */
function groupedWell(core: string, sep: DecimalSeparator | undefined): boolean {
  const integer = sep === undefined ? core : core.slice(0, core.lastIndexOf(sep));
  const group =
    sep === '.' ? ',' : sep === ',' ? '.' : /[.,]/.test(integer) ? integer.replace(/\d/g, '')[0] : undefined;
  if (group === undefined || !integer.includes(group)) return true;
  return integer.split(group).every((g, i) => (i === 0 ? /^\d{1,3}$/.test(g) : /^\d{3}$/.test(g)));
}

export function parseAmount(text: string, hint?: DecimalSeparator): ParsedAmount | undefined {
  const parts = signAndCore(text);
  if (!parts) return undefined;
  const { core } = parts;
  const { sep, ambiguous } = decimalSeparatorOf(core, hint);
  const plain =
    sep === '.'
      ? core.replace(/,/g, '')
      : sep === ','
        ? core.replace(/\./g, '').replace(',', '.')
        : core.replace(/[.,]/g, '');
  if (!/^\d+(\.\d+)?$/.test(plain) || !groupedWell(core, sep)) return undefined;
  let d = new Decimal(plain);
  if (parts.negative && !d.isZero()) d = d.negated();
  const out: ParsedAmount = { value: d.toFixed(Math.max(2, d.decimalPlaces())), ambiguous };
  const currency = currencyFromText(text);
  if (currency !== undefined) out.currency = currency;
  if (sep !== undefined) out.decimalSeparator = sep;
  return out;
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
