import { isValidBIC, isValidIBAN } from 'ibantools';
import { describe, expect, it } from 'vitest';
import { parseAmount } from '../../../src/assemble/normalize/amount.js';
import {
  type CurrencyPlacement,
  formatDate,
  formatMoney,
  formatNumber,
  formatQuantity,
  formatRate,
  isoDate,
  type NegativeStyle,
  type NumberFormat,
  parseDate,
} from '../../../src/corpus/synth/formats.js';
import { LOCALE_IDS, LOCALES, makeBic, makeIban } from '../../../src/corpus/synth/locales.js';
import { Rng } from '../../../src/corpus/synth/rng.js';

const US: NumberFormat = { decimal: '.', group: ',' };
const DE: NumberFormat = { decimal: ',', group: '.' };
const FR: NumberFormat = { decimal: ',', group: ' ' };
const CH: NumberFormat = { decimal: '.', group: "'" };
const PLAIN: NumberFormat = { decimal: '.', group: '' };

describe('formatNumber', () => {
  it.each([
    [US, '1234.5', '1,234.50'],
    [DE, '1234.5', '1.234,50'],
    [FR, '1234.56', '1 234,56'],
    [CH, '1234.56', "1'234.56"],
    [PLAIN, '1234.56', '1234.56'],
    [DE, '1234567.891', '1.234.567,89'],
    [US, '0.005', '0.01'],
    [US, '-12', '-12.00'],
    [DE, '999.995', '1.000,00'],
    [US, '100', '100.00'],
  ] as const)('%o %s → %s', (fmt, v, want) => {
    expect(formatNumber(v, fmt)).toBe(want);
  });

  it('formats quantities without trailing decimals', () => {
    expect(formatQuantity('3', DE)).toBe('3');
    expect(formatQuantity('2.5', DE)).toBe('2,5');
    expect(formatQuantity('1250.125', US)).toBe('1,250.125');
  });

  it.each([
    ['19', DE, 'plain', '19%'],
    ['19', DE, 'space', '19 %'],
    ['7.7', CH, 'plain', '7.7%'],
    ['5.5', FR, 'fixed2', '5,50 %'],
  ] as const)('rate %s → %s', (r, fmt, style, want) => {
    expect(formatRate(r, fmt, style)).toBe(want);
  });
});

describe('formatMoney', () => {
  const EUR = { code: 'EUR', symbol: '€' };
  const USD = { code: 'USD', symbol: '$' };
  const MYR = { code: 'MYR', symbol: 'RM' };
  const CHF = { code: 'CHF', symbol: 'CHF' };
  it.each([
    [US, 'symbol-before', 'minus', USD, '1234.56', '$1,234.56'],
    [DE, 'symbol-before-space', 'minus', EUR, '1234.56', '€ 1.234,56'],
    [DE, 'symbol-after-space', 'minus', EUR, '1234.56', '1.234,56 €'],
    [US, 'code-before', 'minus', EUR, '1234.56', 'EUR 1,234.56'],
    [FR, 'code-after', 'minus', EUR, '1234.56', '1 234,56 EUR'],
    [PLAIN, 'symbol-before-space', 'minus', MYR, '12', 'RM 12.00'],
    [CH, 'code-before', 'minus', CHF, '1234.56', "CHF 1'234.56"],
    [US, 'symbol-before', 'parens', USD, '-45', '($45.00)'],
    [DE, 'symbol-after-space', 'trailing-minus', EUR, '-45', '45,00 €-'],
    [DE, 'symbol-before-space', 'minus', EUR, '-45', '€ -45,00'],
    [US, 'none', 'minus', USD, '-45', '-45.00'],
  ] as const)('%s %s %s → %s', (fmt, placement, neg, cur, v, want) => {
    const style = { number: fmt, placement: placement as CurrencyPlacement, negative: neg as NegativeStyle };
    const printed = formatMoney(v, style, cur);
    expect(printed).toBe(want);
    // Every printed style parses back to the value with the pipeline's parser.
    expect(parseAmount(printed)?.value).toBe(Number(v).toFixed(2));
  });

  it.each([
    ['1,234.56', '1234.56'],
    ['1.234,56 €', '1234.56'],
    ['1 234,56', '1234.56'],
    ["1'234.56", '1234.56'],
    ['RM12.00', '12.00'],
    ['(12.00)', '-12.00'],
    ['12,00-', '-12.00'],
    ['1.234.567', '1234567.00'],
    ['12,5', '12.50'],
    ['$0.99', '0.99'],
  ])('parseAmount(%s) = %s', (s, want) => {
    expect(parseAmount(s)?.value).toBe(want);
  });
});

