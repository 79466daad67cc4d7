/**
 * A random invoice, credit note or receipt: parties, numbers, dates, line items and totals. Money is
 * Decimal and the totals are computed from the lines, so subtotal + tax = total always holds.
 */
import { safeText } from './fonts.js';
import { addDays, type Currency, Decimal, type MoneyStyle, type NumberFormat, type Ymd } from './formats.js';
import { fakerFor, LOCALES, type LocaleId, type LocaleSpec, makeBic, makeIban } from './locales.js';
import type { Rng } from './rng.js';
import { ITEM_WORDS, PAYMENT_TERMS, UNITS } from './vocab.js';

export type DocKind = 'invoice' | 'credit_note' | 'receipt';

export interface Party {
  name: string;
  /** Street, optional extra line, postcode + city, optional country: as printed, one per line. */
  address: string[];
  contact?: string;
  email?: string;
  phone?: string;
  fax?: string;
  website?: string;
  vatId?: string;
  taxId?: string;
  regNo?: string;
}

export interface Item {
  pos: number;
  code?: string;
  description: string;
  quantity: Decimal;
  unit?: string;
  unitPrice: Decimal;
  /** quantity × unitPrice rounded half-up to cents (gross when prices include tax). */
  amount: Decimal;
  taxRate: Decimal;
}

export interface TaxLine {
  rate: Decimal;
  base: Decimal;
  amount: Decimal;
}

export interface Bank {
  name: string;
  iban?: string;
  bic?: string;
  /** Domestic account number where no IBAN is used (US, MY). */
  account?: string;
  routing?: string;
  holder: string;
}

export interface ReceiptInfo {
  time: string;
  cashier: string;
  terminal: string;
  cash: Decimal;
  change: Decimal;
}

export interface Invoice {
  kind: DocKind;
  locale: LocaleSpec;
  currency: Currency;
  money: MoneyStyle;
  /** The document's date pattern (formats.ts tokens). */
  dateFormat: string;
  rateStyle: 'plain' | 'space' | 'fixed2';
  number: string;
  issueDate: Ymd;
  dueDate?: Ymd;
  deliveryDate?: Ymd;
  orderDate?: Ymd;
  purchaseOrder?: string;
  customerId?: string;
  paymentTerms?: string;
  paymentReference?: string;
  supplier: Party;
  customer: Party;
  shipTo?: Party;
  items: Item[];
  pricesIncludeTax: boolean;
  taxes: TaxLine[];
  subtotal: Decimal;
  taxTotal: Decimal;
  total: Decimal;
  amountPaid?: Decimal;
  previousBalance?: Decimal;
  amountDue: Decimal;
  bank?: Bank;
  /** Credit notes: the invoice they correct (a number that looks like an invoice number). */
  originalInvoice?: string;
  reverseCharge: boolean;
  /** Numbers that look like invoice numbers but are not. */
  distractors: { deliveryNote: string; orderNo: string; reference: string };
  receipt?: ReceiptInfo;
  /** Free text lines (notes, thanks). */
  note?: string;
}

export interface InvoiceOptions {
  kind?: DocKind;
  minItems?: number;
  maxItems?: number;
}

