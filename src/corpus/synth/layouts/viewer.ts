/**
 * viewer: a machine rendering of an e-invoice (XRechnung / ZUGFeRD / Factur-X visualisation): a header line
 * "Rechnung (380) Nr. 4711 vom 05.03.2018", then sections with bold titles (Verkäufer, Käufer, …) holding
 * caption/value pairs, mostly stacked (caption line, value on the next line), the items table, the totals
 * and the payment data, with "Seite n von m" footers.
 */
import type { FieldName } from '../../../ner/labels.js';
import type { Lang } from '../vocab.js';
import {
  A4,
  type Ctx,
  date,
  type Family,
  fitSize,
  itemsTable,
  money,
  pickColumns,
  put,
  rateText,
  reverseChargeText,
  titleVal,
  V,
  type Val,
} from './common.js';

interface Words {
  heading: readonly string[];
  no: string;
  of: string;
  overview: readonly string[];
  currency: string;
  delivery: readonly string[];
  due: readonly string[];
  payRef: string;
  buyerRef: string;
  order: string;
  seller: readonly string[];
  buyer: readonly string[];
  number: string;
  name: string;
  address: string;
  contact: string;
  phone: string;
  email: string;
  vat: string;
  taxNo: string;
  notes: readonly string[];
  items: readonly string[];
  totals: readonly string[];
  sumItems: string;
  net: string;
  vatAt: string;
  taxSum: string;
  gross: string;
  paid: string;
  amountDue: string;
  payment: readonly string[];
  means: string;
  meansVal: string;
  holder: string;
  bank: string;
  terms: string;
  page: string;
}