describe('dates per locale', () => {
  const d = { y: 2017, m: 11, d: 3 };
  it.each([
    ['de-DE', 'DD.MM.YYYY', '03.11.2017'],
    ['de-DE', 'D. MMMM YYYY', '3. November 2017'],
    ['de-DE', 'D. MMM YYYY', '3. Nov. 2017'],
    ['en-US', 'MM/DD/YYYY', '11/03/2017'],
    ['en-US', 'MMMM D, YYYY', 'November 3, 2017'],
    ['en-GB', 'D MMM YYYY', '3 Nov 2017'],
    ['en-GB', 'Do MMMM YYYY', '3rd November 2017'],
    ['en-GB', 'DD-MON-YY', '03-NOV-17'],
    ['en-GB', 'YYYY-MM-DD', '2017-11-03'],
    ['fr-FR', 'D MMMM YYYY', '3 novembre 2017'],
    ['fr-FR', 'DD/MM/YYYY', '03/11/2017'],
    ['es-ES', 'D [de] MMMM [de] YYYY', '3 de noviembre de 2017'],
    ['it-IT', 'D MMMM YYYY', '3 novembre 2017'],
    ['nl-NL', 'D MMMM YYYY', '3 november 2017'],
    ['nl-NL', 'DD-MM-YYYY', '03-11-2017'],
    ['nl-NL', 'D MMM YYYY', '3 nov 2017'],
  ] as const)('%s %s → %s', (loc, pattern, want) => {
    const months = LOCALES[loc].months;
    expect(formatDate(d, pattern, months)).toBe(want);
    const back = parseDate(want, [pattern], months);
    expect(back && isoDate(back)).toBe('2017-11-03');
  });

  it('every locale pattern round-trips for every month', () => {
    for (const id of LOCALE_IDS) {
      const loc = LOCALES[id];
      for (const pattern of loc.dateFormats) {
        for (let m = 1; m <= 12; m++) {
          const day = { y: 2021, m, d: 28 };
          const printed = formatDate(day, pattern, loc.months);
          const back = parseDate(printed, [pattern], loc.months);
          expect(back, `${id} ${pattern} ${printed}`).toEqual(day);
        }
      }
    }
  });
});

describe('identifiers', () => {
  it('IBANs have valid check digits in every IBAN locale', () => {
    const rng = new Rng(7);
    for (const id of LOCALE_IDS) {
      const c = LOCALES[id].ibanCountry;
      if (!c) continue;
      for (let i = 0; i < 20; i++) {
        const iban = makeIban(c, rng);
        expect(iban.startsWith(c)).toBe(true);
        expect(isValidIBAN(iban), iban).toBe(true);
      }
    }
  });

  it('BICs are well formed', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 50; i++) expect(isValidBIC(makeBic('DE', rng, 'Commerzbank'))).toBe(true);
  });

  it.each([
    ['de-DE', /^DE ?\d{3} ?\d{3} ?\d{3}$/],
    ['fr-FR', /^FR ?\d{2}\d{9}$/],
    ['nl-NL', /^NL\d{9}B\d{2}$/],
    ['es-ES', /^ES[A-Z]\d{7}[0-9A-J]$/],
    ['it-IT', /^(IT)?\d{11}$/],
    ['en-GB', /^(GB ?)?\d{3} ?\d{4} ?\d{2}$/],
    ['de-CH', /^CHE-\d{3}\.\d{3}\.\d{3} (MWST|TVA|IVA)$/],
  ] as const)('%s VAT ids match %s', (id, re) => {
    const rng = new Rng(id);
    for (let i = 0; i < 30; i++) expect(LOCALES[id].vatId?.(rng)).toMatch(re);
  });

  it('French VAT keys are the SIREN checksum', () => {
    const rng = new Rng(11);
    for (let i = 0; i < 30; i++) {
      const v = (LOCALES['fr-FR'].vatId?.(rng) ?? '').replace(/\s/g, '');
      const siren = Number(v.slice(4));
      expect(Number(v.slice(2, 4))).toBe((12 + 3 * (siren % 97)) % 97);
    }
  });
});