const r2 = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
const ASCII_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** An invoice number in one of many real-world styles. */
export function invoiceNumber(rng: Rng, date: Ymd, kind: DocKind): string {
  const y = String(date.y);
  const yy = y.slice(2);
  const mm = String(date.m).padStart(2, '0');
  const n = (w: number) => String(rng.int(1, 10 ** w - 1)).padStart(w, '0');
  const free = (w: number) => String(rng.int(10 ** (w - 1), 10 ** w - 1));
  if (kind === 'credit_note') {
    return rng.pick([
      `CN-${y}-${n(4)}`,
      `GS${free(5)}`,
      `AV-${n(5)}`,
      `NC/${y}/${n(3)}`,
      `CR${free(6)}`,
      `${yy}${n(5)}`,
      `G-${y}-${n(3)}`,
      `RC-${n(6)}`,
    ]);
  }
  if (kind === 'receipt') {
    return rng.pick([
      `CS${n(8)}`,
      free(6),
      `T${n(4)}-${n(6)}`,
      `OR${free(5)}`,
      `${rng.chars(2, ASCII_UPPER)}${n(7)}`,
      `#${free(5)}`,
      `${n(3)}-${n(6)}`,
      `INV${free(6)}`,
      `${free(4)}/${n(4)}`,
    ]);
  }
  return rng.pick([
    `INV-${y}-${n(4)}`,
    `${y}-${mm}-${n(4)}`,
    `RE${free(5)}`,
    `F-${n(6)}`,
    free(4),
    `A/${y}/${rng.int(1, 999)}`,
    `${yy}${n(5)}`,
    `INV${free(6)}`,
    `R${y}${n(4)}`,
    `FA${yy}${mm}-${n(3)}`,
    `${rng.int(1, 999)}/${y}`,
    `FV/${n(4)}/${mm}/${y}`,
    `${y}.${n(4)}`,
    `SI-${n(6)}`,
    `${rng.chars(2, ASCII_UPPER)}${n(6)}`,
    `FAC-${y}-${n(5)}`,
    free(8),
    `RG-${free(5)}`,
    `${y}${n(5)}`,
    `${free(3)}-${free(4)}`,
    `INV-${free(5)}`,
    `${yy}-${n(4)}`,
  ]);
}

