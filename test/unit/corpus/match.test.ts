import { describe, expect, it } from 'vitest';
import {
  editDistance,
  keywordAmounts,
  labelDocument,
  labelPage,
  matchValue,
  STRONG_KEYWORD,
} from '../../../src/corpus/match.js';
import type { Word } from '../../../src/types.js';

/**
 * Lays out lines of text as words on a page: one row per line, top-down, words left to right. A line may
 * start with `>>` to push it to the right half (a value column).
 */
function page(lines: string[]): Word[] {
  const words: Word[] = [];
  lines.forEach((raw, line) => {
    const right = raw.startsWith('>>');
    const text = right ? raw.slice(2) : raw;
    let x = right ? 0.55 : 0.05;
    const y = 0.04 + line * 0.03;
    for (const t of text.split(/\s+/).filter(Boolean)) {
      const w = t.length * 0.012;
      words.push({ text: t, bbox: [x, y, x + w, y + 0.02], confidence: 0.9, line });
      x += w + 0.01;
    }
  });
  return words;
}

/** The words a field was labeled on, joined. */
function labeledText(words: Word[], labels: string[], field: string): string {
  return words
    .filter((_, i) => labels[i] === `B-${field}` || labels[i] === `I-${field}`)
    .map((w) => w.text)
    .join(' ');
}

const RECEIPT = [
  'TAN WOON YANN',
  'BOOK TA .K(TAMAN DAYA) SDN BND',
  '789417-W',
  'NO.53 55,57 & 59, JALAN SAGU 18,',
  'TAMAN DAYA,',
  '81100 JOHOR BAHRU,',
  'JOHOR.',
  'DOCUMENT NO : TD01167104',
  'DATE: 25/12/2018 8:13:39 PM',
  'CASHIER: MANIS',
  'CODE/DESC PRICE DISC AMOUNT',
  '9556939040116 KF MODELLING CLAY KIDDY FISH',
  '1 PC * 9.000 0.00 9.00',
  'T0TAL: 9.00',
  'ROUNDING ADJUSTMENT: 0.00',
  'CASH 10.00',
  'CHANGE 1.00',
  'GOODS SOLD ARE NOT RETURNABLE',
];

