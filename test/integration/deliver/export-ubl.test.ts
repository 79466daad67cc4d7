/**
 * UBL export validated against the official OASIS UBL 2.1 XSDs (../shared/data/ubl-2.1) with a real xmllint.
 * Values are read back with xmllint's XPath, an independent parser.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invoice } from '../../../src/assemble/schema.js';
import { invoiceToUbl, splitAddress, unitCode } from '../../../src/deliver/export-ubl.js';
import { creditNote, fullInvoice, makeInvoice, minimalInvoice } from '../../fixtures/invoices.js';

const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const UBL = resolve(REPO, '../shared/data/ubl-2.1');
const XSD = {
  Invoice: join(UBL, 'maindoc/UBL-Invoice-2.1.xsd'),
  CreditNote: join(UBL, 'maindoc/UBL-CreditNote-2.1.xsd'),
};
const HAS_XMLLINT = spawnSync('xmllint', ['--version']).status === 0;
if (!HAS_XMLLINT) {
  console.warn(
    'SKIPPED: UBL XSD validation needs xmllint (Debian package libxml2-utils), which is not installed',
  );
}

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'invex-ubl-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function save(xml: string): Promise<string> {
  const file = join(dir, `doc-${++n}.xml`);
  await writeFile(file, xml);
  return file;
}

/** xmllint --schema; returns its stderr so that a failure shows the schema errors. */
function validate(file: string, root: keyof typeof XSD): { ok: boolean; stderr: string } {
  const r = spawnSync('xmllint', ['--noout', '--schema', XSD[root], file], { encoding: 'utf8' });
  return { ok: r.status === 0, stderr: r.stderr };
}

/** `a/b[c/d='x']/@e` below the root, by local names, so that namespaces stay out of the test's way. */
function localPath(path: string): string {
  const steps: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of path) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === '/' && depth === 0) {
      steps.push(cur);
      cur = '';
    } else cur += ch;
  }
  steps.push(cur);
  return steps
    .map((s) => {
      if (s.startsWith('@') || s === '*') return s;
      const m = /^(\w+)(?:\[(.*)\])?$/.exec(s);
      if (!m?.[1]) throw new Error(`bad path step ${s}`);
      const name = `*[local-name()='${m[1]}']`;
      const pred = m[2];
      if (pred === undefined) return name;
      return `${name}[${/^\d+$/.test(pred) ? pred : pred.replace(/^([^=]+)=/, (_, lhs: string) => `${localPath(lhs)}=`)}]`;
    })
    .join('/');
}

function xpath(file: string, path: string, fn: 'string' | 'count' = 'string'): string {
  const r = spawnSync('xmllint', ['--xpath', `${fn}(/*/${localPath(path)})`, file], { encoding: 'utf8' });
  return r.stdout.trim();
}

async function exportAndValidate(inv: Invoice, root: keyof typeof XSD, now?: Date): Promise<string> {
  const file = await save(invoiceToUbl(inv, now ? { now } : {}));
  const v = validate(file, root);
  expect(v.stderr, 'xmllint schema errors').toContain('validates');
  expect(v.ok).toBe(true);
  return file;
}