/** ISO 11649 creditor reference: RF + check digits + reference. */
function rfReference(rng: Rng): string {
  const ref = rng.chars(rng.int(6, 12), `${ASCII_UPPER}0123456789`);
  const numeric = `${ref}RF00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  const check = 98n - (BigInt(numeric) % 97n);
  const s = `RF${String(check).padStart(2, '0')}${ref}`;
  return s.replace(/(.{4})/g, '$1 ').trim();
}

function slug(s: string): string {
  return (
    s
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .split('-')
      .filter((w) => w.length > 1 && !['und', 'and', 'et', 'y', 'e', 'en', 'van', 'de', 'der'].includes(w))
      .slice(0, 2)
      .join('-') || 'firma'
  );
}

const TLD: Record<string, readonly string[]> = {
  US: ['com', 'com', 'net', 'us', 'io'],
  GB: ['co.uk', 'co.uk', 'com', 'uk'],
  DE: ['de', 'de', 'com', 'eu'],
  CH: ['ch', 'ch', 'com'],
  FR: ['fr', 'fr', 'com', 'eu'],
  ES: ['es', 'es', 'com'],
  IT: ['it', 'it', 'com'],
  NL: ['nl', 'nl', 'com', 'eu'],
  MY: ['com.my', 'my', 'com'],
};

const MY_STREETS = ['JALAN', 'JLN', 'LORONG', 'PERSIARAN', 'LEBUH'];
const MY_NAMES = [
  'SS 2/24',
  'BUKIT BINTANG',
  'IPOH',
  'TUN RAZAK',
  'PUDU',
  'KLANG LAMA',
  'USJ 10/1',
  'PJU 1A/3',
  'PERDANA 3',
  'MERANTI',
  'KENANGA',
  'SEROJA 5',
  'DAMAI 2',
  'BESAR',
  'TPP 5',
];
const MY_TAMAN = [
  'TAMAN BAHAGIA',
  'TAMAN MELAWATI',
  'TAMAN SRI MUDA',
  'BANDAR BARU',
  'TAMAN PERLING',
  'TAMAN CONNAUGHT',
];
const MY_CITIES = [
  ['47300', 'PETALING JAYA', 'SELANGOR'],
  ['50450', 'KUALA LUMPUR', 'W.P. KUALA LUMPUR'],
  ['40150', 'SHAH ALAM', 'SELANGOR'],
  ['81100', 'JOHOR BAHRU', 'JOHOR'],
  ['41200', 'KLANG', 'SELANGOR'],
  ['47100', 'PUCHONG', 'SELANGOR'],
  ['43300', 'SERI KEMBANGAN', 'SELANGOR'],
  ['30450', 'IPOH', 'PERAK'],
  ['10200', 'GEORGETOWN', 'PULAU PINANG'],
  ['70200', 'SEREMBAN', 'NEGERI SEMBILAN'],
] as const;
export const MY_SHOP_WORDS = [
  'KEDAI',
  'SYARIKAT',
  'MINI MARKET',
  'HARDWARE',
  'BOOK',
  'STATIONERY',
  'RESTORAN',
  'KEDAI RUNCIT',
  'PHARMACY',
  'BAKERY',
  'TRADING',
  'FRESH MART',
];
export const MY_NAME_WORDS = [
  'SIN',
  'CHUAN',
  'HENG',
  'SOON',
  'LEONG',
  'KHIND',
  'MAJU',
  'JAYA',
  'SENTOSA',
  'GOLDEN',
  'UNIHAKKA',
  'GARDENIA',
  'PERNIAGAAN',
  'AIK',
  'HUAT',
  'WAH',
  'MEI',
  'LIAN',
  'BESTARI',
  'MEGAH',
];
const MY_ITEMS = [
  'MILO 1KG',
  'GARDENIA BREAD',
  '100PLUS 1.5L',
  'NASI LEMAK',
  'TEH TARIK',
  'KOPI O',
  'MEE GORENG',
  'ROTI CANAI',
  'AIR MINERAL 500ML',
  'SCREW 2IN',
  'PVC PIPE 1/2"',
  'A4 PAPER 70GSM',
  'PEN BLUE 0.5',
  'EXERCISE BOOK 80PG',
  'CABLE TIE 200MM',
  'GLUE STICK',
  'DETERGENT 3KG',
  'RICE 5KG',
  'SUGAR 1KG',
  'COOKING OIL 2KG',
  'MAGGI KARI',
  'CHICKEN RICE',
  'ICED LEMON TEA',
  'BATTERY AA 4S',
  'PAINT BRUSH 2"',
  'SANDPAPER',
  'HOSE CLIP',
  'TISSUE 3PLY',
  'EGG GRADE A 10S',
  'ONION 1KG',
];

function myPhone(rng: Rng): string {
  return rng.pick([
    `0${rng.int(3, 9)}-${rng.digits(4)} ${rng.digits(4)}`,
    `01${rng.int(0, 9)}-${rng.digits(3)} ${rng.digits(4)}`,
    `0${rng.int(3, 9)}-${rng.digits(7)}`,
    `+60 ${rng.int(3, 9)}-${rng.digits(4)} ${rng.digits(4)}`,
  ]);
}

function myAddress(rng: Rng): string[] {
  const [zip, city, state] = rng.pick(MY_CITIES);
  const street = `NO. ${rng.int(1, 188)}${rng.chance(0.2) ? rng.pick(['A', 'B', '-1', '-G']) : ''}, ${rng.pick(MY_STREETS)} ${rng.pick(MY_NAMES)},`;
  const lines = [street];
  if (rng.chance(0.6)) lines.push(`${rng.pick(MY_TAMAN)},`);
  lines.push(rng.chance(0.5) ? `${zip} ${city}, ${state}.` : `${zip} ${city},`);
  if (lines.length < 4 && rng.chance(0.3)) lines.push(`${state}.`);
  return lines;
}

/** A postal address in the locale's layout. */
function address(rng: Rng, loc: LocaleSpec, withCountry: boolean): string[] {
  if (loc.id === 'en-MY') return myAddress(rng);
  const f = fakerFor(loc.id);
  const street = f.location.streetAddress(rng.chance(0.15));
  const city = f.location.city();
  const zip = f.location.zipCode();
  const lines = [street];
  switch (loc.country) {
    case 'US':
      lines.push(`${city}, ${f.location.state({ abbreviated: true })} ${zip}`);
      break;
    case 'GB':
      if (rng.chance(0.3)) lines.push(f.location.county());
      lines.push(city, zip);
      break;
    case 'IT':
      lines.push(`${zip} ${city}${rng.chance(0.5) ? ` (${rng.chars(2, ASCII_UPPER)})` : ''}`);
      break;
    default:
      lines.push(`${zip} ${city}`);
  }
  if (withCountry) {
    const country = {
      US: 'USA',
      GB: 'United Kingdom',
      DE: 'Deutschland',
      CH: 'Schweiz',
      FR: 'France',
      ES: 'España',
      IT: 'Italia',
      NL: 'Nederland',
    }[loc.country];
    if (country) lines.push(country);
  }
  return lines.map(safeText);
}

function companyName(rng: Rng, loc: LocaleSpec): string {
  if (loc.id === 'en-MY') {
    const words = rng.sample(MY_NAME_WORDS, rng.int(1, 3)).join(' ');
    return rng.chance(0.5) ? `${words} ${rng.pick(loc.legalForms)}` : `${rng.pick(MY_SHOP_WORDS)} ${words}`;
  }
  const f = fakerFor(loc.id);
  let name = rng.chance(0.75)
    ? f.company.name()
    : `${f.person.lastName()} ${rng.pick(['& Partner', 'Solutions', 'Consulting', 'Services', 'Studio', 'Trading', 'Tech'])}`;
  const form = rng.pick(loc.legalForms);
  // Faker names often carry a legal form already ("SPA", "GmbH"): compare without dots and case.
  const bare = (s: string) => s.replace(/[.\s]/g, '').toUpperCase();
  const has = [
    ...loc.legalForms,
    'SPA',
    'SRL',
    'SA',
    'SL',
    'BV',
    'NV',
    'GmbH',
    'AG',
    'KG',
    'Ltd',
    'LLC',
    'Inc',
    'SARL',
    'SAS',
  ].some((l) => l && bare(name).endsWith(bare(l)));
  if (form && !has) name = `${name} ${form}`;
  return safeText(name);
}

function party(rng: Rng, loc: LocaleSpec, role: 'supplier' | 'customer', homeLoc: LocaleSpec): Party {
  const f = fakerFor(loc.id);
  // Faker instances are shared per locale: seed before each use so no state leaks between documents.
  f.seed(rng.uint32());
  const isPerson = role === 'customer' && rng.chance(0.3);
  const name = isPerson ? safeText(f.person.fullName()) : companyName(rng, loc);
  const p: Party = { name, address: address(rng, loc, loc.id !== homeLoc.id || rng.chance(0.15)) };
  const domain = `${slug(name)}.${rng.pick(TLD[loc.country] ?? ['com'])}`;
  if (!isPerson && rng.chance(role === 'supplier' ? 0.5 : 0.35)) p.contact = safeText(f.person.fullName());
  if (role === 'supplier' || rng.chance(0.4)) {
    const local = rng.pick([
      'info',
      'office',
      'billing',
      'invoices',
      'accounts',
      'sales',
      'kontakt',
      'contact',
      'hello',
    ]);
    p.email = isPerson
      ? safeText(f.internet.email()).toLowerCase()
      : `${rng.chance(0.7) ? local : slug(f.person.firstName())}@${domain}`;
  }
  const phone = () => (loc.id === 'en-MY' ? myPhone(rng) : safeText(f.phone.number()));
  if (role === 'supplier' || rng.chance(0.4)) p.phone = phone();
  if (role === 'supplier' && rng.chance(0.35)) p.fax = phone();
  if (role === 'supplier' && rng.chance(0.7)) p.website = `${rng.chance(0.8) ? 'www.' : ''}${domain}`;
  if (loc.vatId && !isPerson && rng.chance(role === 'supplier' ? 0.9 : 0.4)) p.vatId = loc.vatId(rng);
  if (loc.taxId && role === 'supplier' && rng.chance(0.45)) p.taxId = loc.taxId(rng);
  if (role === 'supplier' && rng.chance(0.6)) p.regNo = loc.regNo(rng);
  return p;
}

function itemDescription(rng: Rng, loc: LocaleSpec, receipt: boolean): string {
  if (loc.id === 'en-MY') return rng.pick(MY_ITEMS);
  const f = fakerFor(loc.id);
  // Till receipts print short product names, often upper-case.
  if (receipt) {
    const name = rng.chance(0.7) ? safeText(f.commerce.product()) : safeText(f.commerce.productName());
    return rng.chance(0.6) ? name.toUpperCase() : name;
  }
  const kind = rng.weighted([
    ['product', 5],
    ['service', 3],
    ['detailed', 2],
  ] as const);
  if (kind === 'service') return rng.pick(ITEM_WORDS[loc.lang]);
  if (kind === 'product') return safeText(f.commerce.productName());
  const extra = rng.pick([
    `${f.commerce.productMaterial()}, ${f.color.human()}`,
    `Model ${rng.chars(2, ASCII_UPPER)}-${rng.int(100, 9999)}`,
    `${rng.int(2, 500)} ${rng.pick(['mm', 'cm', 'ml', 'g', 'W', 'GB'])}`,
    f.commerce.productDescription().split('.')[0] ?? '',
  ]);
  return safeText(`${f.commerce.productName()} ${extra}`.slice(0, 140));
}

function productCode(rng: Rng, style: number): string {
  switch (style) {
    case 0:
      return rng.digits(rng.int(4, 7));
    case 1:
      return `${rng.chars(3, ASCII_UPPER)}-${rng.digits(4)}`;
    case 2:
      return `${rng.chars(2, ASCII_UPPER)}${rng.digits(5)}`;
    case 3:
      return `${rng.digits(3)}.${rng.digits(3)}.${rng.digits(2)}`;
    default:
      return rng.digits(13);
  }
}

/** log-uniform unit price, sometimes round. */
function unitPrice(rng: Rng, receipt: boolean): Decimal {
  const lo = receipt ? 0.5 : 2;
  const hi = receipt ? 60 : 2500;
  const v = Math.exp(rng.float(Math.log(lo), Math.log(hi)));
  if (rng.chance(0.3)) return new Decimal(Math.max(1, Math.round(v / 5) * 5));
  return r2(new Decimal(v.toFixed(2)));
}

/** Quantity for a unit and price: hours in quarters, weights with decimals, bulk only for cheap items. */
function quantity(rng: Rng, unit: string | undefined, price: Decimal): Decimal {
  const hourly = unit !== undefined && /^(h|hrs|Std\.|uur|gg|day|Tag|jour|día)$/.test(unit);
  if (hourly) return new Decimal(rng.int(1, 32)).div(rng.pick([1, 2, 4]));
  if (unit === 'kg' || unit === 'l' || unit === 'lt') {
    return rng.chance(0.5) ? new Decimal(rng.int(1, 50)) : new Decimal(rng.int(100, 25000)).div(1000);
  }
  return new Decimal(
    rng.weighted([
      [1, 10],
      [rng.int(2, 5), 6],
      [rng.int(6, 24), price.lt(200) ? 3 : 1],
      [rng.int(25, 500), price.lt(20) ? 2 : 0],
    ] as const),
  );
}

export function makeInvoice(rng: Rng, localeId: LocaleId, opts: InvoiceOptions = {}): Invoice {
  const loc = LOCALES[localeId];
  const f = fakerFor(localeId);
  f.seed(rng.uint32());
  const kind: DocKind = opts.kind ?? (localeId === 'en-MY' ? 'receipt' : 'invoice');
  const isReceipt = kind === 'receipt';
  const currency = rng.weighted(loc.currencies);
  const number: NumberFormat = rng.weighted(loc.numberFormats);
  const money: MoneyStyle = {
    number,
    placement: rng.weighted(loc.placements),
    negative: rng.weighted(loc.negatives),
  };
  const issueDate: Ymd = addDays({ y: 2015, m: 1, d: 1 }, rng.int(0, 11 * 365));
  const invNo = invoiceNumber(rng, issueDate, kind);

  // Customers are sometimes abroad: exercises foreign addresses and reverse-charge invoices.
  const foreign = !isReceipt && loc.id !== 'en-MY' && rng.chance(0.12);
  const custLoc = foreign
    ? LOCALES[rng.pick(['de-DE', 'fr-FR', 'nl-NL', 'it-IT', 'es-ES', 'en-GB'] as const)]
    : loc;
  const supplier = party(rng, loc, 'supplier', loc);
  const customer = party(rng, custLoc, 'customer', loc);
  const shipTo = !isReceipt && rng.chance(0.25) ? party(rng, custLoc, 'customer', loc) : undefined;
  if (shipTo) {
    if (rng.chance(0.5)) shipTo.name = customer.name;
    delete shipTo.vatId;
    delete shipTo.email;
  }

  // Lines.
  const nItems = rng.int(opts.minItems ?? 1, Math.max(opts.minItems ?? 1, opts.maxItems ?? 12));
  const unitList = UNITS[loc.lang];
  const withUnits = !isReceipt && rng.chance(0.6);
  const codeStyle = rng.chance(0.45) ? rng.int(0, 4) : -1;
  const rates = loc.taxRates.map((r) => new Decimal(r));
  const reverseCharge = foreign && custLoc.id !== loc.id && loc.vatId !== undefined && rng.chance(0.5);
  const noTax = reverseCharge || (loc.country === 'US' && rng.chance(0.2));
  const multiRate = !noTax && rates.length > 1 && rng.chance(isReceipt ? 0.1 : 0.3);
  const std = rates[0] ?? new Decimal(0);
  const reduced = rates[1] ?? std;
  const items: Item[] = [];
  f.seed(rng.uint32());
  for (let i = 0; i < nItems; i++) {
    const unit = withUnits ? rng.pick(unitList) : undefined;
    const up = unitPrice(rng, isReceipt);
    const q = quantity(rng, unit, up);
    const taxRate = noTax ? new Decimal(0) : multiRate && rng.chance(0.35) ? reduced : std;
    const item: Item = {
      pos: i + 1,
      description: itemDescription(rng, loc, isReceipt),
      quantity: q,
      unitPrice: up,
      amount: r2(q.mul(up)),
      taxRate,
    };
    if (unit) item.unit = unit;
    if (codeStyle >= 0) item.code = productCode(rng, codeStyle);
    items.push(item);
  }
  const credit = kind === 'credit_note' && rng.chance(0.5);
  if (credit) {
    for (const it of items) {
      it.quantity = it.quantity.neg();
      it.amount = it.amount.neg();
    }
  }

  // Totals: per-rate tax on the rate's base (EN 16931 BR-CO-17), gross-based when prices include tax.
  const pricesIncludeTax = isReceipt ? rng.chance(0.7) : rng.chance(0.08);
  const byRate = new Map<string, Decimal>();
  for (const it of items) {
    const k = it.taxRate.toString();
    byRate.set(k, (byRate.get(k) ?? new Decimal(0)).add(it.amount));
  }
  const taxes: TaxLine[] = [...byRate.entries()]
    .sort((a, b) => new Decimal(b[0]).cmp(new Decimal(a[0])))
    .map(([rate, sum]) => {
      const r = new Decimal(rate);
      const amount = pricesIncludeTax ? r2(sum.mul(r).div(r.add(100))) : r2(sum.mul(r).div(100));
      return { rate: r, base: pricesIncludeTax ? sum.sub(amount) : sum, amount };
    });
  const lineSum = items.reduce((s, it) => s.add(it.amount), new Decimal(0));
  const taxTotal = taxes.reduce((s, t) => s.add(t.amount), new Decimal(0));
  const subtotal = pricesIncludeTax ? lineSum.sub(taxTotal) : lineSum;
  const total = subtotal.add(taxTotal);

  const inv: Invoice = {
    kind,
    locale: loc,
    currency,
    money,
    dateFormat: rng.pick(loc.dateFormats),
    rateStyle: rng.weighted(loc.rateStyles),
    number: invNo,
    issueDate,
    supplier,
    customer,
    items,
    pricesIncludeTax,
    taxes,
    subtotal,
    taxTotal,
    total,
    amountDue: total,
    reverseCharge,
    distractors: {
      deliveryNote: invoiceNumber(rng, addDays(issueDate, -rng.int(0, 20)), 'invoice'),
      orderNo: invoiceNumber(rng, addDays(issueDate, -rng.int(5, 60)), 'invoice'),
      reference: rng.chance(0.5)
        ? `${rng.chars(2, ASCII_UPPER)}/${rng.digits(3)}`
        : rng.digits(rng.int(4, 8)),
    },
  };
  if (shipTo) inv.shipTo = shipTo;

  if (!isReceipt) {
    const days = rng.pick([0, 7, 10, 14, 14, 15, 20, 30, 30, 30, 45, 60, 90]);
    if (rng.chance(0.7)) inv.dueDate = addDays(issueDate, days || 14);
    if (rng.chance(0.45)) inv.deliveryDate = addDays(issueDate, -rng.int(0, 20));
    if (rng.chance(0.2)) inv.orderDate = addDays(inv.deliveryDate ?? issueDate, -rng.int(1, 30));
    if (rng.chance(0.4))
      inv.purchaseOrder = rng.pick([
        `PO-${rng.digits(5)}`,
        `${rng.digits(7)}`,
        `PO${rng.digits(6)}`,
        `${rng.chars(3, ASCII_UPPER)}-${rng.digits(4)}`,
        `4500${rng.digits(6)}`,
        `B${rng.digits(5)}`,
      ]);
    if (rng.chance(0.6))
      inv.customerId = rng.pick([
        rng.digits(5),
        `K${rng.digits(5)}`,
        `C-${rng.digits(4)}`,
        `${rng.digits(3)}-${rng.digits(3)}`,
        `CUST${rng.digits(4)}`,
        `D${rng.digits(6)}`,
        rng.digits(8),
      ]);
    if (rng.chance(0.65)) {
      const t = rng.pick(PAYMENT_TERMS[loc.lang]);
      inv.paymentTerms = t
        .replace('{days}', String(days || 30))
        .replace('{skonto}', String(rng.pick([2, 3])))
        .replace('{skdays}', String(rng.pick([7, 10, 14])));
    }
    if (loc.ibanCountry || rng.chance(0.5)) {
      const bankName = rng.pick(loc.bankNames);
      const bank: Bank = { name: bankName, holder: supplier.name };
      if (loc.ibanCountry) {
        bank.iban = makeIban(loc.ibanCountry, rng);
        bank.bic = makeBic(loc.ibanCountry, rng, bankName);
      } else {
        bank.account = rng.digits(rng.int(9, 12));
        if (loc.country === 'US') bank.routing = rng.digits(9);
        else if (rng.chance(0.5)) bank.bic = makeBic(loc.country, rng, bankName);
      }
      inv.bank = bank;
    }
    if (rng.chance(0.3))
      inv.paymentReference = rng.chance(0.4) ? rfReference(rng) : rng.chance(0.5) ? invNo : rng.digits(16);
    if (kind === 'invoice' && rng.chance(0.12)) {
      inv.amountPaid = r2(total.mul(rng.pick([0.2, 0.25, 0.3, 0.5, 1])));
    }
    if (kind === 'invoice' && rng.chance(0.07))
      inv.previousBalance = r2(new Decimal(rng.float(10, 3000).toFixed(2)));
    inv.amountDue = total.sub(inv.amountPaid ?? 0).add(inv.previousBalance ?? 0);
  } else {
    const cashStep = rng.pick([1, 5, 10, 50]);
    const cash = total
      .div(cashStep)
      .ceil()
      .mul(cashStep)
      .add(rng.chance(0.3) ? cashStep : 0);
    inv.receipt = {
      time: rng.chance(0.5)
        ? `${String(rng.int(7, 22)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}`
        : `${rng.int(1, 12)}:${String(rng.int(0, 59)).padStart(2, '0')} ${rng.pick(['AM', 'PM'])}`,
      cashier: rng.pick([
        safeText(f.person.firstName()).toUpperCase(),
        `${rng.int(1, 9)}`,
        `C${rng.digits(3)}`,
      ]),
      terminal: rng.digits(rng.int(2, 4)),
      cash,
      change: cash.sub(total),
    };
  }
  if (kind === 'credit_note')
    inv.originalInvoice = invoiceNumber(rng, addDays(issueDate, -rng.int(3, 90)), 'invoice');
  return inv;
}