describe('editDistance', () => {
  it.each([
    ['TOTAL', 'TOTAL', 0],
    ['T0TAL', 'TOTAL', 0.5], // O/0 is an OCR confusion: half an edit
    ['BND', 'BHD', 0.5],
    ['ABC', 'ABXC', 1],
    ['', 'ABC', 3],
  ])('%s vs %s = %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe('matchValue: text on OCR-noisy words', () => {
  it.each([
    [
      'supplier_name',
      'BOOK TA .K (TAMAN DAYA) SDN BHD',
      ['BOOK TA .K(TAMAN DAYA) SDN BND'],
      'BOOK TA .K(TAMAN DAYA) SDN BND',
      false,
    ],
    ['supplier_name', 'ACME GMBH', ['Rechnung', 'ACME GmbH'], 'ACME GmbH', true],
    ['supplier_name', 'LIEFERANT GMBH', ['L1EFERANT GMBH'], 'L1EFERANT GMBH', false],
    ['supplier_name', 'Müller & Söhne KG', ['MULLER & SOHNE KG'], 'MULLER & SOHNE KG', true], // umlaut dropped
    ['invoice_number', '471102', ['Rechnungsnummer 471102'], '471102', true],
    ['invoice_number', 'TD01167104', ['DOCUMENT NO : TD0I167104'], 'TD0I167104', false],
  ])('%s %j', (field, value, lines, expected, exact) => {
    const words = page(lines);
    const [best] = matchValue(words, field, value);
    expect(best).toBeDefined();
    expect(best?.words.map((i) => words[i]?.text).join(' ')).toBe(expected);
    expect(best?.exact).toBe(exact);
  });

  it.each([
    ['invoice_number', '471102', ['Rechnungsnummer 471103']], // another identifier, not an OCR slip
    ['supplier_name', 'ABC', ['ABD TRADING']], // short values must match exactly
    ['supplier_name', 'GARDENIA BAKERIES (KL) SDN BHD', ['UNIHAKKA INTERNATIONAL SDN BHD']],
  ])('%s %j is not found in %j', (field, value, lines) => {
    expect(matchValue(page(lines), field, value)).toEqual([]);
  });

  it('matches an address spread over three lines', () => {
    const words = page([
      'BOOK TA .K(TAMAN DAYA) SDN BND',
      'NO.53 55,57 & 59, JALAN SAGU 18,',
      'TAMAN DAYA,',
      '81100 JOHOR BAHRU,',
      'JOHOR.',
      'DOCUMENT NO',
    ]);
    const r = labelPage(words, {
      supplier_address: 'NO.53 55,57 & 59, JALAN SAGU 18, TAMAN DAYA, 81100 JOHOR BAHRU, JOHOR.',
    });
    expect(r.found).toEqual(['supplier_address']);
    expect(labeledText(words, r.labels, 'supplier_address')).toBe(
      'NO.53 55,57 & 59, JALAN SAGU 18, TAMAN DAYA, 81100 JOHOR BAHRU, JOHOR.',
    );
    expect(r.labels.filter((l) => l === 'B-supplier_address')).toHaveLength(1);
  });
});

describe('matchValue: amounts', () => {
  // The matched words are the minimal window: a separate currency word stays outside.
  it.each([
    ['9.00', '9,00', '9,00'],
    ['9.00', 'RM9.00', 'RM9.00'],
    ['1234.56', '1,234.56', '1,234.56'],
    ['1234.56', '1.234,56', '1.234,56'],
    ['1234.56', '1 234,56', '1 234,56'],
    ['1234.56', "1'234.56", "1'234.56"],
    ['12.00', '€ 12,00', '12,00'],
    ['12.00', '12,00 EUR', '12,00'],
    ['-12.00', '12.00-', '12.00-'],
    ['39077.22', '39.077,22 €', '39.077,22'],
  ])('%s is printed as %j', (value, printed, expected) => {
    const words = page([`Total ${printed}`]);
    const [best] = matchValue(words, 'total_amount', value);
    expect(best?.words.map((i) => words[i]?.text).join(' ')).toBe(expected);
  });

  it('does not match a different amount; one misread digit is a weak match that needs a label', () => {
    expect(matchValue(page(['Total 1.234,56']), 'total_amount', '1234.65')).toEqual([]);
    expect(matchValue(page(['Item 9.01']), 'total_amount', '9.00')).toEqual([]);
    expect(matchValue(page(['Total 9.01']), 'total_amount', '9.00')[0]).toMatchObject({
      exact: false,
      score: 0.5,
    });
  });

  it.each([
    ['65.20', ['TOTAL RM 65. 20'], '65.'], // OCR put a space after the point: the window starts there
    ['12.00', ['Grand Total 12 00'], '12'], // dropped decimal point, backed by the label
    ['47.70', ['Total Sales (Inclusive of GST) : 47.70', 'CASH : 47.70'], '47.70'],
    ['77.20', ['Total Saving 0.00 Total 77.20', 'Cash 100.00'], '77.20'],
  ])('%s on OCR-damaged receipt rows %j', (value, lines, first) => {
    const words = page(lines);
    const [best] = matchValue(words, 'total_amount', value);
    expect(words[best?.words[0] ?? -1]?.text).toBe(first);
    expect(words[best?.words[0] ?? -1]?.line).toBe(0);
  });

  it.each([
    ['47.70', ['CASH : 47.70']], // the amount paid, labeled CASH
    ['31.00', ['Plastic 2 15.50 31.00']], // a line item: other numbers on the row, no label
    ['12.00', ['Qty 1200']], // a dropped point without a total label is a guess too far
  ])('does not label %s as the total in %j', (value, lines) => {
    expect(matchValue(page(lines), 'total_amount', value)).toEqual([]);
  });

  it('picks the total next to the TOTAL keyword over a line item with the same amount', () => {
    const words = page(RECEIPT);
    const r = labelPage(words, { total_amount: '9.00' });
    const i = r.matches.total_amount?.words[0] ?? -1;
    expect(words[i]?.line).toBe(RECEIPT.indexOf('T0TAL: 9.00'));
  });

  it('tags every keyword-labeled printing of the total, but not the cash paid or a line item', () => {
    const words = page([
      'Nasi Lemak 1 9.00',
      'TOTAL 9.00',
      'TOTAL INCL GST 9.00',
      'CASH 9.00',
      'CHANGE 0.00',
    ]);
    const r = labelPage(words, { total_amount: '9.00' });
    const tagged = words.flatMap((w, i) => (r.labels[i] === 'B-total_amount' ? [w.line] : []));
    expect(tagged).toEqual([1, 2]);
  });

  it('gives total and amount due different words when both print the same value', () => {
    const words = page(['Nettobetrag 252,10', 'MwSt 19% 47,90', 'Gesamtbetrag 300,00', 'Zahlbetrag 300,00']);
    const r = labelPage(words, {
      subtotal_amount: '252.10',
      tax_amount: '47.90',
      total_amount: '300.00',
      amount_due: '300.00',
    });
    expect(r.found.sort()).toEqual(['amount_due', 'subtotal_amount', 'tax_amount', 'total_amount']);
    expect(words[r.matches.total_amount?.words[0] ?? -1]?.line).toBe(2);
    expect(words[r.matches.amount_due?.words[0] ?? -1]?.line).toBe(3);
  });

  it.each([
    ['Total Before Tax 32.838,00', '32838.00'],
    ['Rechnungssumme ohne USt. 193,77', '193.77'],
    ['SUB-TOTAL (EX) : 26.00', '26.00'],
  ])('labels the subtotal in %j although a tax word is in its label', (line, value) => {
    expect(labelPage(page([line]), { subtotal_amount: value }).found).toEqual(['subtotal_amount']);
  });
});

describe('matchValue: dates', () => {
  it.each([
    ['2017-11-03', '03.11.2017'],
    ['2017-11-03', '03/11/2017'],
    ['2017-11-03', '11/03/2017'],
    ['2017-11-03', '3 Nov 2017'],
    ['2017-11-03', '03-NOV-17'],
    ['2017-11-03', '2017-11-03'],
    ['2017-11-03', '3. November 2017'],
    ['2017-11-03', '03/11/17'],
    ['2017-03-03', '3. März 2017'],
    ['2018-01-01', '1er janvier 2018'],
    ['2019-05-12', '12 maggio 2019'],
    ['2017-11-03', '3 de noviembre de 2017'],
    ['2020-05-07', '7 mei 2020'],
    ['2018-12-25', '25/12/2018 8:13:39 PM'],
  ])('%s is printed as %j', (value, printed) => {
    const words = page([`Date: ${printed}`]);
    const [best] = matchValue(words, 'issue_date', value);
    expect(best?.exact).toBe(true);
    const text = best?.words.map((i) => words[i]?.text).join(' ');
    // The minimal window: the date words only, not the label or a time after it.
    expect(text).toBe(printed.replace(/ 8:13:39 PM$/, '').replace(/ de 2017$/, ' de 2017'));
  });

  it('takes a date with one misread digit as a weak match, and prefers an exact one', () => {
    const words = page(['Date 26/12/2018 8:13']);
    const [weak] = matchValue(words, 'issue_date', '2018-12-25');
    expect(weak).toMatchObject({ exact: false });
    expect(words[weak?.words[0] ?? -1]?.text).toBe('26/12/2018');
    const both = page(['Date 26/12/2018', 'Printed 25.12.2018']);
    expect(both[matchValue(both, 'issue_date', '2018-12-25')[0]?.words[0] ?? -1]?.text).toBe('25.12.2018');
    expect(matchValue(page(['Date 26/11/2018']), 'issue_date', '2018-12-25')).toEqual([]);
  });

  it('tells the issue date from the due date by their labels', () => {
    const words = page(['Fällig am: 07.02.1997', 'Rechnungsdatum: 07.02.1997', 'Lieferdatum 07.01.1997']);
    const r = labelPage(words, { issue_date: '1997-02-07', due_date: '1997-02-07' });
    expect(words[r.matches.issue_date?.words[0] ?? -1]?.line).toBe(1);
    expect(words[r.matches.due_date?.words[0] ?? -1]?.line).toBe(0);
  });
});

describe('labelPage / labelDocument', () => {
  it('labels a receipt: every field found, BIO tags on the right words', () => {
    const words = page(RECEIPT);
    const r = labelPage(words, {
      supplier_name: 'BOOK TA .K (TAMAN DAYA) SDN BHD',
      supplier_address: 'NO.53 55,57 & 59, JALAN SAGU 18, TAMAN DAYA, 81100 JOHOR BAHRU, JOHOR.',
      issue_date: '2018-12-25',
      total_amount: '9.00',
    });
    expect(r.missing).toEqual([]);
    expect(labeledText(words, r.labels, 'supplier_name')).toBe('BOOK TA .K(TAMAN DAYA) SDN BND');
    expect(labeledText(words, r.labels, 'issue_date')).toBe('25/12/2018');
    expect(labeledText(words, r.labels, 'total_amount')).toBe('9.00');
    expect(r.labels[words.findIndex((w) => w.text === 'BOOK')]).toBe('B-supplier_name');
    expect(r.labels[words.findIndex((w) => w.text === 'TA')]).toBe('I-supplier_name');
    expect(r.labels[0]).toBe('O');
  });

  it('reports fields it cannot find and skips fields that are not printed', () => {
    const r = labelPage(page(['Invoice 123']), { invoice_number: '999', document_type: 'invoice' });
    expect(r.found).toEqual([]);
    expect(r.missing).toEqual(['invoice_number']);
  });

  it('prefers the supplier name at the top of the first page', () => {
    const p1 = page(['Lieferant GmbH', 'Rechnung', 'Kunde AG']);
    const p2 = page(['Summe', 'Lieferant GmbH Musterstr. 1']);
    const r = labelDocument([p1, p2], { supplier_name: 'Lieferant GmbH', customer_name: 'Kunde AG' });
    expect(r.matches.supplier_name?.page).toBe(0);
    expect(r.labels[0]?.slice(0, 2)).toEqual(['B-supplier_name', 'I-supplier_name']);
    expect(r.labels[1]?.every((l) => l === 'O')).toBe(true);
  });

  it('picks the currency code or symbol', () => {
    const words = page(['Währung: EUR', 'Total 12,00 €']);
    const r = labelPage(words, { currency: 'EUR', total_amount: '12.00' });
    expect(r.found.sort()).toEqual(['currency', 'total_amount']);
    expect(labeledText(words, r.labels, 'currency')).toBe('EUR');
  });
});

describe('keywordAmounts', () => {
  it('weighs an unmistakable total label, misread by OCR or not, above a plain one', () => {
    const words = page([
      'Total 0% supplies: 10.36',
      'lotal After Adj Incl GST 88.95',
      'Amount To Be Paid : 25.45',
      'CASH 100.00',
    ]);
    const found = keywordAmounts(words, 'total_amount');
    const strong = found.filter((k) => k.keyword >= STRONG_KEYWORD).map((k) => words[k.index]?.text);
    expect(strong.sort()).toEqual(['25.45', '88.95']);
    // A plain "Total" label counts, but not as a strong one; CASH is no total label.
    expect(found.map((k) => words[k.index]?.text)).toContain('10.36');
    expect(found.map((k) => words[k.index]?.text)).not.toContain('100.00');
  });
});
