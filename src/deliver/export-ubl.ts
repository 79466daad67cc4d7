/**
 * UBL 2.1 export: an Invoice, or a CreditNote for credit notes, in the Peppol BIS Billing 3.0 subset that our
 * fields cover. Elements follow the xsd:sequence order of UBL-Invoice-2.1.xsd / UBL-CreditNote-2.1.xsd and
 * UBL-CommonAggregateComponents-2.1.xsd; tests validate the output against those schemas with xmllint.
 *
 * Where the XSD requires something we did not extract, the export uses the best available value and says so
 * in the document's cbc:Note:
 * - ID: the invoice number, else the invex document id (`sha256:…`).
 * - IssueDate: the issue date, else the delivery date, else the export date.
 * - Currency (DocumentCurrencyCode and every currencyID): the extracted currency, else `defaultCurrency` (EUR).
 * - PayableAmount: amount due, else total, else net + tax, else net, else the sum of the lines, else 0.
 * - At least one line: with no line items, one line for the whole net amount (or the total).
 * Optional blocks we have no data for (a party's address, payment means, delivery...) are left out.
 * Credit notes printed with negative amounts are written with positive amounts (the type carries the sign).
 * XSD validity is checked; the Peppol/EN 16931 Schematron business rules are not.
 */
import { Decimal } from 'decimal.js';
import { create } from 'xmlbuilder2';
import type { Invoice } from '../assemble/schema.js';
import type { DocumentField } from '../ner/labels.js';

const NS = {
  invoice: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
  creditNote: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
};

// Peppol BIS Billing 3.0 identifiers (docs.peppol.eu/poacc/billing/3.0, BT-24 and BT-23).
export const PEPPOL_CUSTOMIZATION_ID =
  'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0';
export const PEPPOL_PROFILE_ID = 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0';

export interface UblOptions {
  /** The export date, used only when the issue date is missing. */
  now?: Date;
  /** Currency when none was extracted (ISO 4217). */
  defaultCurrency?: string;
}

type Node = ReturnType<typeof create>;

// XML 1.0 forbids most C0 controls; OCR text can contain them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters being removed
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function clean(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = s.replace(XML_INVALID, '').trim();
  return t === '' ? undefined : t;
}

function validDate(s: string | undefined): string | undefined {
  if (s === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return undefined;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s) ? s : undefined;
}

function decimal(s: string | undefined): Decimal | undefined {
  if (s === undefined) return undefined;
  try {
    const d = new Decimal(s);
    return d.isFinite() ? d : undefined;
  } catch {
    return undefined;
  }
}

/** Plain notation, no negative zero. */
function plain(d: Decimal): string {
  return d.isZero() ? '0' : d.toFixed();
}

/** Unit prices keep their precision, with at least 2 decimals. */
function priceText(d: Decimal): string {
  return d.toFixed(Math.max(2, d.decimalPlaces()));
}

/** Amounts with 2 decimals (Peppol BR-DEC rules allow at most 2), half-up. */
function money(d: Decimal): string {
  return d.isZero() ? '0.00' : d.toFixed(2, Decimal.ROUND_HALF_UP);
}

// UN/ECE Recommendation 20 unit codes for units as printed; C62 ("one") when unknown.
const UNIT_CODES: Record<string, string> = {
  pc: 'H87',
  pcs: 'H87',
  piece: 'H87',
  pieces: 'H87',
  stk: 'H87',
  st: 'H87',
  stück: 'H87',
  ea: 'EA',
  each: 'EA',
  h: 'HUR',
  hr: 'HUR',
  hrs: 'HUR',
  hour: 'HUR',
  hours: 'HUR',
  std: 'HUR',
  stunde: 'HUR',
  stunden: 'HUR',
  min: 'MIN',
  d: 'DAY',
  day: 'DAY',
  days: 'DAY',
  tag: 'DAY',
  tage: 'DAY',
  wk: 'WEE',
  week: 'WEE',
  weeks: 'WEE',
  month: 'MON',
  months: 'MON',
  mo: 'MON',
  monat: 'MON',
  year: 'ANN',
  kg: 'KGM',
  g: 'GRM',
  t: 'TNE',
  l: 'LTR',
  ltr: 'LTR',
  litre: 'LTR',
  liter: 'LTR',
  ml: 'MLT',
  m: 'MTR',
  km: 'KMT',
  cm: 'CMT',
  mm: 'MMT',
  m2: 'MTK',
  'm²': 'MTK',
  m3: 'MTQ',
  'm³': 'MTQ',
  kwh: 'KWH',
  set: 'SET',
  pair: 'PR',
  box: 'XBX',
  pack: 'XPK',
  pkg: 'XPK',
};

