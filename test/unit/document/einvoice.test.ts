import { describe, expect, it } from 'vitest';
import { MAX_XML_CHARS, parseEmbeddedInvoice } from '../../../src/document/einvoice.js';
import { defaultIngestOptions, embeddedInvoice, ingestBytes } from '../../../src/document/ingest.js';
import { ciiXml, EINVOICE, einvoicePdf, zugferd1Xml } from '../../fixtures/einvoice.js';

const BREAKDOWN = [{ rate: '19.00', taxable_amount: '100.00', tax_amount: '19.00' }];

describe('parseEmbeddedInvoice', () => {
  it('reads a CII (Factur-X / ZUGFeRD 2) invoice into the contract formats', () => {
    const inv = parseEmbeddedInvoice(ciiXml(), 'factur-x.xml');
    expect(inv?.format).toBe('cii');
    expect(inv?.profile).toBe('urn:cen.eu:en16931:2017');
    expect(inv?.fields).toEqual({
      invoice_number: 'RE-2024-0815',
      document_type: 'invoice',
      issue_date: '2024-03-05',
      due_date: '2024-04-04',
      delivery_date: '2024-03-01',
      purchase_order: 'PO-99',
      currency: 'EUR',
      payment_terms: 'Zahlbar innerhalb 30 Tagen netto',
      supplier_name: 'Lieferant Muster GmbH',
      supplier_address: 'Musterstraße 1, 10115 Berlin',
      supplier_vat_id: 'DE136695976',
      customer_name: 'Kunde Beispiel AG',
      customer_id: 'K-4711',
      iban: 'DE02120300000000202051',
      payment_reference: 'RE-2024-0815',
      subtotal_amount: '100.00',
      // The tax total in the invoice currency, not the one given in USD first.
      tax_amount: '19.00',
      total_amount: '119.00',
      amount_due: '119.00',
    });
    expect(inv?.prepaid).toBe('0.00');
    expect(inv?.lineItems).toEqual([
      {
        description: 'Beratung & Planung',
        product_code: 'A-17',
        quantity: '2.0000',
        unit: 'HUR',
        unit_price: '50.00',
        amount: '100.00',
        tax_rate: '19',
      },
    ]);
    expect(inv?.taxBreakdown).toEqual(BREAKDOWN);
  });

  it('does not depend on the namespace prefixes a producer chose', () => {
    const a = parseEmbeddedInvoice(ciiXml(), 'a.xml');
    const b = parseEmbeddedInvoice(ciiXml(EINVOICE, { rsm: 'inv', ram: 'x', udt: 'd' }), 'a.xml');
    expect(b).toEqual(a);
  });

  it('reads ZUGFeRD 1.0 (Cross Industry Document)', () => {
    const inv = parseEmbeddedInvoice(zugferd1Xml(), 'ZUGFeRD-invoice.xml');
    expect(inv?.format).toBe('zugferd1');
    // The same invoice as the CII fixture, in the fields ZUGFeRD 1.0 BASIC carries.
    const cii = parseEmbeddedInvoice(ciiXml(), 'factur-x.xml')?.fields ?? {};
    const shared = [
      'invoice_number',
      'document_type',
      'issue_date',
      'supplier_name',
      'customer_name',
      'currency',
    ] as const;
    const amounts = ['subtotal_amount', 'tax_amount', 'total_amount'] as const;
    expect(inv?.fields).toEqual(Object.fromEntries([...shared, ...amounts].map((k) => [k, cii[k]])));
    expect(inv?.taxBreakdown).toEqual(BREAKDOWN);
  });

  it('passes over XML that is no CII invoice (UBL, other attachments)', () => {
    const ubl =
      '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>1</ID></Invoice>';
    expect(parseEmbeddedInvoice(ubl, 'xrechnung.xml')).toBeUndefined();
    expect(parseEmbeddedInvoice('<note>hello</note>', 'note.xml')).toBeUndefined();
    // A CII root that holds neither an invoice number nor a total is no invoice to take values from.
    expect(
      parseEmbeddedInvoice('<rsm:CrossIndustryInvoice xmlns:rsm="urn:x"/>', 'empty.xml'),
    ).toBeUndefined();
  });

  it('refuses XML that is not well-formed (fast-xml-parser alone would read it as far as it goes)', () => {
    expect(() => parseEmbeddedInvoice(ciiXml().slice(0, 2000), 'cut.xml')).toThrow(/not well-formed/);
  });

  it('refuses a DTD (entity expansion) and oversized XML before parsing', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${ciiXml()
      .replace(/^<\?xml[^>]*>/, '')
      .replace('RE-2024-0815', '&b;')}`;
    expect(() => parseEmbeddedInvoice(laughs, 'dtd.xml')).toThrow(/DTD/);
    expect(() => parseEmbeddedInvoice(' '.repeat(MAX_XML_CHARS + 1), 'big.xml')).toThrow(/more than/);
  });
});

describe('embedded invoices in PDFs', () => {
  it('ingest reads the attached factur-x.xml, and pages as usual', async () => {
    const pdf = await einvoicePdf([{ name: 'factur-x.xml', xml: ciiXml() }]);
    const doc = await ingestBytes(pdf, defaultIngestOptions());
    expect(doc.embedded?.file).toBe('factur-x.xml');
    expect(doc.embedded?.fields.total_amount).toBe('119.00');
    expect(doc.pages).toHaveLength(1);
    expect(doc.pages[0]?.kind).toBe('text');
  });

  it('is turned off by embedded: false', async () => {
    const pdf = await einvoicePdf([{ name: 'factur-x.xml', xml: ciiXml() }]);
    const doc = await ingestBytes(pdf, { ...defaultIngestOptions(), embedded: false });
    expect(doc.embedded).toBeUndefined();
  });

  it('skips broken and unrelated attachments, the format file names first', async () => {
    const other = { ...EINVOICE, number: 'OTHER-1' };
    const pdf = await einvoicePdf([
      // A cut-off copy under the format's own name ranks first and must be passed over.
      { name: 'factur-x.xml', xml: ciiXml(other).slice(0, 2000) },
      { name: 'notes.xml', xml: '<note>not an invoice</note>' },
      { name: 'copy.xml', xml: ciiXml(other) },
      { name: 'zugferd-invoice.xml', xml: ciiXml() },
    ]);
    const doc = await ingestBytes(pdf, defaultIngestOptions());
    expect(doc.embedded?.file).toBe('zugferd-invoice.xml');
    expect(doc.embedded?.fields.invoice_number).toBe('RE-2024-0815');
    expect(
      embeddedInvoice([{ name: 'broken.xml', content: new TextEncoder().encode('<a><b></a>') }]),
    ).toBeUndefined();
  });

  it('a PDF without attachments has none', async () => {
    const pdf = await einvoicePdf([]);
    const doc = await ingestBytes(pdf, defaultIngestOptions());
    expect(doc.embedded).toBeUndefined();
  });
});
