/**
 * Currency evidence → ISO 4217. Symbols that several currencies share (`$`, `kr`, `¥`) are resolved
 * by country evidence (the supplier's VAT prefix, IBAN country or address), else the most common one.
 */

/** ISO codes we recognise when printed as such (the common invoicing currencies). */
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
] as const;

// Symbol → candidates, first = default when no country evidence helps.
const SYMBOLS: [RegExp, string[]][] = [
  [/€/, ['EUR']],
  [/£/, ['GBP']],
  [/₹/, ['INR']],
  [/zł/i, ['PLN']],
  [/Kč/, ['CZK']],
  [/Ft\b/, ['HUF']],
  [/\bRM\b|^RM(?=\d)/, ['MYR']],
  [/\bS\$/, ['SGD']],
  [/\bHK\$/, ['HKD']],
  [/\bA\$|\bAU\$/, ['AUD']],
  [/\bC\$|\bCA\$/, ['CAD']],
  [/\bUS\$/, ['USD']],
  [/\bCHF\b|\bSFr\.?|\bFr\.\s/, ['CHF']],
  [/\$/, ['USD', 'CAD', 'AUD', 'NZD', 'SGD', 'HKD', 'MXN']],
  [/¥|\bYen\b/i, ['JPY', 'CNY']],
  [/\bkr\.?\b|\bkr(?=\d)/i, ['SEK', 'NOK', 'DKK']],
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
const CODE_STRIP = new RegExp(`(^|[^A-Za-z])(?:${ISO_CODES.join('|')})(?=[^A-Za-z]|$)`, 'g');

export interface CurrencyEvidence {
  code: string;
  /** How it was decided: printed ISO code, an unambiguous symbol, a symbol resolved by country, or the default. */
  basis: 'code' | 'symbol' | 'symbol+country' | 'symbol-default' | 'country';
}

/** The currency printed in a piece of text, using a country (ISO 3166 alpha-2) to resolve shared symbols. */
export function detectCurrency(text: string, country?: string): CurrencyEvidence | undefined {
  const upper = text.toUpperCase();
  for (const [code, re] of CODE_RE) if (re.test(upper)) return { code, basis: 'code' };
  for (const [re, candidates] of SYMBOLS) {
    if (!re.test(text)) continue;
    const first = candidates[0] as string;
    if (candidates.length === 1) return { code: first, basis: 'symbol' };
    const byCountry = country ? COUNTRY_CURRENCY[country.toUpperCase()] : undefined;
    if (byCountry && candidates.includes(byCountry)) return { code: byCountry, basis: 'symbol+country' };
    return { code: first, basis: 'symbol-default' };
  }
  return undefined;
}

/** Shorthand: the ISO code printed in a text, if any. */
export function currencyFromText(text: string, country?: string): string | undefined {
  return detectCurrency(text, country)?.code;
}

/** The currency a country uses, for documents that print none. */
export function currencyOfCountry(country: string): string | undefined {
  return COUNTRY_CURRENCY[country.toUpperCase()];
}

/** Removes currency codes and symbols from a printed amount. */
export function stripCurrency(text: string): string {
  return text
    .replace(CODE_STRIP, '$1')
    .replace(/US\$|S\$|HK\$|A\$|AU\$|C\$|CA\$|SFr\.?|Fr\.(?=\s)|zł|Kč|Ft\b|[€£₹$¥]/g, '')
    .replace(/\bRM|\bkr\.?/gi, '');
}