const WORDS: Record<Lang, Words> = {
  de: {
    heading: [
      'Beispiel-Rechnungen',
      'XRechnung-Visualisierung',
      'Elektronische Rechnung',
      'Rechnungsansicht',
    ],
    no: 'Nr.',
    of: 'vom',
    overview: ['Übersicht', 'Allgemeine Angaben', 'Rechnungsdaten'],
    currency: 'Währung',
    delivery: ['Liefer- und Leistungsdatum', 'Leistungsdatum', 'Lieferdatum'],
    due: ['Fälligkeitsdatum', 'Zahlungsziel', 'Fällig am'],
    payRef: 'Zahlungsreferenz',
    buyerRef: 'Referenz des Käufers',
    order: 'Bestellnummer',
    seller: ['Verkäufer', 'Rechnungssteller', 'Lieferant'],
    buyer: ['Käufer/Leistungsempfänger', 'Käufer', 'Rechnungsempfänger'],
    number: 'Nummer',
    name: 'Name',
    address: 'Anschrift',
    contact: 'Kontakt',
    phone: 'Telefon',
    email: 'E-Mail',
    vat: 'USt.-Id.-Nr.',
    taxNo: 'Steuernummer',
    notes: ['Bemerkungen', 'Bemerkung zur Rechnung', 'Freitext'],
    items: ['Positionen', 'Rechnungspositionen'],
    totals: ['Gesamtsummen', 'Summen'],
    sumItems: 'Summe Positionen netto',
    net: 'Gesamtbetrag netto',
    vatAt: 'Umsatzsteuer {rate}',
    taxSum: 'Summe Umsatzsteuer',
    gross: 'Gesamtbetrag brutto',
    paid: 'Bereits gezahlt',
    amountDue: 'Fälliger Betrag',
    payment: ['Zahlungsinformationen', 'Zahlungsdaten'],
    means: 'Zahlungsart',
    meansVal: 'SEPA-Überweisung',
    holder: 'Kontoinhaber',
    bank: 'Kreditinstitut',
    terms: 'Zahlungsbedingungen',
    page: 'Seite {n} von {m}',
  },
  en: {
    heading: ['Sample invoices', 'E-invoice visualisation', 'Electronic invoice', 'Invoice view'],
    no: 'No.',
    of: 'of',
    overview: ['Overview', 'General information', 'Invoice data'],
    currency: 'Currency',
    delivery: ['Delivery date', 'Date of supply', 'Service date'],
    due: ['Due date', 'Payment due date'],
    payRef: 'Payment reference',
    buyerRef: 'Buyer reference',
    order: 'Purchase order reference',
    seller: ['Seller', 'Supplier'],
    buyer: ['Buyer', 'Customer'],
    number: 'Identifier',
    name: 'Name',
    address: 'Address',
    contact: 'Contact',
    phone: 'Phone',
    email: 'Email',
    vat: 'VAT identifier',
    taxNo: 'Tax registration',
    notes: ['Notes', 'Invoice note'],
    items: ['Invoice lines', 'Line items'],
    totals: ['Document totals', 'Totals'],
    sumItems: 'Sum of line net amounts',
    net: 'Total without VAT',
    vatAt: 'VAT {rate}',
    taxSum: 'Total VAT amount',
    gross: 'Total with VAT',
    paid: 'Paid amount',
    amountDue: 'Amount due for payment',
    payment: ['Payment instructions', 'Payment information'],
    means: 'Payment means',
    meansVal: 'SEPA credit transfer',
    holder: 'Account name',
    bank: 'Bank',
    terms: 'Payment terms',
    page: 'Page {n} of {m}',
  },
  fr: {
    heading: ['Exemples de factures', 'Visualisation Factur-X', 'Facture électronique'],
    no: 'n°',
    of: 'du',
    overview: ['Aperçu', 'Informations générales'],
    currency: 'Devise',
    delivery: ['Date de livraison', 'Date de prestation'],
    due: ["Date d'échéance", 'Échéance'],
    payRef: 'Référence de paiement',
    buyerRef: "Référence de l'acheteur",
    order: 'Référence de commande',
    seller: ['Vendeur', 'Fournisseur'],
    buyer: ['Acheteur', 'Client'],
    number: 'Identifiant',
    name: 'Nom',
    address: 'Adresse',
    contact: 'Contact',
    phone: 'Téléphone',
    email: 'E-mail',
    vat: 'N° TVA intracommunautaire',
    taxNo: 'N° fiscal',
    notes: ['Remarques', 'Note de facture'],
    items: ['Lignes de facture', 'Positions'],
    totals: ['Totaux', 'Montants totaux'],
    sumItems: 'Somme des lignes HT',
    net: 'Total HT',
    vatAt: 'TVA {rate}',
    taxSum: 'Total TVA',
    gross: 'Total TTC',
    paid: 'Montant déjà payé',
    amountDue: 'Net à payer',
    payment: ['Informations de paiement', 'Règlement'],
    means: 'Moyen de paiement',
    meansVal: 'Virement SEPA',
    holder: 'Titulaire du compte',
    bank: 'Banque',
    terms: 'Conditions de paiement',
    page: 'Page {n} sur {m}',
  },
  es: {
    heading: ['Factura electrónica', 'Visualización de factura'],
    no: 'nº',
    of: 'de',
    overview: ['Resumen', 'Datos generales'],
    currency: 'Moneda',
    delivery: ['Fecha de entrega', 'Fecha de operación'],
    due: ['Fecha de vencimiento', 'Vencimiento'],
    payRef: 'Referencia de pago',
    buyerRef: 'Referencia del comprador',
    order: 'Nº de pedido',
    seller: ['Vendedor', 'Emisor'],
    buyer: ['Comprador', 'Cliente'],
    number: 'Identificador',
    name: 'Nombre',
    address: 'Dirección',
    contact: 'Contacto',
    phone: 'Teléfono',
    email: 'Correo electrónico',
    vat: 'NIF-IVA',
    taxNo: 'NIF',
    notes: ['Observaciones', 'Notas'],
    items: ['Líneas de factura', 'Conceptos'],
    totals: ['Totales'],
    sumItems: 'Suma de líneas',
    net: 'Base imponible',
    vatAt: 'IVA {rate}',
    taxSum: 'Total IVA',
    gross: 'Total factura',
    paid: 'Importe pagado',
    amountDue: 'Importe a pagar',
    payment: ['Datos de pago', 'Forma de pago'],
    means: 'Medio de pago',
    meansVal: 'Transferencia SEPA',
    holder: 'Titular',
    bank: 'Banco',
    terms: 'Condiciones de pago',
    page: 'Página {n} de {m}',
  },
  it: {
    heading: ['Fattura elettronica', 'Visualizzazione fattura'],
    no: 'n.',
    of: 'del',
    overview: ['Riepilogo', 'Dati generali'],
    currency: 'Valuta',
    delivery: ['Data consegna', 'Data prestazione'],
    due: ['Data scadenza', 'Scadenza'],
    payRef: 'Riferimento pagamento',
    buyerRef: 'Riferimento acquirente',
    order: 'Ordine di acquisto',
    seller: ['Cedente/Prestatore', 'Venditore'],
    buyer: ['Cessionario/Committente', 'Acquirente'],
    number: 'Identificativo',
    name: 'Denominazione',
    address: 'Indirizzo',
    contact: 'Contatto',
    phone: 'Telefono',
    email: 'E-mail',
    vat: 'Partita IVA',
    taxNo: 'Codice fiscale',
    notes: ['Note', 'Causale'],
    items: ['Righe fattura', 'Dettaglio beni/servizi'],
    totals: ['Totali', 'Riepilogo importi'],
    sumItems: 'Somma righe imponibili',
    net: 'Totale imponibile',
    vatAt: 'IVA {rate}',
    taxSum: 'Totale IVA',
    gross: 'Totale documento',
    paid: 'Importo già pagato',
    amountDue: 'Importo da pagare',
    payment: ['Dati pagamento', 'Modalità di pagamento'],
    means: 'Modalità',
    meansVal: 'Bonifico SEPA',
    holder: 'Intestatario',
    bank: 'Istituto',
    terms: 'Condizioni di pagamento',
    page: 'Pagina {n} di {m}',
  },
  nl: {
    heading: ['Elektronische factuur', 'Factuurweergave'],
    no: 'nr.',
    of: 'van',
    overview: ['Overzicht', 'Algemene gegevens'],
    currency: 'Valuta',
    delivery: ['Leverdatum', 'Leveringsdatum'],
    due: ['Vervaldatum', 'Uiterste betaaldatum'],
    payRef: 'Betalingskenmerk',
    buyerRef: 'Referentie koper',
    order: 'Inkoopordernummer',
    seller: ['Verkoper', 'Leverancier'],
    buyer: ['Koper', 'Afnemer'],
    number: 'Nummer',
    name: 'Naam',
    address: 'Adres',
    contact: 'Contact',
    phone: 'Telefoon',
    email: 'E-mail',
    vat: 'Btw-nummer',
    taxNo: 'Fiscaal nummer',
    notes: ['Opmerkingen', 'Toelichting'],
    items: ['Factuurregels', 'Posten'],
    totals: ['Totalen'],
    sumItems: 'Som regelbedragen',
    net: 'Totaal excl. btw',
    vatAt: 'Btw {rate}',
    taxSum: 'Totaal btw',
    gross: 'Totaal incl. btw',
    paid: 'Reeds betaald',
    amountDue: 'Te betalen bedrag',
    payment: ['Betaalgegevens', 'Betaalinstructies'],
    means: 'Betaalwijze',
    meansVal: 'SEPA-overschrijving',
    holder: 'Rekeninghouder',
    bank: 'Bank',
    terms: 'Betalingsvoorwaarden',
    page: 'Pagina {n} van {m}',
  },
};

