/**
 * Embedded e-invoices: the UN/CEFACT Cross Industry Invoice (CII) XML that ZUGFeRD 2.x, Factur-X and
 * XRechnung (CII syntax) PDFs carry as an attachment, and ZUGFeRD 1.0's Cross Industry Document. In those
 * formats the XML is the invoice and the page its rendering, so its values are exact where the page's are
 * read. Parsed with fast-xml-parser, namespace prefixes dropped (producers choose their own).
 * UBL XML (XRechnung's other syntax) is not read: such PDFs fall back on the page.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { DocumentField } from '../ner/labels.js';

export interface EmbeddedLineItem {
  description?: string;
  quantity?: string;
  unit?: string;
  unit_price?: string;
  amount?: string;
  tax_rate?: string;
  product_code?: string;
}

export interface EmbeddedInvoice {
  /** `cii` (ZUGFeRD 2.x, Factur-X, XRechnung CII) or `zugferd1` (ZUGFeRD 1.0). */
  format: 'cii' | 'zugferd1';
  /** The attachment's file name, e.g. `factur-x.xml`. */
  file: string;
  /** The guideline (profile) URN, e.g. `urn:cen.eu:en16931:2017`. */
  profile?: string;
  /** Normalised as the output contract wants them: dates YYYY-MM-DD, amounts dot decimals, codes upper-case. */
  fields: Partial<Record<DocumentField, string>>;
  lineItems: EmbeddedLineItem[];
  taxBreakdown: { rate: string; taxable_amount?: string; tax_amount?: string }[];
  /** Invoice total minus the amount due: paid in advance (BT-113), for the amount-due check. */
  prepaid?: string;
}

/** Attachment names of the e-invoice formats, most specific first (Factur-X, ZUGFeRD 2/1, XRechnung). */
export const EINVOICE_FILES = ['factur-x.xml', 'zugferd-invoice.xml', 'xrechnung.xml'];

/** The largest attachment read as an e-invoice (a big CII invoice with thousands of lines is a few MB). */
export const MAX_XML_CHARS = 20_000_000;

type Node = Record<string, unknown>;

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  // Values stay strings: amounts and identifiers must not pass through floats or lose leading zeros.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
});

