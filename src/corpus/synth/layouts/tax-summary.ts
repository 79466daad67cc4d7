/**
 * tax-summary: the Italian/Spanish "fattura" style: two party boxes side by side (seller / buyer with
 * their VAT and tax numbers), the document data as a one-row table (type, number, date, customer code),
 * items with a VAT-rate column, a VAT summary table per rate (bases and taxes that are not fields), the
 * totals, and a payment table (method, IBAN, due date, amount).
 */
import type { Lang } from '../vocab.js';
import {
  A4,
  type Ctx,
  date,
  type Family,
  gridRow,
  itemsTable,
  money,
  num,
  numberCaption,
  pageText,
  partyBlock,
  pickColumns,
  put,
  rateText,
  titleVal,
  V,
  type Val,
} from './common.js';

const PARTY_CAPS: Record<Lang, [string, string]> = {
  it: ['Cedente / Prestatore', 'Cessionario / Committente'],
  es: ['Emisor', 'Receptor'],
  en: ['Seller', 'Buyer'],
  de: ['Leistender Unternehmer', 'Leistungsempfänger'],
  fr: ['Vendeur', 'Acheteur'],
  nl: ['Leverancier', 'Afnemer'],
};

const DOC_TYPE: Record<Lang, string> = {
  it: 'Tipo documento',
  es: 'Tipo de documento',
  en: 'Document type',
  de: 'Belegart',
  fr: 'Type de document',
  nl: 'Documenttype',
};

const SUMMARY: Record<Lang, [string, string, string, string]> = {
  it: ['Riepilogo IVA', 'Aliquota', 'Imponibile', 'Imposta'],
  es: ['Desglose de IVA', 'Tipo', 'Base imponible', 'Cuota'],
  en: ['VAT summary', 'Rate', 'Net', 'VAT'],
  de: ['Steuerübersicht', 'Satz', 'Netto', 'Steuer'],
  fr: ['Récapitulatif TVA', 'Taux', 'Base HT', 'TVA'],
  nl: ['Btw-specificatie', 'Tarief', 'Grondslag', 'Btw'],
};

const PAY: Record<Lang, [string, string, string]> = {
  it: ['Modalità', 'Bonifico bancario', 'Scadenza'],
  es: ['Forma de pago', 'Transferencia', 'Vencimiento'],
  en: ['Method', 'Bank transfer', 'Due'],
  de: ['Zahlungsart', 'Überweisung', 'Fällig'],
  fr: ['Mode', 'Virement', 'Échéance'],
  nl: ['Betaalwijze', 'Overboeking', 'Vervaldatum'],
};