/** One caption/value pair; `lines` for multi-line values (addresses), drawn as one entity. */
interface Pair {
  cap: string;
  v: Val;
  lines?: readonly string[];
}

interface Section {
  title?: string;
  rows: Pair[];
}

function draw(ctx: Ctx): void {
  const { c, st, inv, rng } = ctx;
  const w = WORDS[inv.locale.lang];
  const W = c.width;
  const H = c.height;
  const m = Math.max(st.margin, 45);
  const size = Math.min(st.size, 9.5);
  const lead = size * Math.min(st.leading, 1.35);
  const top = m;
  const maxY = H - 55;
  const colon = rng.chance(0.85) ? ':' : '';
  const cap = (s: string) => `${s}${colon}`;
  // Document-wide pair style. The ZUGFeRD/XRechnung visualisations put captions in a column with the values beside
  // them, so that is the most common style; stacked and mixed ("Name: X" inline, the rest stacked) keep variety.
  const mode = rng.weighted([
    ['stacked', 3],
    ['cols', 5],
    ['mixed', 2],
  ] as const);
  // Those visualisations centre a wrapped value on its caption ("MVM Musterhafter" above "Name:", the rest beside
  // it), so the caption's row holds the value's second line, not its first.
  const centreWrapped = mode === 'cols' && rng.chance(0.5);
  const capBold = rng.chance(0.3);
  const capColor = rng.pick(['#000000', '#444444', '#666666']);
  const sectionRule = rng.chance(0.4);
  const titleColor = rng.chance(0.25) ? st.accent : '#000000';
  const width = W - 2 * m;
  const gap = c.widthOf(' ', size) * 1.6;
  let y = top;

  const newPage = () => {
    c.addPage();
    y = top;
  };

  // Caption column for 'cols': wide enough for most captions, sometimes much wider (the visualisations put values at
  // about 40% of the width, far from their captions), capped at 45% of the width.
  const colMin = c.widthOf(cap(w.sumItems), size, capBold) + gap * 2;
  const colW = Math.min(width * 0.45, rng.chance(0.5) ? colMin : rng.float(colMin, width * 0.45));

  const layoutPair = (p: Pair): { inline: boolean; vx: number; lines: string[]; h: number } => {
    const capW = c.widthOf(p.cap, size, capBold) + gap;
    const src = p.lines ?? [p.v.text];
    const wantInline = mode === 'cols' || (mode === 'mixed' && rng.chance(0.5));
    const vx = mode === 'cols' ? m + Math.max(colW, capW) : m + capW;
    const fits = src.every((l) => c.widthOf(l, size) <= W - m - vx);
    if (wantInline && vx - m < width * 0.5 && (fits || mode === 'cols')) {
      // A caption column wraps a long value inside the value column ("MVM Musterhafter / Versicherungsverein …").
      const lines = fits ? [...src] : src.flatMap((l) => c.wrap(l, W - m - vx, size));
      return { inline: true, vx, lines, h: lines.length * lead };
    }
    const lines = src.flatMap((l) => c.wrap(l, width, size));
    return { inline: false, vx: m, lines, h: (lines.length + 1) * lead };
  };

  const drawPair = (p: Pair) => {
    const l = layoutPair(p);
    if (y + l.h > maxY) newPage();
    const above = l.inline && centreWrapped ? Math.floor((l.lines.length - 1) / 2) * lead : 0;
    let vy = l.inline ? y : y + lead;
    y += above;
    c.text(p.cap, m, y, { size: fitSize(ctx, p.cap, width, size, capBold), bold: capBold, color: capColor });
    const tag = p.v.field ? c.entity(p.v.field as FieldName, p.v.value, p.v.item) : undefined;
    for (const line of l.lines) {
      const s = fitSize(ctx, line, W - m - l.vx, size, false);
      c.text(line, l.vx, vy, tag ? { size: s, tag } : { size: s });
      vy += lead;
    }
    y += l.h - above + size * 0.25;
  };

  const titleH = size * 1.2 * 1.6;
  const drawTitle = (t: string, next = lead * 2) => {
    if (y + titleH + next > maxY) newPage();
    const ts = size * 1.2;
    c.text(t, m, y, { size: ts, bold: true, color: titleColor });
    if (sectionRule) c.line(m, y + ts * 1.25, W - m, y + ts * 1.25, { color: st.rule, width: 0.5 });
    y += titleH;
  };

  const drawSection = (s: Section) => {
    if (!s.rows.length) return;
    y += size * 0.6;
    const first = s.rows[0];
    if (s.title) drawTitle(s.title, first ? layoutPair(first).h : lead);
    for (const p of s.rows) drawPair(p);
  };

  // Title line and the header line: kind, (type code), number, date.
  if (rng.chance(0.7)) {
    const t = rng.pick(w.heading);
    c.text(t, m, y, { size: size * 1.4, bold: true });
    y += size * 1.4 * 1.8;
  }
  const hs = size * rng.float(1.1, 1.35);
  const code = inv.kind === 'credit_note' ? '381' : rng.pick(['380', '380', '204', '326']);
  const tv = titleVal(ctx);
  const dv = date(ctx, 'issue_date', inv.issueDate);
  const full = `${tv.text} (${code}) ${w.no} ${inv.number} ${w.of} ${dv.text}`;
  const hsize = fitSize(ctx, full, width, hs, true);
  const sp = c.widthOf(' ', hsize, true) * 1.2;
  let x = m;
  const seg = (v: Val) => {
    x += put(ctx, v, x, y, { size: hsize, bold: true }) + sp;
  };
  seg(tv);
  seg(V.plain(`(${code})`));
  seg(V.plain(w.no));
  seg(V.text('invoice_number', inv.number));
  seg(V.plain(w.of));
  seg(dv);
  y += hsize * 2;

  // Overview pairs.
  const meta: Pair[] = [];
  const dueInMeta = rng.chance(0.5);
  if (rng.chance(0.85))
    meta.push({
      cap: cap(w.currency),
      v: { text: inv.currency.code, field: 'currency', value: inv.currency.code },
    });
  if (inv.deliveryDate)
    meta.push({ cap: cap(rng.pick(w.delivery)), v: date(ctx, 'delivery_date', inv.deliveryDate) });
  if (inv.dueDate && dueInMeta)
    meta.push({ cap: cap(rng.pick(w.due)), v: date(ctx, 'due_date', inv.dueDate) });
  if (inv.paymentReference)
    meta.push({ cap: cap(w.payRef), v: V.text('payment_reference', inv.paymentReference) });
  if (inv.customer.contact && rng.chance(0.6))
    meta.push({ cap: cap(w.buyerRef), v: V.plain(inv.customer.contact) });
  if (inv.purchaseOrder) meta.push({ cap: cap(w.order), v: V.text('purchase_order', inv.purchaseOrder) });
  const overview: Section = { rows: rng.chance(0.2) ? rng.shuffle(meta) : meta };
  if (rng.chance(0.4)) overview.title = rng.pick(w.overview);

  // Parties.
  const s = inv.supplier;
  const sellerRows: Pair[] = [];
  if (rng.chance(0.6)) sellerRows.push({ cap: cap(w.number), v: V.plain(String(rng.int(10000, 999999))) });
  sellerRows.push({ cap: cap(w.name), v: V.text('supplier_name', s.name) });
  sellerRows.push({
    cap: cap(w.address),
    v: V.text('supplier_address', s.address.join(', ')),
    lines: s.address,
  });
  const sExtra: Pair[] = [];
  if (s.contact && rng.chance(0.5)) sExtra.push({ cap: cap(w.contact), v: V.plain(s.contact) });
  if (s.phone && rng.chance(0.6)) sExtra.push({ cap: cap(w.phone), v: V.text('supplier_phone', s.phone) });
  if (s.email && rng.chance(0.6)) sExtra.push({ cap: cap(w.email), v: V.text('supplier_email', s.email) });
  if (s.vatId) sExtra.push({ cap: cap(w.vat), v: V.text('supplier_vat_id', s.vatId) });
  if (s.taxId && rng.chance(0.6)) sExtra.push({ cap: cap(w.taxNo), v: V.text('supplier_tax_id', s.taxId) });
  sellerRows.push(...(rng.chance(0.3) ? rng.shuffle(sExtra) : sExtra));
  const seller: Section = { title: rng.pick(w.seller), rows: sellerRows };

  const b = inv.customer;
  const buyerRows: Pair[] = [];
  if (inv.customerId) buyerRows.push({ cap: cap(w.number), v: V.text('customer_id', inv.customerId) });
  buyerRows.push({ cap: cap(w.name), v: V.text('customer_name', b.name) });
  buyerRows.push({
    cap: cap(w.address),
    v: V.text('customer_address', b.address.join(', ')),
    lines: b.address,
  });
  if (b.vatId) buyerRows.push({ cap: cap(w.vat), v: V.text('customer_vat_id', b.vatId) });
  const buyer: Section = { title: rng.pick(w.buyer), rows: buyerRows };

  const parties = rng.chance(0.8) ? [seller, buyer] : [buyer, seller];
  const head = rng.chance(0.75) ? [overview, ...parties] : [...parties, overview];
  for (const sec of head) drawSection(sec);

  // Free-text remarks.
  const remark = [inv.note, inv.reverseCharge ? reverseChargeText(inv.locale.lang) : undefined].filter(
    (t): t is string => !!t,
  );
  if (remark.length && rng.chance(0.8)) {
    y += size * 0.6;
    drawTitle(rng.pick(w.notes));
    for (const line of remark.flatMap((t) => c.wrap(t, width, size))) {
      if (y + lead > maxY) newPage();
      c.text(line, m, y, { size });
      y += lead;
    }
  }

  // Items, sometimes on a page of their own as many viewers print them.
  if (c.page === 0 && rng.chance(0.3)) newPage();
  y += size * 0.6;
  drawTitle(rng.pick(w.items), lead * 4);
  y = itemsTable(ctx, {
    x: m,
    y,
    w: width,
    cols: pickColumns(ctx),
    rules: rng.pick(['grid', 'rows', 'header', 'none'] as const),
    header: rng.pick(['bold', 'shaded', 'underline'] as const),
    maxY,
    size,
    onBreak: () => {
      newPage();
      return y;
    },
  });

  // Totals: caption left, amount right-aligned in a column, or stacked.
  const totW = Math.min(width, rng.int(260, 360));
  const stackedTotals = mode === 'stacked' && rng.chance(0.35);
  const withCur = st.moneyInTotals;
  const tot: [string, Val, boolean][] = [];
  if (!inv.pricesIncludeTax)
    tot.push([w.sumItems, money(ctx, 'subtotal_amount', inv.subtotal, withCur), false]);
  tot.push([w.net, money(ctx, 'subtotal_amount', inv.subtotal, withCur), false]);
  const oneTax = inv.taxes.length === 1;
  for (const t of inv.taxes) {
    if (!oneTax || rng.chance(0.5))
      tot.push([
        w.vatAt.replace('{rate}', rateText(ctx, t.rate)),
        money(ctx, oneTax ? 'tax_amount' : undefined, t.amount, withCur),
        false,
      ]);
  }
  tot.push([w.taxSum, money(ctx, 'tax_amount', inv.taxTotal, withCur), false]);
  tot.push([w.gross, money(ctx, 'total_amount', inv.total, withCur), true]);
  if (inv.amountPaid) tot.push([w.paid, money(ctx, undefined, inv.amountPaid, withCur), false]);
  tot.push([w.amountDue, money(ctx, 'amount_due', inv.amountDue, withCur), true]);
  const drawTotals = () => {
    y += size * 0.6;
    drawTitle(rng.pick(w.totals), lead * 2);
    for (const [k, v, bold] of tot) {
      const capText = cap(k);
      const need = c.widthOf(capText, size, capBold) + c.widthOf(v.text, size, bold) + gap * 2;
      if (stackedTotals || need > totW) {
        drawPair({ cap: capText, v });
        continue;
      }
      if (y + lead > maxY) newPage();
      c.text(capText, m, y, { size, bold: capBold, color: capColor });
      put(ctx, v, m + totW, y, { size, bold, align: 'right' });
      y += lead + size * 0.25;
    }
  };

  // Payment data.
  const pay: Pair[] = [];
  const bk = inv.bank;
  if (bk?.iban || rng.chance(0.3)) pay.push({ cap: cap(w.means), v: V.plain(w.meansVal) });
  if (bk) {
    if (rng.chance(0.6)) pay.push({ cap: cap(w.holder), v: V.plain(bk.holder) });
    if (bk.iban) {
      const spaced = rng.chance(0.6) ? bk.iban.replace(/(.{4})/g, '$1 ').trim() : bk.iban;
      pay.push({ cap: cap('IBAN'), v: { text: spaced, field: 'iban', value: bk.iban } });
    }
    if (bk.bic) pay.push({ cap: cap('BIC'), v: V.text('bic', bk.bic) });
    if (rng.chance(0.5)) pay.push({ cap: cap(w.bank), v: V.plain(bk.name) });
  }
  if (inv.paymentTerms) pay.push({ cap: cap(w.terms), v: V.text('payment_terms', inv.paymentTerms) });
  if (inv.dueDate && !dueInMeta)
    pay.push({ cap: cap(rng.pick(w.due)), v: date(ctx, 'due_date', inv.dueDate) });
  const payment: Section = { title: rng.pick(w.payment), rows: pay };

  if (rng.chance(0.75)) {
    drawTotals();
    drawSection(payment);
  } else {
    drawSection(payment);
    drawTotals();
  }

  // Footers once the page count is known.
  const total = c.pageCount;
  const align = rng.pick(['center', 'right', 'left'] as const);
  const fx = align === 'center' ? W / 2 : align === 'right' ? W - m : m;
  for (let p = 0; p < total; p++) {
    c.switchTo(p);
    const txt = w.page.replace('{n}', String(p + 1)).replace('{m}', String(total));
    c.text(txt, fx, H - 35, { size: size * 0.85, color: '#555555', align });
  }
}

export const viewer: Family = {
  name: 'viewer',
  kinds: ['invoice', 'invoice', 'invoice', 'invoice', 'credit_note'],
  items: [1, 14],
  pageSize: () => A4,
  draw,
};