export function unitCode(unit: string | undefined): string {
  if (unit === undefined) return 'C62';
  const u = unit.trim().toLowerCase().replace(/\.$/, '');
  return UNIT_CODES[u] ?? (/^[A-Z0-9]{2,3}$/.test(unit.trim()) ? unit.trim() : 'C62');
}

// VAT id prefixes (EU, plus GB, XI, CH, NO) → ISO 3166 country; Greece's VAT prefix is EL.
const VAT_COUNTRY: Record<string, string> = {
  EL: 'GR',
  XI: 'GB',
  ...Object.fromEntries(
    'AT BE BG CY CZ DE DK EE ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK GB CH NO'
      .split(' ')
      .map((c) => [c, c]),
  ),
};

function countryFromVat(vat: string | undefined): string | undefined {
  const prefix = vat?.replace(/\s/g, '').slice(0, 2).toUpperCase();
  return prefix ? VAT_COUNTRY[prefix] : undefined;
}

// "10115 Berlin", "1234 AB Amsterdam", "123 45 Stockholm"; or "London SW1A 1AA" (UK puts the code last).
const ZONE_FIRST = /^(\d{4} ?[A-Z]{2}(?= )|\d{4,5}|\d{3} \d{2}|[A-Z]{1,2}-\d{4,5})\s+(\p{L}.*)$/u;
const UK_LAST = /^(\p{L}[\p{L} .'-]*?)\s+([A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$/u;

interface Address {
  street?: string;
  city?: string;
  zone?: string;
  lines: string[];
}

/** An address as printed, lines joined by ", ", split into street, postal zone + city, and the rest. */
export function splitAddress(address: string): Address {
  const segs = address
    .split(/\s*,\s*/)
    .map((s) => s.trim())
    .filter(Boolean);
  const out: Address = { lines: [] };
  let cityAt = -1;
  for (let i = segs.length - 1; i >= 0 && cityAt < 0; i--) {
    const s = segs[i] ?? '';
    const m = ZONE_FIRST.exec(s);
    const uk = m ? null : UK_LAST.exec(s);
    if (m?.[1] && m[2]) [out.zone, out.city, cityAt] = [m[1], m[2], i];
    else if (uk?.[1] && uk[2]) [out.city, out.zone, cityAt] = [uk[1], uk[2], i];
  }
  segs.forEach((s, i) => {
    if (i === cityAt) return;
    if (out.street === undefined && i === 0) out.street = s;
    else out.lines.push(s);
  });
  return out;
}

/** Builds the document; one instance per export. */
class UblWriter {
  private readonly notes: string[] = [];
  private readonly isCredit: boolean;
  private readonly flip: boolean;
  readonly currency: string;

  constructor(
    private readonly inv: Invoice,
    private readonly opts: UblOptions,
  ) {
    this.isCredit = this.text('document_type') === 'credit_note';
    const cur = this.text('currency');
    this.currency = cur && /^[A-Z]{3}$/.test(cur) ? cur : (opts.defaultCurrency ?? 'EUR');
    if (!cur) this.notes.push(`Currency not found in the source; ${this.currency} assumed.`);
    // A credit note printed with negative totals: UBL credit notes carry positive amounts.
    const head = (['amount_due', 'total_amount', 'subtotal_amount'] as const).map((f) =>
      decimal(this.text(f)),
    );
    const sign = head.find((d) => d !== undefined && !d.isZero());
    this.flip = this.isCredit && sign?.isNegative() === true;
  }

  private text(f: DocumentField): string | undefined {
    const v = this.inv.fields[f]?.value;
    return clean(v === undefined ? undefined : String(v));
  }

  private num(f: DocumentField): Decimal | undefined {
    const d = decimal(this.text(f));
    return d && this.flip ? d.neg() : d;
  }

  private cbc(parent: Node, name: string, value: string | undefined, attrs?: Record<string, string>): void {
    const v = clean(value);
    // xmlbuilder2 leaves `&amp;`-like text unescaped (it takes it for an entity): escape every & first.
    if (v !== undefined) parent.ele(NS.cbc, `cbc:${name}`, attrs).txt(v.replace(/&/g, '&amp;'));
  }

  private cac(parent: Node, name: string): Node {
    return parent.ele(NS.cac, `cac:${name}`);
  }

  private amount(parent: Node, name: string, d: Decimal | undefined): void {
    if (d !== undefined) this.cbc(parent, name, money(d), { currencyID: this.currency });
  }

  private taxCategory(parent: Node, name: 'TaxCategory' | 'ClassifiedTaxCategory', rate: Decimal): void {
    const cat = this.cac(parent, name);
    // UNCL5305: S standard rate, Z zero rated (EN 16931 BR-S-05 wants S rates above zero).
    this.cbc(cat, 'ID', rate.isZero() ? 'Z' : 'S');
    this.cbc(cat, 'Percent', plain(rate));
    this.cbc(this.cac(cat, 'TaxScheme'), 'ID', 'VAT');
  }

  private party(parent: Node, role: 'supplier' | 'customer'): void {
    const p = (f: string) => this.text(`${role}_${f}` as DocumentField);
    const name = p('name');
    const address = p('address');
    const vat = p('vat_id');
    const taxId = role === 'supplier' ? p('tax_id') : undefined;
    const email = role === 'supplier' ? p('email') : undefined;
    const phone = role === 'supplier' ? p('phone') : undefined;
    const website = role === 'supplier' ? p('website') : undefined;
    const id = role === 'customer' ? p('id') : undefined;
    const wrapper = this.cac(
      parent,
      role === 'supplier' ? 'AccountingSupplierParty' : 'AccountingCustomerParty',
    );
    if ([name, address, vat, taxId, email, phone, website, id].every((v) => v === undefined)) return;
    // PartyType sequence: WebsiteURI, EndpointID, PartyIdentification, PartyName, PostalAddress,
    // PartyTaxScheme, PartyLegalEntity, Contact.
    const party = this.cac(wrapper, 'Party');
    this.cbc(party, 'WebsiteURI', website);
    // Peppol EAS code EM: an e-mail address as the electronic address (BT-34).
    this.cbc(party, 'EndpointID', email, { schemeID: 'EM' });
    if (id) this.cbc(this.cac(party, 'PartyIdentification'), 'ID', id);
    if (name) this.cbc(this.cac(party, 'PartyName'), 'Name', name);
    const country = countryFromVat(vat);
    if (address || country) {
      const pa = this.cac(party, 'PostalAddress');
      const a = address ? splitAddress(address) : { lines: [] };
      this.cbc(pa, 'StreetName', a.street);
      this.cbc(pa, 'CityName', a.city);
      this.cbc(pa, 'PostalZone', a.zone);
      for (const line of a.lines) this.cbc(this.cac(pa, 'AddressLine'), 'Line', line);
      if (country) this.cbc(this.cac(pa, 'Country'), 'IdentificationCode', country);
    }
    for (const [companyId, scheme] of [
      [vat, 'VAT'],
      // Peppol: BT-32, the seller's tax registration id, uses a TaxScheme other than VAT.
      [taxId, 'TAX'],
    ] as const) {
      if (!companyId) continue;
      const pts = this.cac(party, 'PartyTaxScheme');
      this.cbc(pts, 'CompanyID', companyId);
      this.cbc(this.cac(pts, 'TaxScheme'), 'ID', scheme);
    }
    // Peppol: the legal name (BT-27 / BT-44) is PartyLegalEntity/RegistrationName.
    if (name) this.cbc(this.cac(party, 'PartyLegalEntity'), 'RegistrationName', name);
    if (phone || email) {
      const c = this.cac(party, 'Contact');
      this.cbc(c, 'Telephone', phone);
      this.cbc(c, 'ElectronicMail', email);
    }
  }

  /** Line items with quantity, price and amount made consistent (price ≥ 0, BR-27; quantity carries the sign). */
  private lines() {
    return this.inv.line_items.map((li, i) => {
      const get = (v: { value: string | number } | undefined) =>
        clean(v === undefined ? undefined : String(v.value));
      let qty = decimal(get(li.quantity));
      let price = decimal(get(li.unit_price));
      let amount = decimal(get(li.amount));
      if (this.flip) amount = amount?.neg();
      if (amount === undefined && qty !== undefined && price !== undefined) {
        amount = qty.mul(price).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
        if (this.flip) amount = amount.neg();
      }
      if (qty === undefined && amount !== undefined && price !== undefined && !price.isZero()) {
        qty = amount.div(price).abs().toDecimalPlaces(4);
      }
      qty ??= new Decimal(1);
      amount ??= price ?? new Decimal(0);
      price = price?.abs() ?? (qty.isZero() ? amount.abs() : amount.div(qty).abs().toDecimalPlaces(4));
      qty = amount.isNegative() ? qty.abs().neg() : amount.isZero() ? qty : qty.abs();
      return {
        id: String(i + 1),
        qty,
        unit: unitCode(get(li.unit)),
        amount,
        price,
        name: get(li.description) ?? get(li.product_code) ?? `Line ${i + 1}`,
        code: get(li.product_code),
        rate: decimal(get(li.tax_rate)),
      };
    });
  }

  build(): string {
    const inv = this.inv;
    const kind = this.isCredit ? 'CreditNote' : 'Invoice';
    const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(
      this.isCredit ? NS.creditNote : NS.invoice,
      kind,
      { 'xmlns:cac': NS.cac, 'xmlns:cbc': NS.cbc },
    );

    const number = this.text('invoice_number');
    if (!number)
      this.notes.push(`Invoice number not found; the invex document id ${inv.document.id} is used as ID.`);
    let issue = validDate(this.text('issue_date'));
    if (!issue) {
      const delivery = validDate(this.text('delivery_date'));
      issue = delivery ?? (this.opts.now ?? new Date()).toISOString().slice(0, 10);
      this.notes.push(`Issue date not found; ${delivery ? 'the delivery date' : 'the export date'} is used.`);
    }
    const due = validDate(this.text('due_date'));
    const rates = this.inv.tax_breakdown.map((t) => decimal(t.rate)).filter((d) => d !== undefined);
    const lines = this.lines();
    const oneRate =
      rates.length === 1
        ? rates[0]
        : lines.length > 0 && lines.every((l) => l.rate && lines[0]?.rate?.eq(l.rate))
          ? lines[0]?.rate
          : undefined;

    // Totals (BT-106..BT-115).
    const lineSum =
      lines.length > 0 &&
      this.inv.line_items.every((li) => li.amount !== undefined || (li.quantity && li.unit_price))
        ? lines.reduce((s, l) => s.add(l.amount), new Decimal(0))
        : undefined;
    const subtotal = this.num('subtotal_amount');
    const total = this.num('total_amount');
    const due_ = this.num('amount_due');
    const breakdown = this.inv.tax_breakdown.flatMap((t) => {
      const rate = decimal(t.rate);
      const sign = (d: Decimal | undefined) => (d && this.flip ? d.neg() : d);
      const taxable = sign(decimal(t.taxable_amount));
      const tax =
        sign(decimal(t.tax_amount)) ??
        taxable
          ?.mul(rate ?? 0)
          .div(100)
          .toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
      return rate && tax ? [{ rate, taxable, tax }] : [];
    });
    let taxTotal = this.num('tax_amount');
    if (taxTotal === undefined && breakdown.length > 0) {
      taxTotal = breakdown.reduce((s, b) => s.add(b.tax), new Decimal(0));
    }
    const lineExt = lineSum ?? subtotal;
    const taxExcl = subtotal ?? lineSum ?? (total && taxTotal ? total.sub(taxTotal) : undefined);
    const taxIncl = total ?? (taxExcl && taxTotal ? taxExcl.add(taxTotal) : undefined);
    let payable = due_ ?? taxIncl ?? taxExcl;
    if (payable === undefined) {
      payable = new Decimal(0);
      this.notes.push('No total amount found; PayableAmount is 0.');
    }
    const prepaid = taxIncl && due_ && !taxIncl.eq(due_) ? taxIncl.sub(due_) : undefined;
    if (lines.length === 0)
      this.notes.push(
        'No line items were extracted; one line carries the net amount (the total when the net is unknown).',
      );

    // Header, in xsd:sequence order.
    this.cbc(root, 'CustomizationID', PEPPOL_CUSTOMIZATION_ID);
    this.cbc(root, 'ProfileID', PEPPOL_PROFILE_ID);
    this.cbc(root, 'ID', number ?? inv.document.id);
    this.cbc(root, 'IssueDate', issue);
    if (!this.isCredit) this.cbc(root, 'DueDate', due); // CreditNote has no DueDate: PaymentMeans below
    this.cbc(root, this.isCredit ? 'CreditNoteTypeCode' : 'InvoiceTypeCode', this.isCredit ? '381' : '380');
    // Peppol allows one Note (BT-22): all export remarks go into it.
    if (this.notes.length > 0) this.cbc(root, 'Note', `invex export: ${this.notes.join(' ')}`);
    this.cbc(root, 'DocumentCurrencyCode', this.currency);
    const po = this.text('purchase_order');
    if (po) this.cbc(this.cac(root, 'OrderReference'), 'ID', po);
    this.party(root, 'supplier');
    this.party(root, 'customer');
    const delivery = validDate(this.text('delivery_date'));
    if (delivery) this.cbc(this.cac(root, 'Delivery'), 'ActualDeliveryDate', delivery);

    const iban = this.text('iban');
    const bic = this.text('bic');
    const reference = this.text('payment_reference');
    const creditDue = this.isCredit ? due : undefined;
    if (iban || reference || creditDue) {
      const pm = this.cac(root, 'PaymentMeans');
      // UNCL4461: 58 SEPA credit transfer (euro only), 30 credit transfer, 1 not defined.
      this.cbc(
        pm,
        'PaymentMeansCode',
        iban ? (this.currency === 'EUR' ? '58' : '30') : reference ? '30' : '1',
      );
      this.cbc(pm, 'PaymentDueDate', creditDue);
      this.cbc(pm, 'PaymentID', reference);
      if (iban) {
        const acct = this.cac(pm, 'PayeeFinancialAccount');
        this.cbc(acct, 'ID', iban);
        if (bic) this.cbc(this.cac(acct, 'FinancialInstitutionBranch'), 'ID', bic);
      }
    }
    const terms = this.text('payment_terms');
    if (terms) this.cbc(this.cac(root, 'PaymentTerms'), 'Note', terms);

    if (taxTotal !== undefined) {
      const tt = this.cac(root, 'TaxTotal');
      this.amount(tt, 'TaxAmount', taxTotal);
      const subs =
        breakdown.length > 0
          ? breakdown
          : oneRate && taxExcl
            ? [{ rate: oneRate, taxable: taxExcl, tax: taxTotal }]
            : [];
      for (const b of subs) {
        const st = this.cac(tt, 'TaxSubtotal');
        this.amount(st, 'TaxableAmount', b.taxable);
        this.amount(st, 'TaxAmount', b.tax);
        this.taxCategory(st, 'TaxCategory', b.rate);
      }
    }

    const lmt = this.cac(root, 'LegalMonetaryTotal');
    this.amount(lmt, 'LineExtensionAmount', lineExt ?? taxExcl);
    this.amount(lmt, 'TaxExclusiveAmount', taxExcl);
    this.amount(lmt, 'TaxInclusiveAmount', taxIncl);
    this.amount(lmt, 'PrepaidAmount', prepaid);
    this.amount(lmt, 'PayableAmount', payable);

    const bodyLines =
      lines.length > 0
        ? lines
        : [
            {
              id: '1',
              qty: new Decimal(1),
              unit: 'C62',
              amount: lineExt ?? taxExcl ?? payable,
              price: (lineExt ?? taxExcl ?? payable).abs(),
              name: this.isCredit ? 'Credit note total' : 'Invoice total',
              code: undefined,
              rate: oneRate,
            },
          ];
    for (const l of bodyLines) {
      const el = this.cac(root, this.isCredit ? 'CreditNoteLine' : 'InvoiceLine');
      this.cbc(el, 'ID', l.id);
      this.cbc(el, this.isCredit ? 'CreditedQuantity' : 'InvoicedQuantity', plain(l.qty), {
        unitCode: l.unit,
      });
      this.amount(el, 'LineExtensionAmount', l.amount);
      const item = this.cac(el, 'Item');
      this.cbc(item, 'Name', l.name);
      if (l.code) this.cbc(this.cac(item, 'SellersItemIdentification'), 'ID', l.code);
      const rate = l.rate ?? oneRate;
      if (rate) this.taxCategory(item, 'ClassifiedTaxCategory', rate);
      const price = this.cac(el, 'Price');
      this.cbc(price, 'PriceAmount', priceText(l.price), { currencyID: this.currency });
    }
    return root.end({ prettyPrint: true });
  }
}

/** The invoice as UBL 2.1 XML: `<Invoice>` (type code 380), or `<CreditNote>` (381) for credit notes. */
export function invoiceToUbl(invoice: Invoice, opts: UblOptions = {}): string {
  return new UblWriter(invoice, opts).build();
}