function draw(ctx: Ctx): void {
  const { c, st, inv, rng, L } = ctx;
  const lang = inv.locale.lang;
  const m = st.margin;
  const W = c.width;
  const iw = W - 2 * m;
  let y = m;
  const half = iw / 2 - 6;
  const [sCap, cCap] = PARTY_CAPS[lang];
  const box = (cap: string, x: number, role: 'supplier' | 'customer') => {
    c.text(cap, x + 6, y + 4, { size: st.small, bold: true, color: st.accent });
    const p = role === 'supplier' ? inv.supplier : inv.customer;
    return (
      st.small * 2 +
      partyBlock(ctx, p, role, x + 6, y + st.small * 2 + 4, {
        width: half - 12,
        extras: role === 'supplier' ? ['vat', 'tax', 'phone', 'email'] : ['vat', 'customerId'],
      }) +
      10
    );
  };
  const h = Math.max(box(sCap, m, 'supplier'), box(cCap, m + half + 12, 'customer'));
  const radius = rng.chance(0.5) ? 5 : 0;
  c.rect(m, y, half, h, { stroke: st.rule, lineWidth: 0.7, radius });
  c.rect(m + half + 12, y, half, h, { stroke: st.rule, lineWidth: 0.7, radius });
  y += h + st.size * 1.5;

  const cells: [string, Val | undefined][] = [
    [DOC_TYPE[lang], titleVal(ctx)],
    [numberCaption(ctx).replace(/:$/, ''), V.text('invoice_number', inv.number)],
    [L.raw('issueDate'), date(ctx, 'issue_date', inv.issueDate)],
  ];
  if (inv.customerId && rng.chance(0.5))
    cells.push([L.raw('customerId'), V.text('customer_id', inv.customerId)]);
  if (inv.purchaseOrder) cells.push([L.raw('purchaseOrder'), V.text('purchase_order', inv.purchaseOrder)]);
  if (rng.chance(0.4)) cells.push([L.raw('deliveryNote'), V.plain(inv.distractors.deliveryNote)]);
  const cw = iw / cells.length;
  y +=
    gridRow(
      ctx,
      m,
      y,
      cells.map(() => cw),
      cells,
      { style: 'band', size: st.size * 0.95 },
    ) +
    st.size * 1.5;

  const bottom = c.height - m;
  const cont = () => {
    c.addPage();
    c.text(pageText(ctx, c.page + 1), W - m, m, { size: st.small, align: 'right' });
    return m + st.size * 2;
  };
  const cols = pickColumns(ctx);
  if (!cols.includes('rate')) cols.splice(cols.indexOf('amount'), 0, 'rate');
  y = itemsTable(ctx, {
    x: m,
    y,
    w: iw,
    cols,
    rules: rng.pick(['grid', 'rows', 'header'] as const),
    header: rng.pick(['shaded', 'bold'] as const),
    maxY: bottom - st.size * 16,
    onBreak: cont,
  });
  y += st.size;

  // VAT summary per rate (bases and taxes are not fields) at the left, totals at the right.
  if (y + st.size * st.leading * (6 + inv.taxes.length) > bottom) y = cont();
  const y0 = y;
  const [sumTitle, rCap, bCap, tCap] = SUMMARY[lang];
  const sw = iw * 0.55;
  c.text(sumTitle, m, y, { size: st.size, bold: true });
  y += st.size * 1.6;
  const sc = [sw * 0.25, sw * 0.4, sw * 0.35];
  const rh = st.size * st.leading + st.size * 0.5;
  const rows = [
    [rCap, bCap, tCap],
    ...inv.taxes.map((t) => [rateText(ctx, t.rate), num(ctx, t.base), num(ctx, t.amount)]),
  ];
  rows.forEach((cells, r) => {
    let x = m;
    cells.forEach((text, i) => {
      const w = sc[i] ?? 0;
      c.rect(x, y, w, rh, { stroke: st.rule, lineWidth: 0.5, ...(r === 0 ? { fill: st.shade } : {}) });
      c.text(text, x + st.size * 0.5, y + st.size * 0.3, { size: st.size, bold: r === 0 });
      x += w;
    });
    y += rh;
  });
  const tx = m + sw + 20;
  let ty = y0 + st.size * 1.6;
  const row = (cap: string, v: Val, bold = false) => {
    c.text(cap, tx, ty, { size: st.size, bold });
    put(ctx, v, W - m, ty, { size: st.size, bold, align: 'right' });
    ty += st.size * st.leading;
  };
  row(L.get('subtotal'), money(ctx, 'subtotal_amount', inv.subtotal));
  row(L.get('taxTotal'), money(ctx, 'tax_amount', inv.taxTotal));
  row(L.get('total'), money(ctx, 'total_amount', inv.total), true);
  y = Math.max(y, ty) + st.size * 1.5;

  // Payment table.
  const [pm, method, due] = PAY[lang];
  const pcells: [string, Val | undefined][] = [
    [pm, inv.paymentTerms && rng.chance(0.5) ? V.text('payment_terms', inv.paymentTerms) : V.plain(method)],
  ];
  if (inv.bank?.iban)
    pcells.push([L.raw('iban'), { text: inv.bank.iban, field: 'iban', value: inv.bank.iban }]);
  if (inv.dueDate) pcells.push([due, date(ctx, 'due_date', inv.dueDate)]);
  pcells.push([L.raw('amountDue'), money(ctx, 'amount_due', inv.amountDue)]);
  const widths = pcells.map(([, v]) => (v?.field === 'iban' ? iw * 0.38 : 0));
  const restW = (iw - widths.reduce((a, b) => a + b, 0)) / widths.filter((w) => w === 0).length;
  if (y + st.size * 6 > bottom) y = cont();
  y += gridRow(
    ctx,
    m,
    y,
    widths.map((w) => w || restW),
    pcells,
    { style: 'band', size: st.size * 0.95 },
  );
  if (inv.bank?.bic && y + st.size * 3 < bottom) {
    const w = c.text(L.get('bic'), m, y + st.size, { size: st.small, color: st.muted });
    put(ctx, V.text('bic', inv.bank.bic), m + w + c.widthOf(' ', st.small) * 1.6, y + st.size, {
      size: st.small,
    });
  }
}

export const taxSummary: Family = {
  name: 'tax-summary',
  kinds: ['invoice', 'invoice', 'invoice', 'credit_note'],
  items: [1, 10],
  pageSize: () => A4,
  draw,
};
