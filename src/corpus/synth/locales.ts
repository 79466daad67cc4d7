/**
 * Locales of the synthetic corpus: number, date and money conventions, tax rates, identifier formats
 * (VAT ids, IBANs with valid check digits, BICs) and the faker locale chain for names and addresses.
 */

import {
  base,
  de,
  de_CH,
  en,
  en_GB,
  en_US,
  es,
  Faker,
  fr,
  it,
  type LocaleDefinition,
  nl,
} from '@faker-js/faker';
import { composeIBAN, isValidIBAN } from 'ibantools';
import { InvexError } from '../../errors.js';
import type { Currency, CurrencyPlacement, MonthNames, NegativeStyle, NumberFormat } from './formats.js';
import type { Rng } from './rng.js';
import type { Lang } from './vocab.js';

export type LocaleId =
  | 'en-US'
  | 'en-GB'
  | 'de-DE'
  | 'de-CH'
  | 'fr-FR'
  | 'es-ES'
  | 'it-IT'
  | 'nl-NL'
  | 'en-MY';

type Weighted<T> = readonly (readonly [T, number])[];

export interface LocaleSpec {
  id: LocaleId;
  lang: Lang;
  country: string;
  months: MonthNames;
  /** Date patterns (formats.ts tokens), most common first. */
  dateFormats: readonly string[];
  numberFormats: Weighted<NumberFormat>;
  currencies: Weighted<Currency>;
  placements: Weighted<CurrencyPlacement>;
  negatives: Weighted<NegativeStyle>;
  /** Tax rates in percent, standard rate first. */
  taxRates: readonly string[];
  rateStyles: Weighted<'plain' | 'space' | 'fixed2'>;
  /** Absent where invoices carry no VAT number (US sales tax). */
  vatId?: (rng: Rng) => string;
  taxId?: (rng: Rng) => string;
  regNo: (rng: Rng) => string;
  /** IBAN country; absent where invoices print domestic account numbers instead. */
  ibanCountry?: string;
  bankNames: readonly string[];
  legalForms: readonly string[];
  /** Faker locale chain, most specific first. */
  fakerLocales: LocaleDefinition[];
}