function asArray(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** The first child named any of `names` at each step of the path (alternatives per step joined by `|`). */
function at(node: unknown, path: string): unknown {
  let cur: unknown = node;
  for (const step of path.split('/')) {
    if (cur === undefined || cur === null) return undefined;
    const first = asArray(cur)[0];
    if (typeof first !== 'object' || first === null) return undefined;
    let next: unknown;
    for (const name of step.split('|')) {
      next = (first as Node)[name];
      if (next !== undefined) break;
    }
    cur = next;
  }
  return cur;
}

function textOf(v: unknown): string | undefined {
  const first = asArray(v)[0];
  const t = typeof first === 'object' && first !== null ? (first as Node)['#text'] : first;
  if (typeof t !== 'string' && typeof t !== 'number') return undefined;
  const s = String(t).trim().replace(/\s+/g, ' ');
  return s === '' ? undefined : s;
}

const str = (node: unknown, path: string) => textOf(at(node, path));

/** A decimal as the contract writes it: dot decimal, no plus sign, no needless leading zeros. */
function decimal(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const m = /^([+-]?)0*(\d*)(?:\.(\d*))?$/.exec(v.trim());
  if (!m) return undefined;
  const int = m[2] || '0';
  const frac = m[3] ? `.${m[3]}` : '';
  const neg = m[1] === '-' && /[1-9]/.test(int + frac);
  return `${neg ? '-' : ''}${int}${frac}`;
}

/** UN/CEFACT date (format 102: YYYYMMDD; also ISO) → YYYY-MM-DD. */
function date(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(v.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

function address(party: unknown): string | undefined {
  const a = at(party, 'PostalTradeAddress');
  if (!a) return undefined;
  const street = ['LineOne', 'LineTwo', 'LineThree'].map((k) => str(a, k)).filter(Boolean);
  const city = [str(a, 'PostcodeCode'), str(a, 'CityName')].filter(Boolean).join(' ');
  const parts = [...street, city].filter((s): s is string => !!s);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** The party's tax registrations: VAT id (scheme VA) and other tax number (FC). */
function taxIds(party: unknown): { vat?: string; tax?: string } {
  const out: { vat?: string; tax?: string } = {};
  for (const reg of asArray(at(party, 'SpecifiedTaxRegistration'))) {
    const id = at(reg, 'ID');
    const value = textOf(id);
    const scheme = (asArray(id)[0] as Node | undefined)?.['@schemeID'];
    if (!value) continue;
    if (scheme === 'VA' && !out.vat) out.vat = value.replace(/\s+/g, '').toUpperCase();
    else if (scheme === 'FC' && !out.tax) out.tax = value;
  }
  return out;
}

/** The header amount in the invoice currency, where a total is given in two currencies (BT-110/111). */
function amountIn(sum: unknown, name: string, currency: string | undefined): string | undefined {
  const all = asArray(at(sum, name));
  const inCurrency = all.find(
    (a) => typeof a === 'object' && a !== null && (a as Node)['@currencyID'] === currency,
  );
  return decimal(textOf(inCurrency ?? all[0]));
}

const DOCUMENT_TYPES: Record<string, 'invoice' | 'credit_note'> = {
  '380': 'invoice',
  '384': 'invoice',
  '389': 'invoice',
  '875': 'invoice',
  '876': 'invoice',
  '877': 'invoice',
  '326': 'invoice',
  '381': 'credit_note',
  '261': 'credit_note',
  '262': 'credit_note',
  '396': 'credit_note',
};

function put<K extends DocumentField>(fields: EmbeddedInvoice['fields'], k: K, v: string | undefined): void {
  if (v !== undefined && v !== '') fields[k] = v;
}

/**
 * Parses an e-invoice XML. Returns undefined for XML that is no CII or ZUGFeRD 1.0 invoice (UBL, other
 * attachments) or names no invoice number and no total, and throws on XML that is not well-formed, declares a
 * DTD or is larger than MAX_XML_CHARS.
 */
export function parseEmbeddedInvoice(xml: string, file: string): EmbeddedInvoice | undefined {
  if (xml.length > MAX_XML_CHARS)
    throw new Error(`${file}: ${xml.length} characters, more than an e-invoice needs`);
  // CII and ZUGFeRD XML never declare a DTD; one that does may define entities that expand without bound.
  if (/<!DOCTYPE/i.test(xml)) throw new Error(`${file}: declares a DTD, which no e-invoice format uses`);
  // fast-xml-parser reads broken XML as far as it goes; a truncated invoice must not pass for a whole one.
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new Error(`${file}: not well-formed XML (${valid.err.msg}, line ${valid.err.line})`);
  const root = parser.parse(xml) as Node;
  const cii = root.CrossIndustryInvoice;
  const v1 = root.CrossIndustryDocument;
  const doc = cii ?? v1;
  if (typeof doc !== 'object' || doc === null) return undefined;
  const format = cii ? 'cii' : 'zugferd1';
  const header = at(doc, 'ExchangedDocument|HeaderExchangedDocument');
  const trade = at(doc, 'SupplyChainTradeTransaction|SpecifiedSupplyChainTradeTransaction');
  const agreement = at(trade, 'ApplicableHeaderTradeAgreement|ApplicableSupplyChainTradeAgreement');
  const delivery = at(trade, 'ApplicableHeaderTradeDelivery|ApplicableSupplyChainTradeDelivery');
  const settlement = at(trade, 'ApplicableHeaderTradeSettlement|ApplicableSupplyChainTradeSettlement');
  const sum = at(
    settlement,
    'SpecifiedTradeSettlementHeaderMonetarySummation|SpecifiedTradeSettlementMonetarySummation',
  );
  const seller = at(agreement, 'SellerTradeParty');
  const buyer = at(agreement, 'BuyerTradeParty');
  const currency = str(settlement, 'InvoiceCurrencyCode')?.toUpperCase();

  const fields: EmbeddedInvoice['fields'] = {};
  put(fields, 'invoice_number', str(header, 'ID'));
  const type = str(header, 'TypeCode');
  put(fields, 'document_type', type ? DOCUMENT_TYPES[type] : undefined);
  put(fields, 'issue_date', date(str(header, 'IssueDateTime/DateTimeString')));
  // Several payment terms may be given (instalments, discounts): the first that names a due date or a text.
  const terms = asArray(at(settlement, 'SpecifiedTradePaymentTerms'));
  const firstOf = (path: string) => terms.map((t) => str(t, path)).find((v) => v !== undefined);
  put(fields, 'due_date', date(firstOf('DueDateDateTime/DateTimeString')));
  put(
    fields,
    'delivery_date',
    date(str(delivery, 'ActualDeliverySupplyChainEvent/OccurrenceDateTime/DateTimeString')),
  );
  put(fields, 'purchase_order', str(agreement, 'BuyerOrderReferencedDocument/IssuerAssignedID|ID'));
  put(fields, 'currency', currency);
  put(fields, 'payment_terms', firstOf('Description'));
  put(fields, 'supplier_name', str(seller, 'Name'));
  put(fields, 'supplier_address', address(seller));
  const sellerIds = taxIds(seller);
  put(fields, 'supplier_vat_id', sellerIds.vat);
  put(fields, 'supplier_tax_id', sellerIds.tax);
  // The seller's electronic address (BT-34) is an e-mail only under scheme EM; others are Peppol or GLN ids.
  const email = [
    str(seller, 'URIUniversalCommunication/URIID'),
    str(seller, 'DefinedTradeContact/EmailURIUniversalCommunication/URIID'),
  ].find((v) => v?.includes('@'));
  put(fields, 'supplier_email', email);
  put(
    fields,
    'supplier_phone',
    str(seller, 'DefinedTradeContact/TelephoneUniversalCommunication/CompleteNumber'),
  );
  put(fields, 'customer_name', str(buyer, 'Name'));
  put(fields, 'customer_address', address(buyer));
  put(fields, 'customer_vat_id', taxIds(buyer).vat);
  put(fields, 'customer_id', str(buyer, 'ID'));
  const means = asArray(at(settlement, 'SpecifiedTradeSettlementPaymentMeans'));
  const iban = means.map((m) => str(m, 'PayeePartyCreditorFinancialAccount/IBANID')).find(Boolean);
  put(fields, 'iban', iban?.replace(/\s+/g, '').toUpperCase());
  const bic = means.map((m) => str(m, 'PayeeSpecifiedCreditorFinancialInstitution/BICID')).find(Boolean);
  put(fields, 'bic', bic?.replace(/\s+/g, '').toUpperCase());
  put(fields, 'payment_reference', str(settlement, 'PaymentReference'));
  put(fields, 'subtotal_amount', amountIn(sum, 'TaxBasisTotalAmount', currency));
  put(fields, 'tax_amount', amountIn(sum, 'TaxTotalAmount', currency));
  put(fields, 'total_amount', amountIn(sum, 'GrandTotalAmount', currency));
  put(fields, 'amount_due', amountIn(sum, 'DuePayableAmount', currency));

  const lineItems = asArray(at(trade, 'IncludedSupplyChainTradeLineItem')).map((li): EmbeddedLineItem => {
    const lineAgreement = at(li, 'SpecifiedLineTradeAgreement|SpecifiedSupplyChainTradeAgreement');
    const lineDelivery = at(li, 'SpecifiedLineTradeDelivery|SpecifiedSupplyChainTradeDelivery');
    const lineSettlement = at(li, 'SpecifiedLineTradeSettlement|SpecifiedSupplyChainTradeSettlement');
    const qty = asArray(at(lineDelivery, 'BilledQuantity'))[0] as Node | string | undefined;
    const item: EmbeddedLineItem = {};
    const set = <K extends keyof EmbeddedLineItem>(k: K, v: string | undefined) => {
      if (v !== undefined && v !== '') item[k] = v;
    };
    set('description', str(li, 'SpecifiedTradeProduct/Name'));
    set(
      'product_code',
      str(li, 'SpecifiedTradeProduct/SellerAssignedID') ?? str(li, 'SpecifiedTradeProduct/GlobalID'),
    );
    set('quantity', decimal(textOf(qty)));
    set('unit', typeof qty === 'object' ? (qty['@unitCode'] as string | undefined) : undefined);
    set('unit_price', decimal(str(lineAgreement, 'NetPriceProductTradePrice/ChargeAmount')));
    set(
      'amount',
      decimal(
        str(
          lineSettlement,
          'SpecifiedTradeSettlementLineMonetarySummation|SpecifiedTradeSettlementMonetarySummation/LineTotalAmount',
        ),
      ),
    );
    set(
      'tax_rate',
      decimal(str(lineSettlement, 'ApplicableTradeTax/RateApplicablePercent|ApplicablePercent')),
    );
    return item;
  });
  const taxBreakdown = asArray(at(settlement, 'ApplicableTradeTax')).flatMap((t) => {
    const rate = decimal(str(t, 'RateApplicablePercent|ApplicablePercent'));
    if (rate === undefined) return [];
    const row: EmbeddedInvoice['taxBreakdown'][number] = { rate };
    const basis = decimal(str(t, 'BasisAmount'));
    const tax = decimal(str(t, 'CalculatedAmount'));
    if (basis !== undefined) row.taxable_amount = basis;
    if (tax !== undefined) row.tax_amount = tax;
    return [row];
  });
  if (!fields.invoice_number && !fields.total_amount) return undefined;
  const out: EmbeddedInvoice = { format, file, fields, lineItems, taxBreakdown };
  const profile = str(
    doc,
    'ExchangedDocumentContext|SpecifiedExchangedDocumentContext/GuidelineSpecifiedDocumentContextParameter/ID',
  );
  if (profile) out.profile = profile;
  const prepaid = amountIn(sum, 'TotalPrepaidAmount', currency);
  if (prepaid !== undefined) out.prepaid = prepaid;
  return out;
}
