/**
 * Printing of numbers, money and dates the way invoices print them, per locale conventions, and reading a
 * date back with the patterns it was printed with. Money is Decimal throughout (never floats); normalised
 * values follow shared EVAL.md (amounts "1234.50", dates "YYYY-MM-DD"). Printed amounts are read back by
 * src/assemble/normalize/amount.ts.
 */
import { Decimal } from 'decimal.js';

export { Decimal };

export interface NumberFormat {
  decimal: '.' | ',';
  /** Thousands separator; '' for none. */
  group: '' | ',' | '.' | ' ' | "'";
}

export type NegativeStyle = 'minus' | 'parens' | 'trailing-minus';

export type CurrencyPlacement =
  | 'symbol-before' // $1,234.56
  | 'symbol-before-space' // € 1.234,56
  | 'symbol-after-space' // 1.234,56 €
  | 'code-before' // EUR 1,234.56
  | 'code-after' // 1.234,56 EUR
  | 'none'; // 1.234,56

export interface Currency {
  code: string;
  symbol: string;
}

export interface MoneyStyle {
  number: NumberFormat;
  placement: CurrencyPlacement;
  negative: NegativeStyle;
}

/** A calendar date without time zone. */
export interface Ymd {
  y: number;
  m: number;
  d: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Groups an unsigned digit string in threes. */
function groupDigits(int: string, sep: string): string {
  if (!sep) return int;
  let out = '';
  for (let i = 0; i < int.length; i++) {
    if (i > 0 && (int.length - i) % 3 === 0) out += sep;
    out += int[i];
  }
  return out;
}

/** `1234.5` → `1.234,50` for `{decimal: ',', group: '.'}`; sign as a leading minus. */
export function formatNumber(value: Decimal.Value, fmt: NumberFormat, decimals = 2): string {
  const v = new Decimal(value);
  const fixed = v.abs().toFixed(decimals, Decimal.ROUND_HALF_UP);
  const [int = '0', frac] = fixed.split('.');
  const body = groupDigits(int, fmt.group) + (frac ? fmt.decimal + frac : '');
  return v.isNegative() && !v.isZero() ? `-${body}` : body;
}

/** A quantity: integers print without decimals, others with up to 3 significant decimals. */
export function formatQuantity(value: Decimal.Value, fmt: NumberFormat, minDecimals = 0): string {
  const v = new Decimal(value);
  const dp = Math.max(minDecimals, v.decimalPlaces());
  return formatNumber(v, fmt, Math.min(dp, 3));
}

export function formatMoney(
  value: Decimal.Value,
  style: MoneyStyle,
  currency: Currency,
  decimals = 2,
): string {
  const v = new Decimal(value);
  const neg = v.isNegative() && !v.isZero();
  const body = formatNumber(v.abs(), style.number, decimals);
  let s: string;
  switch (style.placement) {
    case 'symbol-before':
      s = currency.symbol + body;
      break;
    case 'symbol-before-space':
      s = `${currency.symbol} ${body}`;
      break;
    case 'symbol-after-space':
      s = `${body} ${currency.symbol}`;
      break;
    case 'code-before':
      s = `${currency.code} ${body}`;
      break;
    case 'code-after':
      s = `${body} ${currency.code}`;
      break;
    default:
      s = body;
  }
  if (!neg) return s;
  if (style.negative === 'parens') return `(${s})`;
  if (style.negative === 'trailing-minus') return `${s}-`;
  // A leading minus goes before the number, after a prefix symbol or code: "€ -12,00", "-$12.00" reads odd.
  if (style.placement === 'symbol-before' || style.placement === 'none') return `-${s}`;
  if (style.placement === 'symbol-before-space' || style.placement === 'code-before') {
    const sp = s.indexOf(' ');
    return `${s.slice(0, sp + 1)}-${s.slice(sp + 1)}`;
  }
  return `-${s}`;
}

/** A tax rate as printed: `19%`, `19 %`, `19,00 %`, `7.7%`. */
export function formatRate(
  rate: Decimal.Value,
  fmt: NumberFormat,
  style: 'plain' | 'space' | 'fixed2',
): string {
  const v = new Decimal(rate);
  const num = style === 'fixed2' ? formatNumber(v, fmt, 2) : formatQuantity(v, fmt);
  return style === 'plain' ? `${num}%` : `${num} %`;
}

/** Normalised amount per EVAL.md: dot decimal, no grouping, 2 decimals. */
export function normAmount(value: Decimal.Value, decimals = 2): string {
  return new Decimal(value).toFixed(decimals, Decimal.ROUND_HALF_UP);
}

/** Normalised quantity: plain decimal without trailing zeros. */
export function normQuantity(value: Decimal.Value): string {
  return new Decimal(value).toFixed();
}

export function isoDate(d: Ymd): string {
  return `${pad(d.y, 4)}-${pad(d.m)}-${pad(d.d)}`;
}

export function addDays(d: Ymd, days: number): Ymd {
  const t = new Date(Date.UTC(d.y, d.m - 1, d.d + days));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

export interface MonthNames {
  long: readonly string[];
  short: readonly string[];
}

const EN_ORDINAL = (d: number) => {
  const v = d % 100;
  if (v >= 11 && v <= 13) return `${d}th`;
  return d + (['th', 'st', 'nd', 'rd'][d % 10] ?? 'th');
};

const TOKEN = /\[[^\]]*\]|YYYY|YY|MMMM|MMM|MON|MM|M|Do|DD|D/g;

/**
 * Formats a date with a pattern: YYYY YY MMMM (long month) MMM (short month) MON (short month, upper case,
 * no dot) MM M DD D Do (English ordinal); `[text]` is literal.
 */
export function formatDate(d: Ymd, pattern: string, months: MonthNames): string {
  return pattern.replace(TOKEN, (t) => {
    switch (t) {
      case 'YYYY':
        return pad(d.y, 4);
      case 'YY':
        return pad(d.y % 100);
      case 'MMMM':
        return months.long[d.m - 1] ?? '';
      case 'MMM':
        return months.short[d.m - 1] ?? '';
      case 'MON':
        return (months.short[d.m - 1] ?? '').replace('.', '').slice(0, 3).toUpperCase();
      case 'MM':
        return pad(d.m);
      case 'M':
        return String(d.m);
      case 'DD':
        return pad(d.d);
      case 'D':
        return String(d.d);
      case 'Do':
        return EN_ORDINAL(d.d);
      default:
        return t.slice(1, -1);
    }
  });
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Parses a printed date back with the patterns it may have been printed with; undefined when none fits. */
export function parseDate(text: string, patterns: readonly string[], months: MonthNames): Ymd | undefined {
  const s = text.trim().replace(/\s+/g, ' ');
  for (const pattern of patterns) {
    const order: string[] = [];
    let re = '';
    let last = 0;
    for (const m of pattern.matchAll(TOKEN)) {
      re += escapeRe(pattern.slice(last, m.index)).replace(/ /g, '\\s*');
      last = (m.index ?? 0) + m[0].length;
      const t = m[0];
      if (t.startsWith('[')) {
        re += escapeRe(t.slice(1, -1));
        continue;
      }
      order.push(t);
      if (t === 'YYYY') re += '(\\d{4})';
      else if (t === 'YY' || t === 'MM' || t === 'DD') re += '(\\d{2})';
      else if (t === 'M' || t === 'D') re += '(\\d{1,2})';
      else if (t === 'Do') re += '(\\d{1,2})(?:st|nd|rd|th)';
      else re += '([^\\s\\d,/.-]+\\.?)';
    }
    re += escapeRe(pattern.slice(last)).replace(/ /g, '\\s*');
    const m = new RegExp(`^${re}$`, 'i').exec(s);
    if (!m) continue;
    let y = 0;
    let mo = 0;
    let d = 0;
    order.forEach((t, i) => {
      const v = m[i + 1] ?? '';
      if (t === 'YYYY') y = Number(v);
      else if (t === 'YY') y = 2000 + Number(v);
      else if (t === 'MM' || t === 'M') mo = Number(v);
      else if (t === 'DD' || t === 'D' || t === 'Do') d = Number(v);
      else {
        const k = v.toLowerCase().replace('.', '');
        const find = (list: readonly string[]) =>
          list.findIndex((n) => n.toLowerCase().replace('.', '') === k) + 1;
        mo = find(months.long) || find(months.short) || find(months.short.map((n) => n.slice(0, 3)));
      }
    });
    if (y && mo >= 1 && mo <= 12 && d >= 1 && d <= 31) return { y, m: mo, d };
  }
  return undefined;
}