describe.skipIf(!HAS_XMLLINT)('UBL 2.1 export (xmllint against the OASIS XSD)', () => {
  it('has the schemas where the tests expect them', () => {
    expect(existsSync(XSD.Invoice), XSD.Invoice).toBe(true);
    expect(existsSync(XSD.CreditNote), XSD.CreditNote).toBe(true);
  });

  it('the harness accepts the Peppol example and rejects elements out of order', async () => {
    expect(validate(join(UBL, 'examples/peppol-bis3-base-example.xml'), 'Invoice').ok).toBe(true);
    const good = invoiceToUbl(fullInvoice());
    const swapped = good.replace(
      /(\s*<cbc:ID>INV-2024-0042<\/cbc:ID>)(\s*<cbc:IssueDate>2024-03-15<\/cbc:IssueDate>)/,
      '$2$1',
    );
    expect(swapped).not.toBe(good);
    const bad = validate(await save(swapped), 'Invoice');
    expect(bad.ok).toBe(false);
    expect(bad.stderr).toMatch(/IssueDate.*not expected|fails to validate/);
  });

  it('an invoice with every field and two line items', async () => {
    const f = await exportAndValidate(fullInvoice(), 'Invoice');
    expect(xpath(f, 'CustomizationID')).toBe(
      'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0',
    );
    expect(xpath(f, 'ProfileID')).toBe('urn:fdc:peppol.eu:2017:poacc:billing:01:1.0');
    expect(xpath(f, 'ID')).toBe('INV-2024-0042');
    expect(xpath(f, 'IssueDate')).toBe('2024-03-15');
    expect(xpath(f, 'DueDate')).toBe('2024-04-14');
    expect(xpath(f, 'InvoiceTypeCode')).toBe('380');
    expect(xpath(f, 'Note', 'count')).toBe('0');
    expect(xpath(f, 'DocumentCurrencyCode')).toBe('EUR');
    expect(xpath(f, 'OrderReference/ID')).toBe('PO-7781');

    const sup = 'AccountingSupplierParty/Party';
    expect(xpath(f, `${sup}/PartyName/Name`)).toBe('Acme Tools GmbH');
    expect(xpath(f, `${sup}/PartyLegalEntity/RegistrationName`)).toBe('Acme Tools GmbH');
    expect(xpath(f, `${sup}/PostalAddress/StreetName`)).toBe('Hauptstraße 5');
    expect(xpath(f, `${sup}/PostalAddress/CityName`)).toBe('Berlin');
    expect(xpath(f, `${sup}/PostalAddress/PostalZone`)).toBe('10115');
    expect(xpath(f, `${sup}/PostalAddress/Country/IdentificationCode`)).toBe('DE');
    expect(xpath(f, `${sup}/PartyTaxScheme[TaxScheme/ID='VAT']/CompanyID`)).toBe('DE136695976');
    expect(xpath(f, `${sup}/PartyTaxScheme[TaxScheme/ID='TAX']/CompanyID`)).toBe('27/123/45678');
    expect(xpath(f, `${sup}/EndpointID`)).toBe('billing@acme-tools.example');
    expect(xpath(f, `${sup}/Contact/Telephone`)).toBe('+49 30 1234567');

    const cus = 'AccountingCustomerParty/Party';
    expect(xpath(f, `${cus}/PartyName/Name`)).toBe('Müller & Söhne KG');
    expect(xpath(f, `${cus}/PartyIdentification/ID`)).toBe('C-1009');
    expect(xpath(f, `${cus}/PostalAddress/AddressLine/Line`)).toBe('Etage 3');
    expect(xpath(f, `${cus}/PartyTaxScheme/CompanyID`)).toBe('DE811569869');

    expect(xpath(f, 'Delivery/ActualDeliveryDate')).toBe('2024-03-10');
    expect(xpath(f, 'PaymentMeans/PaymentMeansCode')).toBe('58');
    expect(xpath(f, 'PaymentMeans/PaymentID')).toBe('RF18539007547034');
    expect(xpath(f, 'PaymentMeans/PayeeFinancialAccount/ID')).toBe('DE89370400440532013000');
    expect(xpath(f, 'PaymentMeans/PayeeFinancialAccount/FinancialInstitutionBranch/ID')).toBe('COBADEFFXXX');
    expect(xpath(f, 'PaymentTerms/Note')).toBe('Net 30 days, 2% discount within 10 days');

    expect(xpath(f, 'TaxTotal/TaxAmount')).toBe('47.50');
    expect(xpath(f, 'TaxTotal/TaxAmount/@currencyID')).toBe('EUR');
    expect(xpath(f, 'TaxTotal/TaxSubtotal', 'count')).toBe('1');
    expect(xpath(f, 'TaxTotal/TaxSubtotal/TaxableAmount')).toBe('250.00');
    expect(xpath(f, 'TaxTotal/TaxSubtotal/TaxCategory/ID')).toBe('S');
    expect(xpath(f, 'TaxTotal/TaxSubtotal/TaxCategory/Percent')).toBe('19');
    expect(xpath(f, 'TaxTotal/TaxSubtotal/TaxCategory/TaxScheme/ID')).toBe('VAT');

    expect(xpath(f, 'LegalMonetaryTotal/LineExtensionAmount')).toBe('250.00');
    expect(xpath(f, 'LegalMonetaryTotal/TaxExclusiveAmount')).toBe('250.00');
    expect(xpath(f, 'LegalMonetaryTotal/TaxInclusiveAmount')).toBe('297.50');
    expect(xpath(f, 'LegalMonetaryTotal/PayableAmount')).toBe('297.50');

    expect(xpath(f, 'InvoiceLine', 'count')).toBe('2');
    expect(xpath(f, 'InvoiceLine[1]/ID')).toBe('1');
    expect(xpath(f, 'InvoiceLine[1]/InvoicedQuantity')).toBe('2');
    expect(xpath(f, 'InvoiceLine[1]/InvoicedQuantity/@unitCode')).toBe('H87');
    expect(xpath(f, 'InvoiceLine[1]/LineExtensionAmount')).toBe('200.00');
    expect(xpath(f, 'InvoiceLine[1]/Item/Name')).toBe('Cordless drill "Pro" 18V');
    expect(xpath(f, 'InvoiceLine[1]/Item/SellersItemIdentification/ID')).toBe('DR-18V');
    expect(xpath(f, 'InvoiceLine[1]/Item/ClassifiedTaxCategory/Percent')).toBe('19');
    expect(xpath(f, 'InvoiceLine[1]/Price/PriceAmount')).toBe('100.00');
    expect(xpath(f, 'InvoiceLine[2]/InvoicedQuantity/@unitCode')).toBe('HUR');
    expect(xpath(f, 'InvoiceLine[2]/Item/SellersItemIdentification', 'count')).toBe('0');
  });

  it('a credit note: CreditNote root, type 381, positive amounts, due date under PaymentMeans', async () => {
    const f = await exportAndValidate(creditNote(), 'CreditNote');
    expect(spawnSync('xmllint', ['--xpath', 'local-name(/*)', f], { encoding: 'utf8' }).stdout.trim()).toBe(
      'CreditNote',
    );
    expect(xpath(f, 'CreditNoteTypeCode')).toBe('381');
    expect(xpath(f, 'DocumentCurrencyCode')).toBe('GBP');
    expect(xpath(f, 'PaymentMeans/PaymentMeansCode')).toBe('30');
    expect(xpath(f, 'PaymentMeans/PaymentDueDate')).toBe('2024-05-16');
    expect(xpath(f, 'LegalMonetaryTotal/PayableAmount')).toBe('170.00');
    expect(xpath(f, 'LegalMonetaryTotal/PayableAmount/@currencyID')).toBe('GBP');
    expect(xpath(f, 'TaxTotal/TaxAmount')).toBe('20.00');
    expect(xpath(f, "TaxTotal/TaxSubtotal[TaxCategory/ID='S']/TaxableAmount")).toBe('100.00');
    expect(xpath(f, "TaxTotal/TaxSubtotal[TaxCategory/ID='Z']/TaxableAmount")).toBe('50.00');
    expect(xpath(f, 'CreditNoteLine', 'count')).toBe('2');
    expect(xpath(f, 'CreditNoteLine[1]/CreditedQuantity')).toBe('10');
    expect(xpath(f, 'CreditNoteLine[1]/LineExtensionAmount')).toBe('100.00');
    expect(xpath(f, 'CreditNoteLine[2]/Item/ClassifiedTaxCategory/ID')).toBe('Z');
    expect(xpath(f, 'AccountingSupplierParty/Party/PostalAddress/Country/IdentificationCode')).toBe('GB');
  });

  it('a credit note with every field keeps the CreditNote element order', async () => {
    const full = fullInvoice();
    const values = Object.fromEntries(Object.entries(full.fields).map(([k, v]) => [k, String(v?.value)]));
    const lines = full.line_items.map((li) =>
      Object.fromEntries(Object.entries(li).map(([k, v]) => [k, String(v?.value)])),
    );
    const inv = makeInvoice({
      id: 'c3',
      fields: { ...values, document_type: 'credit_note' },
      lines,
      tax: full.tax_breakdown,
    });
    const f = await exportAndValidate(inv, 'CreditNote');
    expect(xpath(f, 'PaymentMeans/PaymentDueDate')).toBe('2024-04-14');
    expect(xpath(f, 'PaymentMeans/PayeeFinancialAccount/ID')).toBe('DE89370400440532013000');
    expect(xpath(f, 'CreditNoteLine[1]/CreditedQuantity')).toBe('2');
    expect(xpath(f, 'LegalMonetaryTotal/PayableAmount')).toBe('297.50');
  });

  it('a minimal invoice: fallbacks fill what the XSD requires, and the Note says so', async () => {
    const f = await exportAndValidate(minimalInvoice(), 'Invoice', new Date('2025-01-02T10:00:00Z'));
    expect(xpath(f, 'ID')).toBe(`sha256:${'f'.repeat(64)}`);
    expect(xpath(f, 'IssueDate')).toBe('2025-01-02');
    expect(xpath(f, 'DocumentCurrencyCode')).toBe('EUR');
    const note = xpath(f, 'Note');
    expect(note).toMatch(/Currency not found/);
    expect(note).toMatch(/Invoice number not found/);
    expect(note).toMatch(/Issue date not found; the export date/);
    expect(note).toMatch(/No line items/);
    expect(xpath(f, 'AccountingSupplierParty/*', 'count')).toBe('0');
    expect(xpath(f, 'TaxTotal', 'count')).toBe('0');
    expect(xpath(f, 'PaymentMeans', 'count')).toBe('0');
    expect(xpath(f, 'LegalMonetaryTotal/PayableAmount')).toBe('42.00');
    expect(xpath(f, 'InvoiceLine', 'count')).toBe('1');
    expect(xpath(f, 'InvoiceLine/LineExtensionAmount')).toBe('42.00');
  });

  it('escapes markup, drops control characters, and derives what it can', async () => {
    const inv = makeInvoice({
      id: 'd4',
      fields: {
        invoice_number: 'R-1 <b>&amp;</b>',
        document_type: 'receipt',
        delivery_date: '2024-07-01',
        currency: 'USD',
        supplier_name: 'Bad\u0001Chars & <Co>',
        iban: 'GB33BUKB20201555555555',
        subtotal_amount: '10.00',
        tax_amount: '2.00',
        total_amount: '12.00',
        amount_due: '0.00',
      },
      lines: [{ description: 'Coffee', quantity: '4', unit_price: '2.50', unit: 'kg' }],
    });
    const f = await exportAndValidate(inv, 'Invoice');
    expect(xpath(f, 'ID')).toBe('R-1 <b>&amp;</b>');
    expect(xpath(f, 'AccountingSupplierParty/Party/PartyName/Name')).toBe('BadChars & <Co>');
    expect(xpath(f, 'IssueDate')).toBe('2024-07-01'); // the delivery date stands in
    expect(xpath(f, 'Note')).toMatch(/the delivery date is used/);
    expect(xpath(f, 'PaymentMeans/PaymentMeansCode')).toBe('30'); // SEPA (58) is for euro only
    expect(xpath(f, 'LegalMonetaryTotal/PrepaidAmount')).toBe('12.00'); // a paid receipt
    expect(xpath(f, 'LegalMonetaryTotal/PayableAmount')).toBe('0.00');
    expect(xpath(f, 'InvoiceLine/LineExtensionAmount')).toBe('10.00'); // 4 × 2.50
    expect(xpath(f, 'InvoiceLine/InvoicedQuantity/@unitCode')).toBe('KGM');
  });

  it('writes a discount line with a non-negative price and a negative quantity (EN 16931 BR-27)', async () => {
    const inv = makeInvoice({
      id: 'e5',
      fields: { invoice_number: 'D-1', issue_date: '2024-02-29', currency: 'EUR', total_amount: '90.00' },
      lines: [
        { description: 'Goods', quantity: '1', unit_price: '100.00', amount: '100.00' },
        { description: 'Discount', quantity: '1', unit_price: '-10.00', amount: '-10.00' },
      ],
    });
    const f = await exportAndValidate(inv, 'Invoice');
    expect(xpath(f, 'InvoiceLine[2]/InvoicedQuantity')).toBe('-1');
    expect(xpath(f, 'InvoiceLine[2]/Price/PriceAmount')).toBe('10.00');
    expect(xpath(f, 'InvoiceLine[2]/LineExtensionAmount')).toBe('-10.00');
    expect(xpath(f, 'LegalMonetaryTotal/LineExtensionAmount')).toBe('90.00');
  });
});

describe('UBL helpers', () => {
  it('splits printed addresses', () => {
    expect(splitAddress('Hauptstraße 5, 10115 Berlin')).toEqual({
      street: 'Hauptstraße 5',
      zone: '10115',
      city: 'Berlin',
      lines: [],
    });
    expect(splitAddress('Keizersgracht 1, 1015 CJ Amsterdam, Netherlands')).toEqual({
      street: 'Keizersgracht 1',
      zone: '1015 CJ',
      city: 'Amsterdam',
      lines: ['Netherlands'],
    });
    expect(splitAddress('10 Downing Street, London SW1A 2AA')).toEqual({
      street: '10 Downing Street',
      city: 'London',
      zone: 'SW1A 2AA',
      lines: [],
    });
    expect(splitAddress('PO Box 12')).toEqual({ street: 'PO Box 12', lines: [] });
  });

  it('maps units to UN/ECE Rec 20 codes', () => {
    expect(unitCode(undefined)).toBe('C62');
    expect(unitCode('Stk.')).toBe('H87');
    expect(unitCode('hrs')).toBe('HUR');
    expect(unitCode('KGM')).toBe('KGM');
    expect(unitCode('bundle')).toBe('C62');
  });
});
