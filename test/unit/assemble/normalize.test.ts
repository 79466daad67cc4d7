import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentDecimalSeparator, parseAmount } from '../../../src/assemble/normalize/amount.js';
import { currencyOfCountry, detectCurrency } from '../../../src/assemble/normalize/currency.js';
import { inferDateOrder, parseDate } from '../../../src/assemble/normalize/date.js';

describe('parseAmount', () => {
  it.each([
    ['1,234.56', '1234.56'],
    ['1.234,56', '1234.56'],
    ['1 234,56', '1234.56'],
    ['1\u202f234,56', '1234.56'],
    ["1'234.56", '1234.56'],
    ['1’234.56', '1234.56'],
    ['-12.00', '-12.00'],
    ['12.00-', '-12.00'],
    ['(12.00)', '-12.00'],
    ['12,-', '12.00'],
    ['€ 1.234,56', '1234.56'],
    ['1.234,56 €', '1234.56'],
    ['EUR 1,234.56', '1234.56'],
    ['$1,234.56', '1234.56'],
    ['RM12.00', '12.00'],
    ['-€12.00', '-12.00'],
    ['1O0.5O', '100.50'],
    ['l2.S0', '12.50'],
    ['1.234.567,89', '1234567.89'],
    ['0.125', '0.125'],
    ['9,00', '9.00'],
  ])('%s → %s', (text, value) => {
    expect(parseAmount(text)?.value).toBe(value);
  });

  it.each(['Total:', 'ABC', '12.5%', '25/12/2018', '', '-'])('%s is not an amount', (text) => {
    expect(parseAmount(text)).toBeUndefined();
  });

  it('reads a lone separator before three digits with the document hint', () => {
    expect(parseAmount('1.234')).toMatchObject({ value: '1234.00', ambiguous: true });
    expect(parseAmount('1.234', '.')).toMatchObject({ value: '1.234', ambiguous: true });
    expect(parseAmount('1,234', ',')).toMatchObject({ value: '1.234' });
  });

  it('carries the printed currency', () => {
    expect(parseAmount('CHF 1’234.50')?.currency).toBe('CHF');
    expect(parseAmount('12,00 zł')?.currency).toBe('PLN');
  });

  it('votes the document separator from unambiguous amounts', () => {
    expect(documentDecimalSeparator(['1.234,56', '12,00', '1.234'])).toBe(',');
    expect(documentDecimalSeparator(['1,234.56', '3.10'])).toBe('.');
    expect(documentDecimalSeparator(['1.234'])).toBeUndefined();
  });

  // Property: any amount printed in any supported locale style parses back to its value.
  it('round-trips amounts printed in every locale style', () => {
    const locales = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'it-IT', 'nl-NL', 'de-CH'];
    fc.assert(
      fc.property(
        fc.bigInt({ min: -99_999_999_99n, max: 99_999_999_99n }),
        fc.constantFrom(...locales),
        fc.constantFrom('none', 'code-before', 'symbol-after', 'trailing-minus', 'parens'),
        (cents, locale, style) => {
          const abs = cents < 0n ? -cents : cents;
          const expected = `${cents < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
          const n = new Intl.NumberFormat(locale, {
            minimumFractionDigits: 2,
            maximumFractionDigits: 2,
            useGrouping: true,
          });
          const body = n.format(Number(abs) / 100);
          const neg = cents < 0n;
          const printed =
            style === 'code-before'
              ? `EUR ${neg ? '-' : ''}${body}`
              : style === 'symbol-after'
                ? `${neg ? '-' : ''}${body} €`
                : style === 'trailing-minus'
                  ? `${body}${neg ? '-' : ''}`
                  : style === 'parens' && neg
                    ? `(${body})`
                    : `${neg ? '-' : ''}${body}`;
          const got = parseAmount(printed)?.value;
          return got === (expected === '-0.00' ? '0.00' : expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('parseDate', () => {
  it.each([
    ['03.11.2017', '2017-11-03'],
    ['3 Nov 2017', '2017-11-03'],
    ['2017-11-03', '2017-11-03'],
    ['3. November 2017', '2017-11-03'],
    ['03-NOV-17', '2017-11-03'],
    ['25/12/2018 8:13:39 PM', '2018-12-25'],
    ['12 décembre 2019', '2019-12-12'],
    ['3 de marzo de 2020', '2020-03-03'],
    ['15 ottobre 2021', '2021-10-15'],
    ['1 mei 2022', '2022-05-01'],
    ['November 3, 2017', '2017-11-03'],
    ['Nov 3rd, 2017', '2017-11-03'],
    ['1er janvier 2020', '2020-01-01'],
    ['20171103', '2017-11-03'],
    ['4 Mär 2021', '2021-03-04'],
  ])('%s → %s', (text, iso) => {
    expect(parseDate(text)[0]?.iso).toBe(iso);
  });

  it('returns both readings of an ambiguous slash date, ordered by the hint', () => {
    expect(parseDate('11/03/2017').map((d) => d.iso)).toEqual(['2017-03-11', '2017-11-03']);
    expect(parseDate('11/03/2017', 'MDY').map((d) => d.iso)).toEqual(['2017-11-03', '2017-03-11']);
    expect(parseDate('13/01/19')).toEqual([{ iso: '2019-01-13', ambiguous: false, order: 'DMY' }]);
  });

  it('rejects impossible dates', () => {
    expect(parseDate('2019-02-30')).toEqual([]);
    expect(parseDate('31/31/2020')).toEqual([]);
  });

  it('infers the day/month order from document evidence, then country', () => {
    expect(inferDateOrder({ texts: ['04/05/2021', '25/05/2021'] })).toEqual({
      order: 'DMY',
      basis: 'document',
    });
    expect(inferDateOrder({ texts: ['04/05/2021', '05/25/2021'] })).toEqual({
      order: 'MDY',
      basis: 'document',
    });
    expect(inferDateOrder({ texts: ['04/05/2021'], country: 'US' })).toEqual({
      order: 'MDY',
      basis: 'country',
    });
    expect(inferDateOrder({ texts: ['04/05/2021'] })).toBeUndefined();
  });

  // Property: any date printed in a supported format and language parses back to itself.
  it('round-trips dates printed in every supported format', () => {
    const langs = ['en-GB', 'de-DE', 'fr-FR', 'es-ES', 'it-IT', 'nl-NL', 'en-US'];
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1995-01-01T00:00:00Z'),
          max: new Date('2060-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom(...langs),
        fc.constantFrom('long', 'short', 'dotted', 'iso', 'slash'),
        (date, lang, style) => {
          const iso = date.toISOString().slice(0, 10);
          const [y, m, d] = iso.split('-');
          let printed: string;
          if (style === 'dotted') printed = `${d}.${m}.${y}`;
          else if (style === 'iso') printed = iso;
          else if (style === 'slash') printed = lang === 'en-US' ? `${m}/${d}/${y}` : `${d}/${m}/${y}`;
          else
            printed = new Intl.DateTimeFormat(lang, {
              day: 'numeric',
              month: style,
              year: 'numeric',
              timeZone: 'UTC',
            }).format(date);
          const got = parseDate(printed, lang === 'en-US' ? 'MDY' : 'DMY')[0]?.iso;
          return got === iso;
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('currency', () => {
  it.each([
    ['EUR 12.00', undefined, 'EUR', 'code'],
    ['€12', undefined, 'EUR', 'symbol'],
    ['$12', 'CA', 'CAD', 'symbol+country'],
    ['$12', undefined, 'USD', 'symbol-default'],
    ['12 kr', 'DK', 'DKK', 'symbol+country'],
    ['RM 9.00', undefined, 'MYR', 'symbol'],
  ])('%s (country %s) → %s by %s', (text, country, code, basis) => {
    expect(detectCurrency(text, country)).toEqual({ code, basis });
  });

  it('falls back on the country', () => {
    expect(currencyOfCountry('de')).toBe('EUR');
    expect(currencyOfCountry('GB')).toBe('GBP');
  });
});