const EN_MONTHS: MonthNames = {
  long: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
  short: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
};
const DE_MONTHS: MonthNames = {
  long: [
    'Januar',
    'Februar',
    'März',
    'April',
    'Mai',
    'Juni',
    'Juli',
    'August',
    'September',
    'Oktober',
    'November',
    'Dezember',
  ],
  short: ['Jan.', 'Feb.', 'März', 'Apr.', 'Mai', 'Juni', 'Juli', 'Aug.', 'Sep.', 'Okt.', 'Nov.', 'Dez.'],
};
const FR_MONTHS: MonthNames = {
  long: [
    'janvier',
    'février',
    'mars',
    'avril',
    'mai',
    'juin',
    'juillet',
    'août',
    'septembre',
    'octobre',
    'novembre',
    'décembre',
  ],
  short: ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'],
};
const ES_MONTHS: MonthNames = {
  long: [
    'enero',
    'febrero',
    'marzo',
    'abril',
    'mayo',
    'junio',
    'julio',
    'agosto',
    'septiembre',
    'octubre',
    'noviembre',
    'diciembre',
  ],
  short: ['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'nov', 'dic'],
};
const IT_MONTHS: MonthNames = {
  long: [
    'gennaio',
    'febbraio',
    'marzo',
    'aprile',
    'maggio',
    'giugno',
    'luglio',
    'agosto',
    'settembre',
    'ottobre',
    'novembre',
    'dicembre',
  ],
  short: ['gen', 'feb', 'mar', 'apr', 'mag', 'giu', 'lug', 'ago', 'set', 'ott', 'nov', 'dic'],
};
const NL_MONTHS: MonthNames = {
  long: [
    'januari',
    'februari',
    'maart',
    'april',
    'mei',
    'juni',
    'juli',
    'augustus',
    'september',
    'oktober',
    'november',
    'december',
  ],
  short: ['jan', 'feb', 'mrt', 'apr', 'mei', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'],
};

const EUR: Currency = { code: 'EUR', symbol: '€' };
const USD: Currency = { code: 'USD', symbol: '$' };
const GBP: Currency = { code: 'GBP', symbol: '£' };
const CHF: Currency = { code: 'CHF', symbol: 'CHF' };
const MYR: Currency = { code: 'MYR', symbol: 'RM' };

const DOT: NumberFormat = { decimal: '.', group: ',' };
const DOT_PLAIN: NumberFormat = { decimal: '.', group: '' };
const COMMA_DOT: NumberFormat = { decimal: ',', group: '.' };
const COMMA_PLAIN: NumberFormat = { decimal: ',', group: '' };
const COMMA_SPACE: NumberFormat = { decimal: ',', group: ' ' };
const SWISS: NumberFormat = { decimal: '.', group: "'" };

/** Luhn check digit for a digit string (French SIREN/SIRET). */
function luhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

function siren(rng: Rng): string {
  const body = String(rng.int(1, 9)) + rng.digits(7);
  return body + luhnDigit(body);
}

/** French VAT: FR + key + SIREN, key = (12 + 3 × (SIREN mod 97)) mod 97. */
function frVat(rng: Rng): string {
  const s = siren(rng);
  const key = (12 + 3 * (Number(s) % 97)) % 97;
  return `FR${String(key).padStart(2, '0')}${s}`;
}

/** Italian CIN check letter over ABI + CAB + account (the BBAN without its first char). */
function italianCin(rest: string): string {
  const odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
  let sum = 0;
  for (let i = 0; i < rest.length; i++) {
    const ch = rest.charAt(i);
    const v = /\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 65;
    sum += i % 2 === 0 ? (odd[v] ?? 0) : v;
  }
  return String.fromCharCode(65 + (sum % 26));
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A random BBAN in the country's structure; national check digits are fixed up by retrying. */
function bban(country: string, rng: Rng): string {
  switch (country) {
    case 'DE':
      return rng.digits(18);
    case 'GB':
      return rng.chars(4, UPPER) + rng.digits(14);
    case 'FR':
      return rng.digits(10) + rng.digits(11) + rng.digits(2);
    case 'ES':
      return rng.digits(20);
    case 'IT': {
      const rest = rng.digits(10) + rng.digits(12);
      return italianCin(rest) + rest;
    }
    case 'NL':
      return rng.pick(['ABNA', 'INGB', 'RABO', 'SNSB', 'TRIO', 'BUNQ', 'KNAB']) + rng.digits(10);
    case 'CH':
      return rng.digits(5) + rng.digits(12);
    default:
      return rng.digits(18);
  }
}

/** An IBAN with valid check digits (and valid national checks where ibantools verifies them). */
export function makeIban(country: string, rng: Rng): string {
  for (let i = 0; i < 5000; i++) {
    const iban = composeIBAN({ countryCode: country, bban: bban(country, rng) });
    if (iban && isValidIBAN(iban)) return iban;
  }
  throw new InvexError('INVEX_E_INTERNAL', `could not compose a valid IBAN for ${country}`);
}

/** A BIC: 4 letters bank, country, 2 location chars, optional branch. */
export function makeBic(country: string, rng: Rng, bankName: string): string {
  const letters = bankName.toUpperCase().replace(/[^A-Z]/g, '');
  const bank = (letters + rng.chars(4, UPPER)).slice(0, 4);
  const loc = rng.chars(1, UPPER) + rng.chars(1, `${UPPER}23456789`);
  const branch = rng.weighted([
    ['', 5],
    ['XXX', 3],
    [rng.chars(3, `${UPPER}0123456789`), 2],
  ] as const);
  return bank + country + loc + branch;
}

const my = (l: LocaleDefinition[]) => [...l, en, base];

export const LOCALES: Record<LocaleId, LocaleSpec> = {
  'en-US': {
    id: 'en-US',
    lang: 'en',
    country: 'US',
    months: EN_MONTHS,
    dateFormats: [
      'MM/DD/YYYY',
      'M/D/YYYY',
      'MMMM D, YYYY',
      'MMM D, YYYY',
      'YYYY-MM-DD',
      'MM-DD-YYYY',
      'MM/DD/YY',
    ],
    numberFormats: [
      [DOT, 9],
      [DOT_PLAIN, 1],
    ],
    currencies: [
      [USD, 20],
      [EUR, 1],
    ],
    placements: [
      ['symbol-before', 8],
      ['code-before', 1],
      ['none', 2],
      ['code-after', 1],
    ],
    negatives: [
      ['minus', 3],
      ['parens', 2],
    ],
    taxRates: ['8.25', '6', '7', '7.25', '8.875', '5.3', '10'],
    rateStyles: [
      ['plain', 5],
      ['fixed2', 1],
    ],
    taxId: (r) => `${r.digits(2)}-${r.digits(7)}`,
    regNo: (r) => `${r.pick(['DUNS', 'License'])} ${r.digits(9)}`,
    bankNames: ['Chase Bank', 'Bank of America', 'Wells Fargo', 'Citibank', 'US Bank', 'PNC Bank'],
    legalForms: ['Inc.', 'LLC', 'Corp.', 'Co.', 'Group', ''],
    fakerLocales: my([en_US]),
  },
  'en-GB': {
    id: 'en-GB',
    lang: 'en',
    country: 'GB',
    months: EN_MONTHS,
    dateFormats: [
      'DD/MM/YYYY',
      'D MMMM YYYY',
      'D MMM YYYY',
      'Do MMMM YYYY',
      'DD-MMM-YYYY',
      'DD.MM.YYYY',
      'YYYY-MM-DD',
      'DD-MON-YY',
    ],
    numberFormats: [
      [DOT, 9],
      [DOT_PLAIN, 1],
    ],
    currencies: [
      [GBP, 20],
      [EUR, 2],
      [USD, 1],
    ],
    placements: [
      ['symbol-before', 8],
      ['none', 3],
      ['code-before', 1],
      ['code-after', 1],
    ],
    negatives: [
      ['minus', 3],
      ['parens', 1],
    ],
    taxRates: ['20', '5', '0'],
    rateStyles: [
      ['plain', 5],
      ['fixed2', 1],
    ],
    vatId: (r) =>
      r.weighted([
        [`GB${r.digits(9)}`, 3],
        [`GB ${r.digits(3)} ${r.digits(4)} ${r.digits(2)}`, 2],
        [`${r.digits(3)} ${r.digits(4)} ${r.digits(2)}`, 1],
      ] as const),
    taxId: (r) => r.digits(10),
    regNo: (r) => r.pick([r.digits(8), `SC${r.digits(6)}`, `0${r.digits(7)}`]),
    ibanCountry: 'GB',
    bankNames: [
      'Barclays',
      'HSBC UK',
      'Lloyds Bank',
      'NatWest',
      'Santander UK',
      'Metro Bank',
      'Starling Bank',
    ],
    legalForms: ['Ltd', 'Limited', 'Ltd.', 'PLC', 'LLP', '& Co', ''],
    fakerLocales: my([en_GB]),
  },
  'de-DE': {
    id: 'de-DE',
    lang: 'de',
    country: 'DE',
    months: DE_MONTHS,
    dateFormats: ['DD.MM.YYYY', 'D. MMMM YYYY', 'DD.MM.YY', 'D.M.YYYY', 'YYYY-MM-DD', 'D. MMM YYYY'],
    numberFormats: [
      [COMMA_DOT, 9],
      [COMMA_PLAIN, 2],
    ],
    currencies: [
      [EUR, 30],
      [USD, 1],
      [CHF, 1],
    ],
    placements: [
      ['symbol-after-space', 6],
      ['code-after', 3],
      ['symbol-before-space', 1],
      ['code-before', 1],
      ['none', 3],
    ],
    negatives: [
      ['minus', 5],
      ['trailing-minus', 1],
    ],
    taxRates: ['19', '7', '0'],
    rateStyles: [
      ['plain', 2],
      ['space', 3],
      ['fixed2', 1],
    ],
    vatId: (r) =>
      r.weighted([
        [`DE${r.digits(9)}`, 5],
        [`DE ${r.digits(3)} ${r.digits(3)} ${r.digits(3)}`, 1],
      ] as const),
    taxId: (r) =>
      r.pick([
        `${r.digits(2)}/${r.digits(3)}/${r.digits(5)}`,
        `${r.digits(3)}/${r.digits(4)}/${r.digits(4)}`,
      ]),
    regNo: (r) => `HRB ${r.int(1000, 249999)}`,
    ibanCountry: 'DE',
    bankNames: [
      'Deutsche Bank',
      'Commerzbank',
      'Sparkasse KölnBonn',
      'Berliner Volksbank',
      'Postbank',
      'HypoVereinsbank',
      'GLS Bank',
      'Stadtsparkasse München',
      'Volksbank Mittelhessen',
    ],
    legalForms: ['GmbH', 'GmbH & Co. KG', 'AG', 'KG', 'e.K.', 'UG (haftungsbeschränkt)', 'OHG', ''],
    fakerLocales: my([de]),
  },
  'de-CH': {
    id: 'de-CH',
    lang: 'de',
    country: 'CH',
    months: DE_MONTHS,
    dateFormats: ['DD.MM.YYYY', 'D. MMMM YYYY', 'DD.MM.YY', 'D.M.YYYY'],
    numberFormats: [
      [SWISS, 8],
      [DOT_PLAIN, 2],
    ],
    currencies: [
      [CHF, 20],
      [EUR, 3],
    ],
    placements: [
      ['code-before', 6],
      ['none', 4],
      ['code-after', 2],
    ],
    negatives: [['minus', 1]],
    taxRates: ['8.1', '2.6', '3.8'],
    rateStyles: [
      ['plain', 3],
      ['space', 2],
    ],
    vatId: (r) =>
      `CHE-${r.digits(3)}.${r.digits(3)}.${r.digits(3)} ${r.pick(['MWST', 'MWST', 'TVA', 'IVA'])}`,
    regNo: (r) => `CHE-${r.digits(3)}.${r.digits(3)}.${r.digits(3)}`,
    ibanCountry: 'CH',
    bankNames: [
      'UBS Switzerland AG',
      'Zürcher Kantonalbank',
      'PostFinance',
      'Raiffeisen',
      'Berner Kantonalbank',
    ],
    legalForms: ['AG', 'GmbH', 'SA', 'Sàrl', ''],
    fakerLocales: my([de_CH, de]),
  },
  'fr-FR': {
    id: 'fr-FR',
    lang: 'fr',
    country: 'FR',
    months: FR_MONTHS,
    dateFormats: ['DD/MM/YYYY', 'D MMMM YYYY', 'DD.MM.YYYY', 'DD-MM-YYYY', 'YYYY-MM-DD', 'D MMM YYYY'],
    numberFormats: [
      [COMMA_SPACE, 6],
      [COMMA_DOT, 2],
      [COMMA_PLAIN, 2],
    ],
    currencies: [
      [EUR, 30],
      [USD, 1],
    ],
    placements: [
      ['symbol-after-space', 8],
      ['code-after', 2],
      ['none', 2],
    ],
    negatives: [['minus', 1]],
    taxRates: ['20', '10', '5.5', '2.1'],
    rateStyles: [
      ['plain', 2],
      ['space', 3],
      ['fixed2', 1],
    ],
    vatId: (r) => (r.chance(0.8) ? frVat(r) : `FR ${frVat(r).slice(2)}`),
    taxId: (r) => siren(r),
    regNo: (r) => {
      const s = siren(r);
      const nic = r.digits(4);
      const siret = s + nic + luhnDigit(s + nic);
      return r.pick([
        siret,
        `RCS ${r.pick(['Paris', 'Lyon', 'Nantes', 'Lille', 'Bordeaux'])} ${s}`,
        `APE ${r.digits(4)}Z`,
      ]);
    },
    ibanCountry: 'FR',
    bankNames: [
      'BNP Paribas',
      'Société Générale',
      'Crédit Agricole',
      'LCL',
      'Crédit Mutuel',
      'La Banque Postale',
      'CIC',
    ],
    legalForms: ['SARL', 'SAS', 'SA', 'EURL', 'SASU', ''],
    fakerLocales: my([fr]),
  },
  'es-ES': {
    id: 'es-ES',
    lang: 'es',
    country: 'ES',
    months: ES_MONTHS,
    dateFormats: ['DD/MM/YYYY', 'D/M/YYYY', 'D [de] MMMM [de] YYYY', 'DD-MM-YYYY', 'DD.MM.YYYY'],
    numberFormats: [
      [COMMA_DOT, 8],
      [COMMA_PLAIN, 2],
    ],
    currencies: [
      [EUR, 30],
      [USD, 1],
    ],
    placements: [
      ['symbol-after-space', 7],
      ['code-after', 1],
      ['none', 2],
      ['symbol-before', 1],
    ],
    negatives: [['minus', 1]],
    taxRates: ['21', '10', '4'],
    rateStyles: [
      ['plain', 4],
      ['space', 1],
      ['fixed2', 1],
    ],
    vatId: (r) => `ES${r.chars(1, 'ABCDEFGHJNPQRSUVW')}${r.digits(7)}${r.chars(1, '0123456789ABCDEFGHIJ')}`,
    taxId: (r) =>
      r.chance(0.5)
        ? `${r.chars(1, 'ABCDEFGHJNPQRSUVW')}${r.digits(7)}${r.chars(1, '0123456789ABCDEFGHIJ')}`
        : `${r.digits(8)}${r.chars(1, 'TRWAGMYFPDXBNJZSQVHLCKE')}`,
    regNo: (r) => `Tomo ${r.int(1000, 45000)}, Folio ${r.int(1, 220)}, Hoja M-${r.digits(6)}`,
    ibanCountry: 'ES',
    bankNames: ['Banco Santander', 'BBVA', 'CaixaBank', 'Banco Sabadell', 'Bankinter', 'Unicaja'],
    legalForms: ['S.L.', 'S.A.', 'S.L.U.', 'SL', 'SA', ''],
    fakerLocales: my([es]),
  },
  'it-IT': {
    id: 'it-IT',
    lang: 'it',
    country: 'IT',
    months: IT_MONTHS,
    dateFormats: ['DD/MM/YYYY', 'D MMMM YYYY', 'DD.MM.YYYY', 'DD-MM-YYYY', 'DD/MM/YY'],
    numberFormats: [
      [COMMA_DOT, 8],
      [COMMA_PLAIN, 2],
    ],
    currencies: [
      [EUR, 30],
      [USD, 1],
    ],
    placements: [
      ['symbol-before-space', 5],
      ['symbol-after-space', 3],
      ['code-before', 2],
      ['none', 2],
    ],
    negatives: [['minus', 1]],
    taxRates: ['22', '10', '4', '5'],
    rateStyles: [
      ['plain', 3],
      ['fixed2', 2],
    ],
    vatId: (r) => (r.chance(0.6) ? `IT${r.digits(11)}` : r.digits(11)),
    taxId: (r) =>
      r.chance(0.5)
        ? r.digits(11)
        : `${r.chars(6, UPPER)}${r.digits(2)}${r.chars(1, 'ABCDEHLMPRST')}${r.digits(2)}${r.chars(1, UPPER)}${r.digits(3)}${r.chars(1, UPPER)}`,
    regNo: (r) => `REA ${r.pick(['MI', 'RM', 'TO', 'NA', 'BO', 'FI'])}-${r.int(100000, 2500000)}`,
    ibanCountry: 'IT',
    bankNames: [
      'Intesa Sanpaolo',
      'UniCredit',
      'Banco BPM',
      'BPER Banca',
      'Monte dei Paschi di Siena',
      'Credem',
    ],
    legalForms: ['S.r.l.', 'S.p.A.', 'S.n.c.', 'S.a.s.', 'Srl', ''],
    fakerLocales: my([it]),
  },
  'nl-NL': {
    id: 'nl-NL',
    lang: 'nl',
    country: 'NL',
    months: NL_MONTHS,
    dateFormats: ['DD-MM-YYYY', 'D MMMM YYYY', 'DD/MM/YYYY', 'D-M-YYYY', 'YYYY-MM-DD', 'D MMM YYYY'],
    numberFormats: [
      [COMMA_DOT, 8],
      [COMMA_PLAIN, 2],
    ],
    currencies: [
      [EUR, 30],
      [USD, 1],
    ],
    placements: [
      ['symbol-before-space', 7],
      ['symbol-before', 3],
      ['code-before', 1],
      ['none', 2],
    ],
    negatives: [['minus', 1]],
    taxRates: ['21', '9', '0'],
    rateStyles: [
      ['plain', 4],
      ['space', 1],
    ],
    vatId: (r) => `NL${r.digits(9)}B${r.digits(2)}`,
    taxId: (r) => r.digits(9),
    regNo: (r) => r.digits(8),
    ibanCountry: 'NL',
    bankNames: ['ING Bank', 'ABN AMRO', 'Rabobank', 'SNS Bank', 'Triodos Bank', 'bunq', 'Knab'],
    legalForms: ['B.V.', 'BV', 'V.O.F.', 'N.V.', ''],
    fakerLocales: my([nl]),
  },
  'en-MY': {
    id: 'en-MY',
    lang: 'en',
    country: 'MY',
    months: EN_MONTHS,
    dateFormats: [
      'DD/MM/YYYY',
      'DD-MM-YYYY',
      'DD/MM/YY',
      'DD MMM YYYY',
      'YYYY-MM-DD',
      'DD-MON-YY',
      'DD.MM.YYYY',
    ],
    numberFormats: [
      [DOT_PLAIN, 6],
      [DOT, 4],
    ],
    currencies: [[MYR, 1]],
    placements: [
      ['none', 5],
      ['symbol-before-space', 3],
      ['symbol-before', 2],
    ],
    negatives: [['minus', 1]],
    taxRates: ['6', '0'],
    rateStyles: [
      ['plain', 3],
      ['space', 1],
    ],
    vatId: (r) => `00${r.digits(10)}`,
    regNo: (r) => `${r.int(1000, 1299999)}-${r.chars(1, 'ADHKMPTUVWX')}`,
    bankNames: ['Maybank', 'CIMB Bank', 'Public Bank', 'RHB Bank', 'Hong Leong Bank'],
    legalForms: ['SDN BHD', 'SDN. BHD.', 'ENTERPRISE', 'TRADING', 'HARDWARE', 'RESTAURANT', 'MINI MARKET'],
    fakerLocales: my([]),
  },
};

export const LOCALE_IDS = Object.keys(LOCALES) as LocaleId[];

const fakers = new Map<LocaleId, Faker>();

/** One Faker per locale, created once; callers seed it per document for determinism. */
export function fakerFor(id: LocaleId): Faker {
  let f = fakers.get(id);
  if (!f) {
    f = new Faker({ locale: LOCALES[id].fakerLocales });
    fakers.set(id, f);
  }
  return f;
}
