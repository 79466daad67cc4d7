/**
 * Currency evidence → ISO 4217. Symbols that several currencies share (`$`, `kr`, `¥`) are resolved
 * by country evidence (the supplier's VAT prefix, IBAN country or address), else the most common one.
 */

/** ISO codes we recognise when printed anywhere in a text (the common invoicing currencies). */
export const ISO_CODES = [
  'EUR',
  'USD',
  'GBP',
  'CHF',
  'JPY',
  'CNY',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'CZK',
  'HUF',
  'RON',
  'BGN',
  'CAD',
  'AUD',
  'NZD',
  'MYR',
  'SGD',
  'HKD',
  'INR',
  'ZAR',
  'BRL',
  'MXN',
  'TRY',
  'RUB',
  'ILS',
  'AED',
  'SAR',
  'THB',
  'IDR',
  'PHP',
  'KRW',
  'VND',
  'HRK',
] as const;

/** Codes that are also words or OCR debris (`COP'E` for COME): currencies only as a word or beside an amount. */
const WORDLIKE_CODES = ['ARS', 'CLP', 'COP'];

/** A printed currency mark other than an ISO code. */
interface Mark {
  /** Where the mark stands inside a text. */
  re: RegExp;
  /** Candidates, first = default when no country evidence helps. */
  codes: string[];
  /** The mark as a word of its own, upper case, without a trailing dot (`kr.` → `KR`). */
  tokens: string[];
  /** An abbreviation that is also another word (`FR`: France, in VAT ids and IBANs): never glued to digits. */
  apart?: boolean;
}

const MARKS: Mark[] = [
  { re: /€/, codes: ['EUR'], tokens: ['€'] },
  { re: /£/, codes: ['GBP'], tokens: ['£'] },
  { re: /₹/, codes: ['INR'], tokens: ['₹'] },
  { re: /₩/, codes: ['KRW'], tokens: ['₩'] },
  { re: /₺/, codes: ['TRY'], tokens: ['₺'] },
  { re: /₽/, codes: ['RUB'], tokens: ['₽'] },
  { re: /₪/, codes: ['ILS'], tokens: ['₪'] },
  { re: /฿/, codes: ['THB'], tokens: ['฿'] },
  { re: /₫/, codes: ['VND'], tokens: ['₫'] },
  { re: /₱/, codes: ['PHP'], tokens: ['₱'] },
  // `ZL`: zł with the stroke lost (OCR, ASCII-only printers); a word or beside an amount, not inside text.
  { re: /zł/i, codes: ['PLN'], tokens: ['ZŁ', 'ZL'] },
  { re: /Kč/, codes: ['CZK'], tokens: ['KČ'] },
  { re: /Ft\b/, codes: ['HUF'], tokens: ['FT'] },
  { re: /\bRM\b|^RM(?=\d)/, codes: ['MYR'], tokens: ['RM'] },
  { re: /\bS\$/, codes: ['SGD'], tokens: ['S$'] },
  { re: /\bHK\$/, codes: ['HKD'], tokens: ['HK$'] },
  { re: /\bA\$|\bAU\$/, codes: ['AUD'], tokens: ['A$', 'AU$'] },
  { re: /\bC\$|\bCA\$/, codes: ['CAD'], tokens: ['C$', 'CA$'] },
  { re: /\bUS\$/, codes: ['USD'], tokens: ['US$'] },
  { re: /\bR\$/, codes: ['BRL'], tokens: ['R$'] },
  { re: /\bCHF\b|\bSFr\.?|\bFr\.\s/, codes: ['CHF'], tokens: ['SFR', 'FR'], apart: true },
  { re: /\$/, codes: ['USD', 'CAD', 'AUD', 'NZD', 'SGD', 'HKD', 'MXN'], tokens: ['$'] },
  { re: /¥|\bYen\b/i, codes: ['JPY', 'CNY'], tokens: ['¥', 'YEN'] },
  { re: /\bkr\.?\b|\bkr(?=\d)/i, codes: ['SEK', 'NOK', 'DKK'], tokens: ['KR'] },
];

