import { describe, expect, it } from 'vitest';
import type { Assembled } from '../../../src/assemble/assemble.js';
import { printedAt, withEmbedded } from '../../../src/assemble/embedded.js';
import { type EmbeddedInvoice, parseEmbeddedInvoice } from '../../../src/document/einvoice.js';
import { ciiXml, EINVOICE } from '../../fixtures/einvoice.js';
import { linesPage as page } from '../../fixtures/words.js';

const doc = page([
  'Lieferant Muster GmbH',
  'Rechnungsnummer: RE-2024-0815',
  'Rechnungsdatum: 05.03.2024',
  'Pos Beratung & Planung 2 Std. 50,00 100,00',
  'Nettobetrag 100,00 EUR',
  'Gesamtbetrag 118,00 EUR',
]);

function invoice(xml = ciiXml()): EmbeddedInvoice {
  const e = parseEmbeddedInvoice(xml, 'factur-x.xml');
  if (!e) throw new Error('fixture did not parse');
  return e;
}

const fromPage: Assembled = {
  fields: {
    total_amount: {
      value: '118.00',
      raw: '118,00',
      confidence: 0.9,
      regions: [{ page: 1, bbox: [0.17, 0.25, 0.27, 0.27] }],
    },
    invoice_number: {
      value: 'RE-2024-0815',
      raw: 'RE-2024-0815',
      confidence: 0.8,
      regions: [{ page: 1, bbox: [0.1, 0.1, 0.2, 0.12] }],
    },
    supplier_email: { value: 'info@muster.de', confidence: 0.7, regions: [] },
    // A name read with a legal form the XML leaves out: not reported (only money, dates and ids are compared).
    supplier_name: { value: 'Lieferant Muster GmbH & Co', confidence: 0.9, regions: [] },
  },
  line_items: [],
  tax_breakdown: [],
  validation: [
    {
      rule: 'BR-CO-15',
      status: 'fail',
      message: 'page sums',
      fields: ['subtotal_amount', 'tax_amount', 'total_amount'],
    },
    { rule: 'INVEX-EMAIL', status: 'pass', message: 'kept', fields: ['supplier_email'] },
    { rule: 'INVEX-LINE-AMOUNT', status: 'fail', message: 'about the page rows the XML replaces' },
  ],
};

describe('withEmbedded', () => {
  const out = withEmbedded(fromPage, invoice(), doc);

  it('gives the XML values, marked as embedded, with full confidence', () => {
    expect(out.fields.total_amount).toMatchObject({ value: '119.00', confidence: 1, source: 'embedded' });
    expect(out.fields.supplier_name?.value).toBe('Lieferant Muster GmbH');
    expect(out.fields.iban?.value).toBe('DE02120300000000202051');
    expect(Object.values(out.fields).filter((f) => f?.source === 'embedded')).toHaveLength(19);
  });

  it('keeps the regions of page values that agree, and finds where the page prints the others', () => {
    expect(out.fields.invoice_number?.regions).toEqual(fromPage.fields.invoice_number?.regions);
    expect(out.fields.supplier_name?.raw).toBe('Lieferant Muster GmbH');
    expect(out.fields.supplier_name?.regions).toEqual([{ page: 1, bbox: [0.05, 0.05, 0.39, 0.07] }]);
    expect(out.fields.issue_date?.raw).toBe('05.03.2024');
    expect(out.fields.subtotal_amount?.raw).toBe('100,00');
    // 119.00 is not printed (the page says 118,00): no region rather than a wrong one.
    expect(out.fields.total_amount?.regions).toEqual([]);
  });

  it('keeps what only the page has, and reports where the page disagrees', () => {
    expect(out.fields.supplier_email?.value).toBe('info@muster.de');
    expect(out.fields.supplier_email?.source).toBeUndefined();
    const rules = out.validation.map((r) => `${r.rule} ${r.status}`);
    expect(rules[0]).toBe('INVEX-EMBEDDED-INVOICE pass');
    expect(rules).toContain('BR-CO-15 pass');
    expect(rules).not.toContain('BR-CO-15 fail');
    expect(rules).toContain('INVEX-EMAIL pass');
    expect(rules).not.toContain('INVEX-LINE-AMOUNT fail');
    const differs = out.validation.filter((r) => r.rule === 'INVEX-EMBEDDED-DIFFERS');
    expect(differs).toHaveLength(1);
    expect(differs[0]?.message).toContain('"118,00"');
    expect(differs[0]?.fields).toEqual(['total_amount']);
  });

  it('takes line items and the tax breakdown from the XML, each cell where its row prints it', () => {
    expect(out.line_items).toHaveLength(1);
    const item = out.line_items[0];
    expect(item?.description).toMatchObject({
      value: 'Beratung & Planung',
      raw: 'Beratung & Planung',
      source: 'embedded',
    });
    expect(item?.description?.regions).toEqual([{ page: 1, bbox: [0.17, 0.2, 0.51, 0.22] }]);
    expect(item?.amount).toMatchObject({ value: '100.00', raw: '100,00' });
    expect(item?.unit_price?.raw).toBe('50,00');
    expect(item?.quantity?.raw).toBe('2');
    // Not printed on the row: no region rather than a guess.
    expect(item?.product_code?.regions).toEqual([]);
    expect(out.tax_breakdown).toEqual([{ rate: '19.00', taxable_amount: '100.00', tax_amount: '19.00' }]);
  });

  it("checks the XML's identifiers as page values are checked, and keeps the XML's value", () => {
    const checks = (o: Assembled) =>
      Object.fromEntries(
        o.validation.filter((v) => /IBAN|VAT-ID/.test(v.rule)).map((v) => [v.fields?.[0], v.status]),
      );
    expect(checks(out)).toEqual({ iban: 'pass', supplier_vat_id: 'pass' });
    // One digit off: the check digits no longer hold.
    const typo = withEmbedded(
      fromPage,
      invoice(ciiXml({ ...EINVOICE, iban: 'DE02120300000000202052' })),
      doc,
    );
    expect(checks(typo)).toEqual({ iban: 'fail', supplier_vat_id: 'pass' });
    expect(typo.fields.iban).toMatchObject({
      value: 'DE02120300000000202052',
      confidence: 1,
      source: 'embedded',
    });
  });

  it("checks the XML's own arithmetic", () => {
    const bad = withEmbedded(fromPage, invoice(ciiXml({ ...EINVOICE, gross: '120.00' })), doc);
    const r = bad.validation.filter((v) => v.rule === 'BR-CO-15' || v.rule === 'INVEX-AMOUNT-DUE');
    expect(r.map((v) => v.status)).toEqual(['fail', 'fail']);
  });
});

describe('printedAt', () => {
  it('finds amounts by value, dates by reading, text by its letters', () => {
    expect(printedAt(doc, 'subtotal_amount', '100')?.raw).toBe('100,00');
    expect(printedAt(doc, 'issue_date', '2024-03-05')?.raw).toBe('05.03.2024');
    expect(printedAt(doc, 'supplier_name', 'LIEFERANT MUSTER GMBH')?.raw).toBe('Lieferant Muster GmbH');
    expect(printedAt(doc, 'supplier_name', 'Muster GmbH & Co. KG')).toBeUndefined();
  });
});
