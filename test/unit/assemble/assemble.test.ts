import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/assemble/assemble.js';
import type { NerSpan } from '../../../src/assemble/types.js';
import type { DocumentWords } from '../../../src/types.js';
import { linesPage as page } from '../../fixtures/words.js';

/** Span over words whose text equals one of `texts` on line `line`. */
function span(doc: DocumentWords, field: string, line: number, texts: string[], score = 0.9): NerSpan {
  const words = doc.pages[0]?.words ?? [];
  const wordIndices = words.flatMap((w, i) => (w.line === line && texts.includes(w.text) ? [i] : []));
  return { field, score, page: 1, wordIndices };
}

/** Rows set close, as an address block prints them (the page helper's rows are three word heights apart). */
function block(lines: string[]): DocumentWords {
  const d = page(lines);
  for (const w of d.pages[0]?.words ?? []) w.bbox[3] += 0.025;
  return d;
}

describe('assemble', () => {
  const doc = page([
    'ACME GmbH Hauptstr. 1',
    'Rechnung Nr. RE-2024-17 Datum 03.04.2024',
    'Fällig 13/04/2024',
    'Widget 2 10,00 20,00',
    'Gadget 4 20,00 80,00',
    'Netto 100,00',
    'MwSt. 19 % 19,00',
    'Gesamt 119,00 EUR',
    'Zahlbar 119,00',
    'IBAN DE89370400440532013000',
  ]);

  const spans: NerSpan[] = [
    span(doc, 'supplier_name', 0, ['ACME', 'GmbH']),
    span(doc, 'invoice_number', 1, ['RE-2024-17']),
    span(doc, 'issue_date', 1, ['03.04.2024']),
    span(doc, 'due_date', 2, ['13/04/2024']),
    span(doc, 'item_description', 3, ['Widget']),
    span(doc, 'item_quantity', 3, ['2']),
    span(doc, 'item_unit_price', 3, ['10,00']),
    { ...span(doc, 'item_amount', 3, ['20,00']) },
    span(doc, 'item_description', 4, ['Gadget']),
    span(doc, 'item_quantity', 4, ['4']),
    span(doc, 'item_amount', 4, ['80,00']),
    span(doc, 'subtotal_amount', 5, ['100,00']),
    span(doc, 'tax_amount', 6, ['19,00']),
    // The model likes the wrong total better; arithmetic must overrule it.
    span(doc, 'total_amount', 4, ['80,00'], 0.95),
    span(doc, 'total_amount', 7, ['119,00'], 0.6),
    span(doc, 'amount_due', 8, ['119,00']),
    span(doc, 'iban', 9, ['DE89370400440532013000']),
  ];

  const out = assemble(doc, spans);

  it('normalises values', () => {
    expect(out.fields.invoice_number?.value).toBe('RE-2024-17');
    expect(out.fields.issue_date?.value).toBe('2024-04-03');
    expect(out.fields.due_date?.value).toBe('2024-04-13');
    expect(out.fields.subtotal_amount?.value).toBe('100.00');
    expect(out.fields.iban?.value).toBe('DE89370400440532013000');
    expect(out.fields.currency).toMatchObject({ value: 'EUR', raw: '119,00' });
    expect(out.validation.map((v) => v.rule)).not.toContain('INVEX-CURRENCY-INFERRED');
  });

  it('chooses the total that satisfies subtotal + tax = total over a higher-scored one', () => {
    expect(out.fields.total_amount?.value).toBe('119.00');
    expect(out.validation).toContainEqual(expect.objectContaining({ rule: 'BR-CO-15', status: 'pass' }));
    // A passed rule raises confidence above the model's 0.6.
    expect(out.fields.total_amount?.confidence).toBeGreaterThan(0.6);
  });

  it('groups line items by row and checks them', () => {
    expect(out.line_items).toHaveLength(2);
    expect(out.line_items[0]).toMatchObject({
      description: { value: 'Widget' },
      quantity: { value: '2.00' },
      amount: { value: '20.00' },
    });
    expect(out.line_items[1]?.description?.value).toBe('Gadget');
    expect(out.validation).toContainEqual(expect.objectContaining({ rule: 'BR-CO-10', status: 'pass' }));
    expect(out.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-LINE-AMOUNT', status: 'pass' }),
    );
  });

  it('finds the tax rate on the tax line and checks BR-CO-17', () => {
    expect(out.tax_breakdown).toEqual([{ rate: '19.00', taxable_amount: '100.00', tax_amount: '19.00' }]);
    expect(out.validation).toContainEqual(expect.objectContaining({ rule: 'BR-CO-17', status: 'pass' }));
  });

  it('gives each value the region of its words', () => {
    const r = out.fields.invoice_number?.regions;
    expect(r).toHaveLength(1);
    expect(r?.[0]?.page).toBe(1);
    expect(r?.[0]?.bbox[1]).toBeCloseTo(0.1);
    expect(out.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-IBAN-CHECKSUM', status: 'pass' }),
    );
    expect(out.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-DUE-AFTER-ISSUE', status: 'pass' }),
    );
  });

  it('derives a missing total, with no region', () => {
    const d = page(['Net 50.00', 'VAT 10.00']);
    const o = assemble(d, [span(d, 'subtotal_amount', 0, ['50.00']), span(d, 'tax_amount', 1, ['10.00'])]);
    expect(o.fields.total_amount).toMatchObject({ value: '60.00', derived: true, regions: [] });
  });

  it('lowers confidence of a failed identifier and an ambiguous date', () => {
    const d = page(['IBAN DE89370400440532013001', 'Date 04/05/2021']);
    const o = assemble(d, [
      span(d, 'iban', 0, ['DE89370400440532013001']),
      span(d, 'issue_date', 1, ['04/05/2021']),
    ]);
    expect(o.fields.iban?.confidence).toBeLessThan(0.9 * 0.7);
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-IBAN-CHECKSUM', status: 'fail' }),
    );
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-AMBIGUOUS-READING', status: 'warn' }),
    );
    expect(o.fields.issue_date?.confidence).toBeLessThan(0.9);
  });

  it('falls back on the supplier country for the currency, and says so', () => {
    const d = page(['USt-IdNr. DE136695976', 'Summe 10,00']);
    const o = assemble(d, [
      span(d, 'supplier_vat_id', 0, ['DE136695976']),
      span(d, 'total_amount', 1, ['10,00']),
    ]);
    expect(o.fields.currency).toMatchObject({ value: 'EUR', derived: true, regions: [] });
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-CURRENCY-INFERRED', status: 'warn' }),
    );
  });

  it('scales confidence by OCR word confidence', () => {
    const d = page(['Total 9.00'], 'ocr');
    const o = assemble(d, [span(d, 'total_amount', 0, ['9.00'])]);
    expect(o.fields.total_amount?.confidence).toBeCloseTo(0.9 * Math.sqrt(0.81), 2);
  });

  it("leaves the contact person out of the buyer's address", () => {
    const d = page(['Haleigh Grady', '520 Brakus Street', 'Kerluke-upon-Auer TR1 3ZX']);
    const all = (field: string): NerSpan => ({
      field,
      score: 0.9,
      page: 1,
      wordIndices: (d.pages[0]?.words ?? []).map((_, i) => i),
    });
    const o = assemble(d, [all('customer_address')]);
    expect(o.fields.customer_address?.value).toBe('520 Brakus Street, Kerluke-upon-Auer TR1 3ZX');
    expect(o.fields.customer_address?.regions).toHaveLength(2);
    // Only for the buyer, and only above a street line.
    expect(assemble(d, [all('supplier_address')]).fields.supplier_address?.value).toMatch(/^Haleigh Grady, /);
    const noStreet = page(['Haleigh Grady', 'Kerluke-upon-Auer']);
    const words = noStreet.pages[0]?.words ?? [];
    const kept = assemble(noStreet, [
      { field: 'customer_address', score: 0.9, page: 1, wordIndices: words.map((_, i) => i) },
    ]);
    expect(kept.fields.customer_address?.value).toBe('Haleigh Grady, Kerluke-upon-Auer');
  });

  it('joins a multi-line address with ", "', () => {
    const d = page(['NO.53 JALAN SAGU 18,', 'TAMAN DAYA', '81100 JOHOR BAHRU']);
    const words = d.pages[0]?.words ?? [];
    const o = assemble(d, [
      { field: 'supplier_address', score: 0.9, page: 1, wordIndices: words.map((_, i) => i) },
    ]);
    expect(o.fields.supplier_address?.value).toBe('NO.53 JALAN SAGU 18, TAMAN DAYA, 81100 JOHOR BAHRU');
    expect(o.fields.supplier_address?.regions).toHaveLength(3);
  });

  it('reads subtotal and tax from the printed amounts that add up to the total, and derives the amount due', () => {
    const d = page([
      'Wohngebäude 1.000,00 €',
      'Gesamtbeitrag 1.000,00 €',
      'Versicherungsteuer 163,40 €',
      'Rechnungsbetrag 1.163,40 €',
      'Stand 31.12.2024',
    ]);
    const o = assemble(d, [span(d, 'total_amount', 3, ['1.163,40'])]);
    expect(o.fields.subtotal_amount).toMatchObject({ value: '1000.00', raw: '1.000,00' });
    // The nearer of the two printed 1.000,00 (the line just above the tax) is the one read.
    expect(o.fields.subtotal_amount?.regions[0]?.bbox[1]).toBeCloseTo(0.1);
    expect(o.fields.tax_amount).toMatchObject({ value: '163.40', raw: '163,40' });
    expect(o.fields.amount_due).toMatchObject({ value: '1163.40', derived: true, regions: [] });
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-TOTALS-COMPLETED', status: 'warn' }),
    );
    expect(o.validation).toContainEqual(expect.objectContaining({ rule: 'BR-CO-15', status: 'pass' }));
  });

  it('reads the included tax of a gross-price invoice off its tax line when a printed rate gives it, and derives the subtotal', () => {
    const d = page([
      'Haftpflicht 80,00 €',
      'Vollkasko 140,00 €',
      'Beitrag inklusive 19 % Versicherungsteuer 220,00 €',
      'enthaltene Versicherungsteuer (35,13 €)',
      'Stand 04.03.2014',
    ]);
    const o = assemble(d, [span(d, 'total_amount', 2, ['220,00'])]);
    // 80,00 + 140,00 also make 220,00, but neither is on a tax line; 220,00 × 19/119 = 35,13 is.
    expect(o.fields.tax_amount).toMatchObject({ value: '35.13', raw: '(35,13' });
    expect(o.fields.tax_amount?.regions[0]?.bbox[1]).toBeCloseTo(0.2);
    expect(o.fields.subtotal_amount).toMatchObject({ value: '184.87', derived: true, regions: [] });
    expect(o.validation).toContainEqual(
      expect.objectContaining({
        rule: 'INVEX-TOTALS-COMPLETED',
        message: expect.stringContaining('a printed rate gives'),
      }),
    );
  });

  it('without a printed rate that confirms it, a tax line alone does not make the tax', () => {
    const d = page(['Haftpflicht 80,00', 'Vollkasko 140,00', 'Gesamt 220,00', 'enthaltene Steuer (35,13)']);
    const o = assemble(d, [span(d, 'total_amount', 2, ['220,00'])]);
    expect(o.fields.subtotal_amount?.value).toBe('140.00');
    expect(o.fields.tax_amount?.value).toBe('80.00');
  });

  it('prefers the pair whose tax is on a tax line to a nearer pair that also adds up', () => {
    const d = page(['Netto 100,00', 'MwSt. 19,00', 'Artikel A 60,00', 'Artikel B 59,00', 'Gesamt 119,00']);
    const o = assemble(d, [span(d, 'total_amount', 4, ['119,00'])]);
    expect(o.fields.subtotal_amount?.value).toBe('100.00');
    expect(o.fields.tax_amount?.value).toBe('19.00');
  });

  it('takes the thousands group printed a space before a tagged amount ("5 189,96"), not a number across a column gap', () => {
    const d = page(['Net HT 5 189,96 €']);
    const words = d.pages[0]?.words ?? [];
    // "5" a thin space (0.005) before "189,96".
    const [five, amount] = [words[2], words[3]];
    if (five && amount)
      five.bbox = [amount.bbox[0] - 0.025, five.bbox[1], amount.bbox[0] - 0.005, five.bbox[3]];
    const o = assemble(d, [span(d, 'subtotal_amount', 0, ['189,96'])]);
    expect(o.fields.subtotal_amount).toMatchObject({ value: '5189.96', raw: '5 189,96' });
    // The page helper's words stand 0.02 apart (a full word height): a quantity column, not a group.
    const cols = page(['Widget 5 189,96']);
    expect(assemble(cols, [span(cols, 'subtotal_amount', 0, ['189,96'])]).fields.subtotal_amount?.value).toBe(
      '189.96',
    );
  });

  it('completes nothing when no two printed amounts add up to the total', () => {
    // Amounts printed below the total that add up to it are not its net and tax.
    const d = page(['Netto 100,00', 'Porto 5,00', 'Gesamt 119,00', 'Gutschrift 100,00', 'MwSt. 19,00']);
    const o = assemble(d, [span(d, 'total_amount', 2, ['119,00'])]);
    expect(o.fields.subtotal_amount).toBeUndefined();
    expect(o.fields.tax_amount).toBeUndefined();
  });

  it('completes an IBAN that the span cut short, including a group wrapped onto the next line, only when the check digits then hold', () => {
    // GB82 WEST 1234 5698 7654 32 is valid; the span covers only the first four groups.
    const d = page(['IBAN GB82 WEST 1234 5698 7654', '32 BIC NWBKGB2L']);
    const words = d.pages[0]?.words ?? [];
    // Wrapped group "32" sits under the IBAN's first group.
    const w32 = words.find((w) => w.text === '32');
    if (w32) w32.bbox = [0.17, 0.075, 0.2, 0.095];
    const o = assemble(d, [span(d, 'iban', 0, ['GB82', 'WEST', '1234', '5698'])]);
    expect(o.fields.iban?.value).toBe('GB82WEST12345698765432');
    expect(o.fields.iban?.regions).toHaveLength(2);
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-IBAN-CHECKSUM', status: 'pass' }),
    );
  });

  it('finds the wrapped rest of an IBAN past the next column on its line', () => {
    // "GB82 WEST 1234 5698 7654 | SWIFT: NWBKGB2L" with "32" wrapped under the IBAN.
    const d = page(['IBAN GB82 WEST 1234 5698 7654 SWIFT: NWBKGB2L', '32']);
    const words = d.pages[0]?.words ?? [];
    // Groups 0.01 apart (half a word height), the SWIFT column 0.1 further right.
    words.slice(1, 6).forEach((w, k) => {
      w.bbox = [0.2 + k * 0.06, w.bbox[1], 0.25 + k * 0.06, w.bbox[3]];
    });
    for (const w of words.slice(6, 8)) w.bbox = [w.bbox[0] + 0.1, w.bbox[1], w.bbox[2] + 0.1, w.bbox[3]];
    const w32 = words.find((w) => w.text === '32');
    if (w32) w32.bbox = [0.2, 0.075, 0.23, 0.095];
    const o = assemble(d, [span(d, 'iban', 0, ['GB82', 'WEST', '1234', '5698', '7654'])]);
    expect(o.fields.iban?.value).toBe('GB82WEST12345698765432');
  });

  it('leaves a short IBAN span alone when no neighbouring groups make it valid', () => {
    const d = page(['IBAN GB82 WEST 1234 5698 7654 99 BIC']);
    const o = assemble(d, [span(d, 'iban', 0, ['GB82', 'WEST', '1234'])]);
    expect(o.fields.iban?.value).toBe('GB82WEST1234');
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-IBAN-CHECKSUM', status: 'fail' }),
    );
  });

  it('completes a creditor reference (ISO 11649) cut short, by its check digits', () => {
    const d = page(['Referenz RF18 5390 0754 7034']);
    const o = assemble(d, [span(d, 'payment_reference', 0, ['RF18', '5390', '0754'])]);
    expect(o.fields.payment_reference?.value).toBe('RF18 5390 0754 7034');
  });

  it('falls back on the amount beside a total label when the model tagged no total, and says so', () => {
    const d = page(['Nasi Lemak 9.00', 'TOTAL 9.00', 'CASH 10.00', 'CHANGE 1.00']);
    const o = assemble(d, []);
    expect(o.fields.total_amount).toMatchObject({ value: '9.00' });
    expect(o.fields.total_amount?.regions[0]?.bbox[1]).toBeCloseTo(0.1);
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-TOTAL-BY-KEYWORD', status: 'warn' }),
    );
  });

  it('falls back on a total label beside an amount with its currency printed against it', () => {
    const d = page(['Nasi Lemak RM9.00', 'TOTAL RM9.00', 'CASH RM10.00']);
    expect(assemble(d, []).fields.total_amount).toMatchObject({ value: '9.00' });
  });

  it('reads party names beside their name caption under the section titles when the model tagged none', () => {
    const d = page([
      'Verkäufer',
      'Name: ELEKTRON Industrieservice GmbH',
      'Käufer/Leistungsempfänger',
      'Nummer: 16259',
      'Name: ConsultingService GmbH',
      'Anschrift: Musterstr. 18',
    ]);
    const o = assemble(d, []);
    expect(o.fields.supplier_name).toMatchObject({ value: 'ELEKTRON Industrieservice GmbH' });
    expect(o.fields.customer_name).toMatchObject({ value: 'ConsultingService GmbH' });
    expect(o.fields.customer_name?.regions[0]?.bbox[1]).toBeCloseTo(0.25);
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-NAME-BY-CAPTION', status: 'warn', fields: ['customer_name'] }),
    );
    // A name the model tagged is kept, unless it names no company and the caption's value does (below).
    const person = page(['Käufer', 'Nummer: 16259', 'Name: Max Mustermann']);
    const tagged = assemble(person, [span(person, 'customer_name', 1, ['16259'])]);
    expect(tagged.fields.customer_name).toMatchObject({ value: '16259' });
    expect(tagged.validation).not.toContainEqual(expect.objectContaining({ fields: ['customer_name'] }));
    const replaced = assemble(d, [span(d, 'customer_name', 3, ['16259'])]);
    expect(replaced.fields.customer_name).toMatchObject({ value: 'ConsultingService GmbH' });
  });

  it('reads a company name on a row of its own under the section title when there is no name caption', () => {
    const d = page([
      'Verkäufer:',
      'ELEKTRON Industrieservice GmbH',
      'Erfurter Strasse 13',
      'Käufer/Leistungsempfänger:',
      'Nummer: 16259',
      'ConsultingService GmbH',
      'Musterstr. 18',
    ]);
    const o = assemble(d, []);
    expect(o.fields.supplier_name).toMatchObject({ value: 'ELEKTRON Industrieservice GmbH' });
    expect(o.fields.customer_name).toMatchObject({ value: 'ConsultingService GmbH' });
    expect(o.fields.customer_name?.regions[0]?.bbox[1]).toBeCloseTo(0.3);
    // No legal form: no telling the name from the rest of the block, so nothing is read.
    const person = page(['Käufer:', 'Nummer: 16259', 'Max Mustermann', 'Musterstr. 18']);
    expect(assemble(person, []).fields.customer_name).toBeUndefined();
    // Never from the next party's section.
    const next = page(['Verkäufer:', 'Musterstr. 5', 'Käufer:', 'ConsultingService GmbH']);
    expect(assemble(next, []).fields.supplier_name).toBeUndefined();
  });

  it('reads a due date beside its caption or under it in a payment terms table when the model tagged none', () => {
    const table = page(['Zahlungsbedingungen', 'Beschreibung Fälligkeit Teilzahlung', 'Sofort 03.10.2018']);
    const o = assemble(table, []);
    expect(o.fields.due_date).toMatchObject({ value: '2018-10-03' });
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-DUE-DATE-BY-CAPTION', status: 'warn' }),
    );
    const inline = page(['Fälligkeitstag: 01.04.2014']);
    expect(assemble(inline, []).fields.due_date).toMatchObject({ value: '2014-04-01' });
    expect(assemble(page(['Rechnungsdatum: 01.04.2014']), []).fields.due_date).toBeUndefined();
  });

  it('reads the invoice number beside its caption when the model tagged none, and no other number', () => {
    const d = page(['Information', 'Belegnummer 90005178', 'Kunden Nummer 1175']);
    const o = assemble(d, []);
    expect(o.fields.invoice_number).toMatchObject({ value: '90005178' });
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-INVOICE-NUMBER-BY-CAPTION', status: 'warn' }),
    );
    expect(assemble(page(['Invoice No. INV-2041']), []).fields.invoice_number?.value).toBe('INV-2041');
    expect(assemble(page(['Factuur-nr 3740']), []).fields.invoice_number?.value).toBe('3740');
    expect(assemble(page(['N. doc. 5818']), []).fields.invoice_number?.value).toBe('5818');
    // A three-word caption heading a header table, its value on the row below.
    const table = page(['N° de facture Émise le', '9198 2017-06-30']);
    for (const w of table.pages[0]?.words ?? []) w.bbox[3] += 0.025;
    expect(assemble(table, []).fields.invoice_number?.value).toBe('9198');
    // A contract number, a date or an amount beside a caption is no invoice number.
    expect(assemble(page(['Vertrag Nr: 00.123.456.7']), []).fields.invoice_number).toBeUndefined();
    expect(assemble(page(['Rechnungsnummer 07.01.1997']), []).fields.invoice_number).toBeUndefined();
  });

  it('prefers an issue date beside its caption to a model date that stands beside none', () => {
    const d = page(['Seite 1 von 1 20.03.2018 17:09:28', 'Belegdatum 07.01.1997']);
    const o = assemble(d, [span(d, 'issue_date', 0, ['20.03.2018'])]);
    expect(o.fields.issue_date).toMatchObject({ value: '1997-01-07' });
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-ISSUE-DATE-BY-CAPTION', status: 'warn' }),
    );
    // The model's date beside its own caption stays.
    const kept = page(['Rechnungsdatum: 03.04.2024', 'Belegdatum 07.01.1997']);
    const k = assemble(kept, [span(kept, 'issue_date', 0, ['03.04.2024'])]);
    expect(k.fields.issue_date).toMatchObject({ value: '2024-04-03' });
  });

  it('prefers a due date beside its caption to a model due date that stands beside none', () => {
    const d = page([
      'Fälligkeitstag: 01.04.2014',
      'Wir buchen zu den Fälligkeiten 01.07.2014 ab',
      'Fällig 2. Rate 01.10.2014',
    ]);
    const prose = assemble(d, [span(d, 'due_date', 1, ['01.07.2014'])]);
    expect(prose.fields.due_date).toMatchObject({ value: '2014-04-01' });
    expect(prose.validation).toContainEqual(
      expect.objectContaining({
        rule: 'INVEX-DUE-DATE-BY-CAPTION',
        message: expect.stringContaining('stands beside no caption'),
      }),
    );
    // A caption's value is not a caption itself: the date after it is not captioned by it.
    const row = page(['Fälligkeit 01.04.2014 01.07.2014']);
    expect(assemble(row, [span(row, 'due_date', 0, ['01.07.2014'])]).fields.due_date).toMatchObject({
      value: '2014-04-01',
    });
    // A model due date beside a due caption of its own stays, though another caption comes first.
    const second = assemble(d, [span(d, 'due_date', 2, ['01.10.2014'])]);
    expect(second.fields.due_date).toMatchObject({ value: '2014-10-01' });
  });

  it('reads the supplier off the letterhead when the model tagged none, past the document title', () => {
    const d = page([
      'TAX INVOICE',
      "DOMINO'S PIZZA",
      'GST REF NO : 001694261248',
      'No.12, Jalan Permas Jaya 10',
    ]);
    const o = assemble(d, []);
    expect(o.fields.supplier_name).toMatchObject({ value: "DOMINO'S PIZZA" });
    expect(o.validation).toContainEqual(
      expect.objectContaining({
        rule: 'INVEX-SUPPLIER-LETTERHEAD',
        status: 'warn',
        fields: ['supplier_name'],
      }),
    );
    // Not a line of numbers or a caption line: then the page has no letterhead to read.
    expect(assemble(page(['Invoice', 'No: 4711']), []).fields.supplier_name).toBeUndefined();
    expect(assemble(page(['12.03.2018 18:19 #01']), []).fields.supplier_name).toBeUndefined();
    // A misread line (a logo) is passed over.
    const ocr = page(['Rotlio', "DOMINO'S PIZZA"], 'ocr');
    const logo = ocr.pages[0]?.words[0];
    if (logo) logo.confidence = 0.1;
    expect(assemble(ocr, []).fields.supplier_name).toMatchObject({ value: "DOMINO'S PIZZA" });
    // The registration number printed after the legal form is not the name's.
    const reg = page(['TF Value-Mart Sdn Bhd (482123-U)', 'Bentong']);
    expect(assemble(reg, []).fields.supplier_name).toMatchObject({ value: 'TF Value-Mart Sdn Bhd' });
  });

  it("reads a letter's addressee under a lone salutation as the buyer when the model tagged none", () => {
    // An address field's rows, set close (the page helper's rows are three word heights apart).
    const letter = (lines: string[]) => {
      const d = page(lines);
      for (const w of d.pages[0]?.words ?? []) w.bbox[3] += 0.025;
      return d;
    };
    const d = letter(['Herrn', 'Max Mustermann', 'Musterstr. 11', '12346 Bad Musterhausen']);
    const o = assemble(d, []);
    expect(o.fields.customer_name).toMatchObject({ value: 'Herrn Max Mustermann' });
    expect(o.fields.supplier_name).toBeUndefined();
    // The row under the salutation must be a name: no number, no caption.
    expect(assemble(letter(['Herrn', 'Kundennummer 4711']), []).fields.customer_name).toBeUndefined();
    expect(assemble(letter(['Herrn Max Mustermann']), []).fields.customer_name).toBeUndefined();
    // Rows far apart are no address block.
    expect(assemble(page(['Herrn', 'Max Mustermann']), []).fields.customer_name).toBeUndefined();
  });

  it("prefers the company name in the party's section over a model name that names no company", () => {
    const d = page(['Verkäufer:', 'Verkehrsbetriebe GmbH', 'Torti Mayer', 'Musterstraße 3']);
    const o = assemble(d, [span(d, 'supplier_name', 2, ['Torti', 'Mayer'])]);
    expect(o.fields.supplier_name).toMatchObject({ value: 'Verkehrsbetriebe GmbH' });
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-NAME-BY-CAPTION', status: 'warn', fields: ['supplier_name'] }),
    );
    // A model name with a legal form stays, and so does one without when the section names no company.
    const company = assemble(d, [span(d, 'supplier_name', 1, ['Verkehrsbetriebe', 'GmbH'])]);
    expect(company.fields.supplier_name).toMatchObject({ value: 'Verkehrsbetriebe GmbH' });
    expect(company.validation).not.toContainEqual(expect.objectContaining({ rule: 'INVEX-NAME-BY-CAPTION' }));
    const person = page(['Verkäufer:', 'Torti Mayer', 'Musterstraße 3']);
    const kept = assemble(person, [span(person, 'supplier_name', 1, ['Torti', 'Mayer'])]);
    expect(kept.fields.supplier_name).toMatchObject({ value: 'Torti Mayer' });
  });

  it('reads an OCR\'d "SDN BHD" back from its usual misreadings, on scans only', () => {
    const fixed = (line: string, source: 'text' | 'ocr') => {
      const d = page([line], source);
      const words = d.pages[0]?.words ?? [];
      return assemble(d, [
        { field: 'supplier_name', score: 0.9, page: 1, wordIndices: words.map((_, i) => i) },
      ]).fields.supplier_name?.value;
    };
    expect(fixed('GARDENIA BAKERIES (KL) SON BHD', 'ocr')).toBe('GARDENIA BAKERIES (KL) SDN BHD');
    expect(fixed('DIGI TELECOMMUNICATIONS SDN EHD', 'ocr')).toBe('DIGI TELECOMMUNICATIONS SDN BHD');
    expect(fixed('DIGI TELECOMMUNICATIONS SDN. 8HD.', 'ocr')).toBe('DIGI TELECOMMUNICATIONS SDN. BHD.');
    expect(fixed('GARDENIA BAKERIES (KL) SDN BID', 'ocr')).toBe('GARDENIA BAKERIES (KL) SDN BHD');
    expect(fixed('GARDENIA BAKERIES (KL) SD BITD', 'ocr')).toBe('GARDENIA BAKERIES (KL) SDN BHD');
    expect(fixed('GARDENIA BAKERIES (KL) SDN BILD', 'ocr')).toBe('GARDENIA BAKERIES (KL) SDN BHD');
    expect(fixed('SKCA HARDWARE & TIMBER SON. BD.', 'ocr')).toBe('SKCA HARDWARE & TIMBER SDN. BHD.');
    // Printed in mixed case, it stays so.
    expect(fixed('Dion Realties San Bhd', 'ocr')).toBe('Dion Realties Sdn Bhd');
    // A word alone is never changed, nor a text layer's print.
    expect(fixed('JOHN SMITH & SON', 'ocr')).toBe('JOHN SMITH & SON');
    expect(fixed('Santa Ana Bread', 'ocr')).toBe('Santa Ana Bread');
    expect(fixed('GARDENIA BAKERIES SON BHD', 'text')).toBe('GARDENIA BAKERIES SON BHD');
  });

  it('leaves out a party name that is a legal form alone', () => {
    const d = page(['Gross Weight 308,500 KG', 'AEON CO. (M) BHD']);
    const o = assemble(d, [
      span(d, 'customer_name', 0, ['KG']),
      span(d, 'supplier_name', 1, ['AEON', 'CO.', '(M)', 'BHD']),
    ]);
    expect(o.fields.customer_name).toBeUndefined();
    expect(o.fields.supplier_name).toMatchObject({ value: 'AEON CO. (M) BHD' });
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-NAME-LEGAL-FORM-ONLY', fields: ['customer_name'] }),
    );
    const bare = page(['SDN BHD', 'Lot 12 Jalan Besar']);
    expect(
      assemble(bare, [span(bare, 'supplier_name', 0, ['SDN', 'BHD'])]).fields.supplier_name,
    ).toBeUndefined();
  });

  it("reads a private buyer's name off the row above the street in the buyer's section", () => {
    const d = block([
      'Käufer/Leistungsempfänger:',
      'Nummer : 4711',
      'Liselotte Müllermann',
      'Beispielstraße 24',
    ]);
    expect(assemble(d, []).fields.customer_name).toMatchObject({ value: 'Liselotte Müllermann' });
    // Not the seller's (a seller is a company), and not a row with no street line under it.
    const seller = block(['Verkäufer:', 'Liselotte Müllermann', 'Beispielstraße 24']);
    expect(assemble(seller, []).fields.supplier_name?.value).not.toBe('Liselotte Müllermann');
    const noStreet = block(['Käufer:', 'Liselotte Müllermann', 'Berlin']);
    expect(assemble(noStreet, []).fields.customer_name).toBeUndefined();
  });

  it('reads a document type cut short on along its title line, up to a number', () => {
    const d = page(['Note de credit (381) n° CR174322', 'Total 10,00']);
    const o = assemble(d, [span(d, 'document_type', 0, ['Note', 'de'])]);
    expect(o.fields.document_type).toMatchObject({ value: 'credit_note', raw: 'Note de credit' });
    const inv = page(['Facture n° 2024-17 credit']);
    expect(assemble(inv, [span(inv, 'document_type', 0, ['Facture'])]).fields.document_type?.value).toBe(
      'invoice',
    );
  });

  it('trades the net and its tax when the tax tagged exceeds the net it adds up to the total with', () => {
    const d = page(['Netto 100,00', 'MwSt. 19 % 19,00', 'Gesamt 119,00']);
    const o = assemble(d, [
      span(d, 'subtotal_amount', 1, ['19,00']),
      span(d, 'tax_amount', 0, ['100,00']),
      span(d, 'total_amount', 2, ['119,00']),
    ]);
    expect(o.fields.subtotal_amount?.value).toBe('100.00');
    expect(o.fields.tax_amount?.value).toBe('19.00');
    expect(o.validation).toContainEqual(expect.objectContaining({ rule: 'INVEX-NET-TAX-SWAPPED' }));
    // When the pair does not add up to the total, nothing says which is which: nothing is traded (BR-CO-15 fails).
    const odd = page(['Netto 100,00', 'MwSt. 19,00', 'Gesamt 150,00']);
    const t = assemble(odd, [
      span(odd, 'subtotal_amount', 1, ['19,00']),
      span(odd, 'tax_amount', 0, ['100,00']),
      span(odd, 'total_amount', 2, ['150,00']),
    ]);
    expect([t.fields.subtotal_amount?.value, t.fields.tax_amount?.value]).toEqual(['19.00', '100.00']);
    expect(t.validation.map((v) => v.rule)).not.toContain('INVEX-NET-TAX-SWAPPED');
  });

  it("reads the buyer's name off the row above its address block when the model tagged none", () => {
    const address = (d: DocumentWords) => [
      span(d, 'customer_address', 1, ['Muhrgasse', '56']),
      span(d, 'customer_address', 2, ['1010', 'Wien']),
    ];
    const d = block(['Lionel Kampf', 'Muhrgasse 56', '1010 Wien']);
    const o = assemble(d, address(d));
    expect(o.fields.customer_name).toMatchObject({ value: 'Lionel Kampf' });
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-CUSTOMER-NAME-ABOVE-ADDRESS', fields: ['customer_name'] }),
    );
    // Not a row that reads as no name, and nothing without a buyer's address.
    const caption = block(['Lieferung an:', 'Muhrgasse 56', '1010 Wien']);
    expect(assemble(caption, address(caption)).fields.customer_name).toBeUndefined();
    expect(assemble(d, []).fields.customer_name).toBeUndefined();
  });

  it("takes the seller's legal name printed below its brand or above its address, never the buyer's", () => {
    const rule = expect.objectContaining({ rule: 'INVEX-SUPPLIER-LEGAL-NAME', fields: ['supplier_name'] });
    // A brand the model tagged, the company with its registration number on the next line.
    const shop = block([
      'SUSHI MENTAI - PANDAN INDAH',
      'KMF FOODICIOUS SDN BHD (1132106-H)',
      'NO. 9-G, JALAN PERUBATAN 2',
    ]);
    const brand = assemble(shop, [span(shop, 'supplier_name', 0, ['PANDAN', 'INDAH'])]);
    expect(brand.fields.supplier_name).toMatchObject({ value: 'KMF FOODICIOUS SDN BHD' });
    expect(brand.validation).toContainEqual(rule);
    // No name tagged, and a logo read as noise above it (no letterhead): the line above the seller's address.
    const aeon = block([
      'Ser“ N TT 27% YS 20406',
      'AEON CO. (M) BHD (126926-H)',
      '3RD FLR, AEON TAMAN MALURI SC',
    ]);
    const alone = assemble(aeon, [
      span(aeon, 'supplier_address', 2, ['3RD', 'FLR,', 'AEON', 'TAMAN', 'MALURI', 'SC']),
    ]);
    expect(alone.fields.supplier_name).toMatchObject({ value: 'AEON CO. (M) BHD' });
    expect(alone.validation).toContainEqual(rule);
    // The buyer's company below the seller's name stays the buyer's.
    const invoice = block(['Moors - van den Velde V.O.F.', 'Jansen - Wagenaar N.V.', 'Meerdijk 319']);
    const o = assemble(invoice, [
      span(invoice, 'supplier_name', 0, ['Moors', '-', 'van', 'den', 'Velde', 'V.O.F.']),
      span(invoice, 'customer_name', 1, ['Jansen', '-', 'Wagenaar', 'N.V.']),
    ]);
    expect(o.fields.supplier_name).toMatchObject({ value: 'Moors - van den Velde V.O.F.' });
    expect(o.validation).not.toContainEqual(rule);
  });

  it("takes a legal form alone as no company name, and counts '& Co.' as a legal form", () => {
    const d = page(['Käufer:', 'Beispielmieter GmbH', 'Verwaltung Straße 40']);
    // The model tagged "GmbH" of the row: a legal form that names nobody gives way to the section's company row.
    const o = assemble(d, [span(d, 'customer_name', 1, ['GmbH'])]);
    expect(o.fields.customer_name).toMatchObject({ value: 'Beispielmieter GmbH' });
    // A partnership's name ends in "& Co.": the section's row is a company name and replaces the model's stem.
    const kg = page(['Verkäufer:', 'Grundbesitz GmbH & Co.', 'Max Mustermann']);
    const k = assemble(kg, [span(kg, 'supplier_name', 1, ['Grundbesitz'])]);
    expect(k.fields.supplier_name).toMatchObject({ value: 'Grundbesitz GmbH & Co.' });
  });

  it('takes the first date printed as the issue date when the model tagged none, skipping other kinds of date', () => {
    const receipt = page([
      'Version 2.1 vom 24.03.2020',
      'Fällig: 01.04.2018',
      '12 Mar 2018 18:19',
      'Date: 21/05/2018Time: 11:12',
    ]);
    const o = assemble(receipt, []);
    expect(o.fields.issue_date).toMatchObject({ value: '2018-03-12' });
    expect(o.fields.issue_date?.regions[0]?.bbox[1]).toBeCloseTo(0.15);
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-ISSUE-DATE-FIRST', status: 'warn', fields: ['issue_date'] }),
    );
    // A date glued to the next word still reads; a tagged date is kept.
    expect(assemble(page(['Date: 21/05/2018Time: 11:12']), []).fields.issue_date).toMatchObject({
      value: '2018-05-21',
    });
    const tagged = assemble(receipt, [span(receipt, 'issue_date', 3, ['21/05/2018Time:'])]);
    expect(tagged.fields.issue_date).toMatchObject({ value: '2018-05-21' });
    expect(assemble(page(['TOTAL 9.00']), []).fields.issue_date).toBeUndefined();
  });

  it('reads no date and no lone number as an address', () => {
    const d = page(['UNIHAKKA INTERNATIONAL SDN BHD', '10 Apr2018 18:33', '12, Jalan Tampoi 7/4', '6']);
    const spans = [
      { ...span(d, 'supplier_address', 1, ['10', 'Apr2018']), score: 0.9 },
      { ...span(d, 'supplier_address', 2, ['12,', 'Jalan', 'Tampoi', '7/4']), score: 0.6 },
    ];
    expect(assemble(d, spans).fields.supplier_address).toMatchObject({ value: '12, Jalan Tampoi 7/4' });
    expect(assemble(d, [span(d, 'supplier_address', 3, ['6'])]).fields.supplier_address).toBeUndefined();
  });

  it('takes the amount beside an unmistakable total label over a tagged total without one', () => {
    const d = page([
      'Total 0% supplies: 10.36',
      'Total 6% supplies (Inc. GST): 11.44',
      'Total Payable: 26.80',
    ]);
    const o = assemble(d, [span(d, 'total_amount', 0, ['10.36'])]);
    expect(o.fields.total_amount).toMatchObject({ value: '26.80' });
    expect(o.fields.total_amount?.regions[0]?.bbox[1]).toBeCloseTo(0.15);
    expect(o.validation).toContainEqual(
      expect.objectContaining({
        rule: 'INVEX-TOTAL-BY-STRONG-LABEL',
        status: 'warn',
        fields: ['total_amount'],
      }),
    );
    // Kept when an amount due printed apart agrees, when subtotal and tax add up to it, or when the strongly
    // labeled amount is the tagged tax.
    const due = page(['Total: 9705.11', 'All prices incl. tax 8.25%: 739.65', 'Amount Payable: 9705.11']);
    const dueSpans = [
      span(due, 'total_amount', 0, ['9705.11']),
      span(due, 'tax_amount', 1, ['739.65']),
      span(due, 'amount_due', 2, ['9705.11']),
    ];
    expect(assemble(due, dueSpans).fields.total_amount).toMatchObject({ value: '9705.11' });
    expect(assemble(due, dueSpans.slice(0, 2)).fields.total_amount).toMatchObject({ value: '9705.11' });
    const sum = page(['Subtotal 10.00', 'Tax 1.90', 'Total 11.90', 'Grand Total 20.00']);
    const sumSpans = [
      span(sum, 'subtotal_amount', 0, ['10.00']),
      span(sum, 'tax_amount', 1, ['1.90']),
      span(sum, 'total_amount', 2, ['11.90']),
    ];
    expect(assemble(sum, sumSpans).fields.total_amount).toMatchObject({ value: '11.90' });
  });

  it('takes an unlabeled amount as the total when a net amount and a tax line above it add up to it', () => {
    const d = page(['TOTAL EXCL. GST 28.11', 'ADD : GST @ 6% 1.69', '29.80', 'CASH 50.00', 'CHANGE 20.20']);
    const o = assemble(d, []);
    expect(o.fields.total_amount).toMatchObject({ value: '29.80' });
    expect(o.fields.tax_amount).toMatchObject({ value: '1.69' });
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-TOTAL-BY-SUM', status: 'warn' }),
    );
    // Two amounts that add up without a tax line are no evidence ("2 x 10.00 = 20.00" rows, quantities).
    const rows = page(['Widget 10.00', 'Gadget 19.80', '29.80']);
    expect(assemble(rows, []).fields.total_amount).toBeUndefined();
  });

  it('takes the one amount paid as the total when nothing else gives one and no change is given', () => {
    const card = page(['Mother s Slices 1 RM13.50', 'Cheese Slice 1 RM12.60', 'EDC RM 26.10', 'Thank you']);
    const o = assemble(card, []);
    expect(o.fields.total_amount).toMatchObject({ value: '26.10' });
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-TOTAL-BY-PAYMENT', status: 'warn', fields: ['total_amount'] }),
    );
    expect(assemble(page(['Tea 3.00', 'Cash RM3.00', 'Change 0.00']), []).fields.total_amount).toMatchObject({
      value: '3.00',
    });
    // Cash handed over with change back is more than the total.
    expect(
      assemble(page(['Tea 3.00', 'CASH 50.00', 'CHANGE 47.00']), []).fields.total_amount,
    ).toBeUndefined();
    // Two different payments, a card number's digits, a cashier's name: no total.
    expect(assemble(page(['VISA 10.00', 'CASH 5.00']), []).fields.total_amount).toBeUndefined();
    expect(assemble(page(['Card No 46 Xxxxxxxx 1819']), []).fields.total_amount).toBeUndefined();
    expect(assemble(page(['CASHIER 12.50']), []).fields.total_amount).toBeUndefined();
    // Only a fallback: a tagged total stands.
    const tagged = page(['Total 24.40', 'CASH 30.40']);
    expect(assemble(tagged, [span(tagged, 'total_amount', 0, ['24.40'])]).fields.total_amount).toMatchObject({
      value: '24.40',
    });
  });

  it('takes the supplier name printed first of those the model is about as sure of', () => {
    const d = page(['GARDENIA BAKERIES SDN BHD', 'TAX INVOICE', 'MAKASSAR FRESH MARKET SDN BHD']);
    const seller = (score: number) =>
      span(d, 'supplier_name', 0, ['GARDENIA', 'BAKERIES', 'SDN', 'BHD'], score);
    const buyer = span(d, 'supplier_name', 2, ['MAKASSAR', 'FRESH', 'MARKET', 'SDN', 'BHD'], 0.95);
    expect(assemble(d, [buyer, seller(0.9)]).fields.supplier_name).toMatchObject({
      value: 'GARDENIA BAKERIES SDN BHD',
    });
    // Much less sure of the first one: the score decides.
    expect(assemble(d, [buyer, seller(0.6)]).fields.supplier_name).toMatchObject({
      value: 'MAKASSAR FRESH MARKET SDN BHD',
    });
  });

  it('keeps the tagged total when the strongly labeled amount is its tax or net at a printed rate', () => {
    // The tax a printed rate gives on the tagged total: 593.10 × 6/106 = 33.57.
    const tax = page(['Sub-total: 593.10', '(Inclusive) GST 6% 33.57', 'Total: 593.10']);
    const taxOut = assemble(tax, [span(tax, 'total_amount', 2, ['593.10'])]);
    expect(taxOut.fields.total_amount).toMatchObject({ value: '593.10' });
    expect(taxOut.validation.map((r) => r.rule)).not.toContain('INVEX-TOTAL-BY-STRONG-LABEL');
    // The net: 33.00 + 6 % = 34.98, cash-rounded to the 35.00 that is tagged.
    const net = page(['Total Sales Amount 33.00', 'GST 6% 1.98', 'Rounding Adjustment 0.02', 'TOTAL 35.00']);
    expect(assemble(net, [span(net, 'total_amount', 3, ['35.00'])]).fields.total_amount).toMatchObject({
      value: '35.00',
    });
    // Without a printed rate nothing says so, and the strong label wins as before.
    const noRate = page(['Total Sales Amount 33.00', 'GST 1.98', 'Rounding Adjustment 0.02', 'TOTAL 35.00']);
    expect(assemble(noRate, [span(noRate, 'total_amount', 3, ['35.00'])]).fields.total_amount).toMatchObject({
      value: '33.00',
    });
  });

  it('takes the rounded amount paid as the total when a rounding line follows the total (cash rounding)', () => {
    const d = page(['Total (Incl GST): 31.02', 'Rounding Adj: -0.02', 'CASH : 31.00']);
    const o = assemble(d, [span(d, 'total_amount', 0, ['31.02'])]);
    expect(o.fields.total_amount).toMatchObject({ value: '31.00' });
    expect(o.fields.total_amount?.regions[0]?.bbox[1]).toBeCloseTo(0.15);
    expect(o.fields.amount_due).toMatchObject({ value: '31.00', derived: true });
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-TOTAL-ROUNDED', status: 'pass' }),
    );
  });

  it('rounds to the coin step when OCR misread the adjustment, and only with a rounding line below the total', () => {
    const misread = page(['Total Sales 42.48', 'Rounding Adj 0.07', 'Total After Adj 42.50']);
    expect(
      assemble(misread, [span(misread, 'total_amount', 0, ['42.48'])]).fields.total_amount,
    ).toMatchObject({
      value: '42.50',
    });
    const none = page(['Total Sales 42.48', 'Change 42.50']);
    expect(assemble(none, [span(none, 'total_amount', 0, ['42.48'])]).fields.total_amount).toMatchObject({
      value: '42.48',
    });
    const above = page(['Rounding Adj -0.02', 'Total 31.02', 'CASH 31.00']);
    expect(assemble(above, [span(above, 'total_amount', 1, ['31.02'])]).fields.total_amount).toMatchObject({
      value: '31.02',
    });
  });

  it('takes the payable total printed below partial totals that it is the sum of', () => {
    const d = page([
      'Total 0% supplies: 23.64',
      'Total 6% supplies (Inc. GST): 12.72',
      'Total Payable: 36.36',
    ]);
    const o = assemble(d, [span(d, 'total_amount', 0, ['23.64']), span(d, 'amount_due', 0, ['23.64'])]);
    expect(o.fields.total_amount).toMatchObject({ value: '36.36' });
    expect(o.fields.total_amount?.regions[0]?.bbox[1]).toBeCloseTo(0.15);
    expect(o.fields.amount_due).toMatchObject({ value: '36.36', derived: true });
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-TOTAL-OF-PARTIALS', status: 'warn' }),
    );
    // Tendered cash is no total, even when it adds up with the change printed above it.
    const cash = page(['Total 31.00', 'Change 19.00', 'Cash 50.00']);
    expect(assemble(cash, [span(cash, 'total_amount', 0, ['31.00'])]).fields.total_amount).toMatchObject({
      value: '31.00',
    });
  });

  it('takes the amount due as the total when it exceeds the tagged total and no subtotal or tax is tagged', () => {
    const d = page(['Total 0% supplies: 39.40', 'Total 6% supplies: 13.74', 'Total Payable: 53.14']);
    const o = assemble(d, [span(d, 'total_amount', 0, ['39.40']), span(d, 'amount_due', 2, ['53.14'])]);
    expect(o.fields.total_amount).toMatchObject({ value: '53.14' });
    expect(o.fields.total_amount?.regions[0]?.bbox[1]).toBeCloseTo(0.15);
    expect(o.fields.amount_due).toMatchObject({ value: '53.14' });
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-TOTAL-FROM-AMOUNT-DUE', status: 'warn' }),
    );
  });

  it('keeps the tagged total below the amount due when a subtotal is tagged too', () => {
    const d = page(['Subtotal 100.00', 'Total 119.00', 'Amount due 150.00']);
    const o = assemble(d, [
      span(d, 'subtotal_amount', 0, ['100.00']),
      span(d, 'total_amount', 1, ['119.00']),
      span(d, 'amount_due', 2, ['150.00']),
    ]);
    expect(o.fields.total_amount).toMatchObject({ value: '119.00' });
    expect(o.validation).not.toContainEqual(expect.objectContaining({ rule: 'INVEX-TOTAL-FROM-AMOUNT-DUE' }));
    expect(o.validation).toContainEqual(
      expect.objectContaining({ rule: 'INVEX-AMOUNT-DUE', status: 'fail' }),
    );
  });
});
