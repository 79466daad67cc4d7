import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  amountReadings,
  documentDecimalSeparator,
  parseAmount,
} from '../../../src/assemble/normalize/amount.js';
import {
  currencyOfCountry,
  currencyOfToken,
  detectCurrency,
} from '../../../src/assemble/normalize/currency.js';
import { dateReadings, inferDateOrder, parseDate } from '../../../src/assemble/normalize/date.js';

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

  it.each([
    ['14.49 CR', '-14.49'],
    ['45,00 €-', '-45.00'],
    ['1.234,-', '1234.00'],
    ["1'234.–", '1234.00'],
    ['RMl2.00', '12.00'],
    ['12.36:', '12.36'],
    ['1234.567', '1234.567'],
    ['150YEN', '150.00'],
    ['R$ 9,90', '9.90'],
  ])('%s → %s (credit suffix, whole units, glued marks, OCR debris)', (text, value) => {
    expect(parseAmount(text)?.value).toBe(value);
  });

  it.each(['97 RM 100.00', '10.€0', 'FR7661239025829025872526830', 'EURO5', '(12.00', '1,23,456'])(
    '%s is not one amount',
    (text) => {
      expect(parseAmount(text)).toBeUndefined();
    },
  );

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

describe('amountReadings', () => {
  it.each([
    ['1,234.56', ['1234.56']],
    ['1.234', ['1.234', '1234.00']],
    ['1,234', ['1.234', '1234.00']],
    ['1.234.567', ['1234567.00']],
    ['0.125', ['0.125']],
    ['RM12.00', ['12.00']],
    ['€ 12,00', ['12.00']],
    ['12,00€', ['12.00']],
    ['(5.00)', ['-5.00']],
    ['12.00-', ['-12.00']],
    ['12.00 CR', ['-12.00']],
    ['EUR 5', ['5.00']],
    ['1 234,56', ['1234.56']],
    ["1'234.56", ['1234.56']],
    ['12.–', ['12.00']],
    ['kr. 99,50', ['99.50']],
    ['₩ 5000', ['5000.00']],
  ])('%s → %j', (text, values) => {
    expect(amountReadings(text)).toEqual(values);
  });

  it.each([
    '1,23,456', // Indian grouping: groups after the first must be three digits
    '12 34',
    '1 234.567,89', // spaces and dots both grouping
    'l2.50', // OCR repair is parseAmount's; the matcher weighs repaired text itself
    'Total 12.00',
    '12.5%',
    'FR7661239025829025872526830', // an IBAN, not francs
    '',
  ])('%s has no reading', (text) => {
    expect(amountReadings(text)).toEqual([]);
  });

  it('reads one kind of grouping only', () => {
    expect(amountReadings('1 234.567')).toEqual(['1234.567']);
  });

  // Property: every reading parseAmount picks, with either document separator, is among amountReadings.
  it('holds whatever parseAmount reads from an exact printed form', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[-(]?(€ )?\d{1,3}([.,' ]\d{3}){0,3}([.,]\d{1,3})?( EUR)?[-)]?$/),
        fc.constantFrom(undefined, '.', ','),
        (text, hint) => {
          const p = parseAmount(text, hint as '.' | ',' | undefined);
          return p === undefined || amountReadings(text).includes(p.value);
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

  it('finds a date glued to a time or after a number that is no date', () => {
    expect(parseDate('25/12/20188:13:39')[0]?.iso).toBe('2018-12-25');
    expect(parseDate('13/04/2018-18:11:05')[0]?.iso).toBe('2018-04-13');
    expect(parseDate('Tel 05.22.95.66.66 le 30/03/2018')[0]?.iso).toBe('2018-03-30');
    // Invoice numbers that hold date-like runs are not dates.
    expect(parseDate('SP-null-18/06/09-1018481')).toEqual([]);
  });

  it.each([
    ['12 ogos 2018', '2018-08-12'],
    ['5 Mac 2019', '2019-03-05'],
    ['1 Julai 2018', '2018-07-01'],
    ['31 Dis 2018', '2018-12-31'],
    ['3 de outubro de 2020', '2020-10-03'],
    ['10 fevereiro 2021', '2021-02-10'],
  ])('reads Malay and Portuguese month names: %s → %s', (text, iso) => {
    expect(parseDate(text)[0]?.iso).toBe(iso);
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

  it("failing those, reads the order off the invoice's own dates: due not before issue, the dates close together", () => {
    const texts = ['05/11/2017', '06/10/2017', '05/03/2017'];
    type Tagged = { field: 'issue_date' | 'due_date' | 'delivery_date'; text: string };
    const dates = (issue: string, other: string, field: Tagged['field'] = 'delivery_date'): Tagged[] => [
      { field: 'issue_date', text: issue },
      { field, text: other },
    ];
    const order = (tagged: Tagged[], country?: string) =>
      inferDateOrder({ texts, tagged, ...(country ? { country } : {}) });
    // Day-first, the due date (6 Oct) would come before the issue date (5 Nov).
    expect(order(dates('05/11/2017', '06/10/2017', 'due_date'))).toEqual({
      order: 'MDY',
      basis: 'tagged dates',
    });
    // Issue 03/09 and delivery 03/01: eight days apart month-first, eight months day-first; and the other way.
    expect(order(dates('03/09/2021', '03/01/2021'))?.order).toBe('MDY');
    expect(order(dates('12/01/2021', '10/01/2021'))?.order).toBe('DMY');
    // One date, or two that read as close either way, decide nothing.
    expect(order([{ field: 'issue_date', text: '03/09/2021' }])).toBeUndefined();
    expect(order(dates('03/03/2021', '04/04/2021', 'due_date'))).toBeUndefined();
    // Document and country evidence come first.
    expect(order(dates('05/11/2017', '06/10/2017', 'due_date'), 'DE')?.order).toBe('DMY');
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

describe('dateReadings', () => {
  it.each([
    ['03.11.2017', ['2017-11-03', '2017-03-11']],
    ['11/03/2017', ['2017-03-11', '2017-11-03']],
    ['13/01/19', ['2019-01-13']],
    ['25/12/20188:13:39', ['2018-12-25']],
    ['07/04/2018-18:11:05', ['2018-04-07', '2018-07-04']],
    ['Date: 3 Nov 2017 due 2017-12-03', ['2017-12-03', '2017-11-03']],
    ['20171103', ['2017-11-03']],
    ['12 OGOS 2018', ['2018-08-12']],
    ['1.2.2017.5', []],
    ['2118-10-12', []],
    ['N/A', []],
  ])('%s → %j', (text, isos) => {
    expect(dateReadings(text).sort()).toEqual([...isos].sort());
  });

  // Property: whatever parseDate reads, with either order, dateReadings holds too.
  it('holds every reading parseDate gives', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(
          /^(\d{1,2}[./-]\d{1,2}[./-](\d{2}|\d{4})|\d{1,2} (Jan|mac|Ogos|Dez)\.? \d{4}|20\d{6})$/,
        ),
        (text) => parseDate(text).every((d) => dateReadings(text).includes(d.iso)),
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

  it.each([
    ['€', 'EUR'],
    ['eur', 'EUR'],
    ['RM', 'MYR'],
    ['kr.', 'SEK'],
    ['Fr.', 'CHF'],
    ['zł', 'PLN'],
    ['ZL', 'PLN'],
    ['Kč', 'CZK'],
    ['US$', 'USD'],
    ['R$', 'BRL'],
    ['₩', 'KRW'],
    ['$', 'USD'],
    ['¥', 'JPY'],
    ['VND', 'VND'],
  ])('currencyOfToken(%s) = %s', (token, code) => {
    expect(currencyOfToken(token)).toBe(code);
  });

  it('reads only whole currency words, resolving shared symbols by country', () => {
    expect(currencyOfToken('RM12.00')).toBeUndefined();
    expect(currencyOfToken('EURO')).toBeUndefined();
    expect(currencyOfToken('Total')).toBeUndefined();
    expect(currencyOfToken('kr', 'DK')).toBe('DKK');
    expect(currencyOfToken('$', 'CA')).toBe('CAD');
  });

  it('knows the marks normalize-text knew', () => {
    expect(detectCurrency('₽ 100')?.code).toBe('RUB');
    expect(detectCurrency('R$ 9,90')?.code).toBe('BRL');
    expect(detectCurrency('KRW 5000')?.code).toBe('KRW');
  });

  it('falls back on the country', () => {
    expect(currencyOfCountry('de')).toBe('EUR');
    expect(currencyOfCountry('GB')).toBe('GBP');
  });
});