const COUNTRY_CURRENCY: Record<string, string> = {
  US: 'USD',
  CA: 'CAD',
  AU: 'AUD',
  NZ: 'NZD',
  SG: 'SGD',
  HK: 'HKD',
  MX: 'MXN',
  JP: 'JPY',
  CN: 'CNY',
  SE: 'SEK',
  NO: 'NOK',
  DK: 'DKK',
  GB: 'GBP',
  CH: 'CHF',
  LI: 'CHF',
  PL: 'PLN',
  CZ: 'CZK',
  HU: 'HUF',
  MY: 'MYR',
  IN: 'INR',
  DE: 'EUR',
  AT: 'EUR',
  FR: 'EUR',
  ES: 'EUR',
  IT: 'EUR',
  NL: 'EUR',
  BE: 'EUR',
  LU: 'EUR',
  IE: 'EUR',
  PT: 'EUR',
  FI: 'EUR',
  GR: 'EUR',
  EL: 'EUR',
  SK: 'EUR',
  SI: 'EUR',
  EE: 'EUR',
  LV: 'EUR',
  LT: 'EUR',
  HR: 'EUR',
  MT: 'EUR',
  CY: 'EUR',
};

// Compiled once: these run for every amount-like word of every page.
const CODE_RE = ISO_CODES.map((code) => [code, new RegExp(`(^|[^A-Z])${code}([^A-Z]|$)`)] as const);
const ISO_SET: ReadonlySet<string> = new Set([...ISO_CODES, ...WORDLIKE_CODES]);
const TOKEN_MARKS = new Map(MARKS.flatMap((m) => m.tokens.map((t) => [t, m] as const)));

export interface CurrencyEvidence {
  code: string;
  /** How it was decided: printed ISO code, an unambiguous symbol, a symbol resolved by country, or the default. */
  basis: 'code' | 'symbol' | 'symbol+country' | 'symbol-default' | 'country';
}

/** Picks among a mark's candidate currencies with the country's currency, else the most common one. */
function resolveMark(codes: readonly string[], country?: string): CurrencyEvidence {
  const first = codes[0] as string;
  if (codes.length === 1) return { code: first, basis: 'symbol' };
  const byCountry = country ? COUNTRY_CURRENCY[country.toUpperCase()] : undefined;
  if (byCountry && codes.includes(byCountry)) return { code: byCountry, basis: 'symbol+country' };
  return { code: first, basis: 'symbol-default' };
}

/** The currency printed in a piece of text, using a country (ISO 3166 alpha-2) to resolve shared symbols. */
export function detectCurrency(text: string, country?: string): CurrencyEvidence | undefined {
  const upper = text.toUpperCase();
  for (const [code, re] of CODE_RE) if (re.test(upper)) return { code, basis: 'code' };
  for (const m of MARKS) if (m.re.test(text)) return resolveMark(m.codes, country);
  return undefined;
}

/** Shorthand: the ISO code printed in a text, if any. */
export function currencyFromText(text: string, country?: string): string | undefined {
  return detectCurrency(text, country)?.code;
}

/**
 * The currency one whole word stands for (`€`, `eur`, `RM`, `kr.`, `zl`), if it is nothing but a currency
 * mark: unlike detectCurrency, `RM12.00` or `EURO` are not currency words.
 */
export function currencyOfToken(token: string, country?: string): string | undefined {
  const t = token.normalize('NFKC').trim().toUpperCase().replace(/\.$/, '');
  if (ISO_SET.has(t)) return t;
  const mark = TOKEN_MARKS.get(t);
  return mark ? resolveMark(mark.codes, country).code : undefined;
}

/** The currency a country uses, for documents that print none. */
export function currencyOfCountry(country: string): string | undefined {
  return COUNTRY_CURRENCY[country.toUpperCase()];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const anyCase = (s: string) =>
  [...s]
    .map((c) => (c.toLowerCase() === c.toUpperCase() ? escapeRe(c) : `[${c.toLowerCase()}${c}]`))
    .join('');

/**
 * Regex source (for a `u` regex) of one currency mark beside or glued to a printed amount, any case: an ISO
 * code, not run on into a word (`EURO5` is no amount), or a symbol or abbreviation, letter ones with an
 * optional dot (`Fr.`, `kr.`) and glued to anything (`RMl2.00`: OCR's l for 1) unless `apart`. Longest first: `US$` before `$`.
 */
export const CURRENCY_MARK = [...TOKEN_MARKS.keys(), ...ISO_SET]
  .sort((a, b) => b.length - a.length)
  .map((t) => {
    if (ISO_SET.has(t)) return `${anyCase(t)}(?!\\p{L})`;
    if (TOKEN_MARKS.get(t)?.apart) return `${anyCase(t)}\\.?(?![\\p{L}\\p{N}])`;
    return /\p{L}$/u.test(t) ? `${anyCase(t)}\\.?` : anyCase(t);
  })
  .join('|');
