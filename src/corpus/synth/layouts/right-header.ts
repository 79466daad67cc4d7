/**
 * right-header: the supplier's logo and block right-aligned at the top, the customer at the left, the meta
 * fields as a strip of stacked columns divided by vertical bars, a table with vertical rules only, totals
 * at the left, and a detachable payment slip at the bottom that repeats payee, IBAN, BIC, amount and
 * reference. Held out of training (TEST_FAMILIES).
 */
import type { Lang } from '../vocab.js';
import {
  A4,
  type Ctx,
  date,
  type Family,
  fitSize,
  itemsTable,
  LETTER,
  logo,
  money,
  numberCaption,
  pageText,
  pair,
  partyBlock,
  pickColumns,
  put,
  titleVal,
  totalsBlock,
  V,
  type Val,
} from './common.js';

const SLIP: Record<Lang, [string, string, string, string]> = {
  en: ['Payment slip', 'Payee', 'Amount', 'Payer'],
  de: ['Zahlschein', 'Empfänger', 'Betrag', 'Einzahler'],
  fr: ['Bulletin de versement', 'Bénéficiaire', 'Montant', 'Payeur'],
  es: ['Resguardo de pago', 'Beneficiario', 'Importe', 'Ordenante'],
  it: ['Bollettino di pagamento', 'Beneficiario', 'Importo', 'Ordinante'],
  nl: ['Acceptgiro', 'Begunstigde', 'Bedrag', 'Betaler'],
};

function draw(ctx: Ctx): void {
  const { c, st, inv, rng, L } = ctx;
  const m = st.margin;
  const W = c.width;
  let y = m;
  const lh = st.size * 3.5;
  logo(ctx, W - m - lh, y, lh);
  const ns = fitSize(ctx, inv.supplier.name, W * 0.5, st.size * 1.3);
  const sh = partyBlock(ctx, inv.supplier, 'supplier', W - m - lh - st.size, y, {
    align: 'right',
    nameSize: ns,
    width: (W - 2 * m) * 0.5 - lh,
    extras: rng.sample(['phone', 'email', 'web', 'vat'] as const, rng.int(2, 4)),
  });
  const ts = fitSize(ctx, titleVal(ctx).text, (W - 2 * m) * 0.42, st.big * 0.9);
  put(ctx, titleVal(ctx), m, y, { size: ts, bold: true, color: st.accent });
  const ch = partyBlock(ctx, inv.customer, 'customer', m, y + ts * 2.2, { extras: ['vat'], width: W * 0.4 });
  y = Math.max(y + sh, y + ts * 2.2 + ch) + st.size * 2;

  // Meta strip with vertical bars.
  const cells: [string, Val][] = [
    [numberCaption(ctx).replace(/:$/, ''), V.text('invoice_number', inv.number)],
    [L.raw('issueDate'), date(ctx, 'issue_date', inv.issueDate)],
  ];
  if (inv.customerId) cells.push([L.raw('customerId'), V.text('customer_id', inv.customerId)]);
  if (inv.dueDate) cells.push([L.raw('dueDate'), date(ctx, 'due_date', inv.dueDate)]);
  if (inv.purchaseOrder) cells.push([L.raw('purchaseOrder'), V.text('purchase_order', inv.purchaseOrder)]);
  if (inv.deliveryDate && cells.length < 5)
    cells.push([L.raw('deliveryDate'), date(ctx, 'delivery_date', inv.deliveryDate)]);
  const cw = (W - 2 * m) / cells.length;
  let sh2 = 0;
  cells.forEach(([cap, v], i) => {
    const x = m + i * cw + (i ? 8 : 0);
    if (i) c.line(m + i * cw, y, m + i * cw, y + st.size * 2.6, { color: st.rule, width: 0.6 });
    sh2 = Math.max(sh2, pair(ctx, cap, v, x, y, 'stacked', { maxRight: m + (i + 1) * cw - 4 }));
  });
  y += sh2 + st.size * 2;

  const slipH = inv.bank?.iban ? st.size * st.leading * 8 + 30 : 0;
  const bottom = c.height - m - slipH;
  const cont = () => {
    c.addPage();
    c.text(pageText(ctx, c.page + 1), W - m, m, { size: st.small, align: 'right' });
    return m + st.size * 2;
  };
  const tableTop = y;
  const yEnd = itemsTable(ctx, {
    x: m,
    y,
    w: W - 2 * m,
    cols: pickColumns(ctx),
    rules: rng.pick(['none', 'header'] as const),
    header: rng.pick(['bold', 'caps', 'shaded'] as const),
    maxY: bottom - st.size * 2,
    onBreak: cont,
  });
  if (c.page === 0 && rng.chance(0.7)) {
    for (const x of [m, W - m]) c.line(x, tableTop, x, yEnd, { color: st.rule, width: 0.5 });
  }
  y = yEnd;
  if (y + st.size * st.leading * (7 + inv.taxes.length) > bottom) y = cont();
  const left = rng.chance(0.5);
  const tx = left ? m : W - m - 230;
  y = totalsBlock(ctx, { x: tx, right: tx + 230, y: y + st.size, dueLine: rng.chance(0.4) });
  if (inv.paymentTerms && y + st.size * 3 < bottom) {
    pair(ctx, L.get('paymentTerms'), V.text('payment_terms', inv.paymentTerms), m, y + st.size, 'inline');
  }

  // Payment slip on the last page.
  if (slipH && inv.bank?.iban) {
    const sy = c.height - m - slipH + 10;
    c.line(0, sy - 8, W, sy - 8, { color: '#888888', width: 0.5, dash: 3 });
    const [title, payee, amount, payer] = SLIP[inv.locale.lang];
    c.text(title, m, sy, { size: st.size * 1.1, bold: true });
    let yy = sy + st.size * 2;
    const lw = 90;
    const col2 = W / 2 + 10;
    yy += Math.max(
      pair(ctx, `${payee}:`, V.text('supplier_name', inv.supplier.name), m, yy, 'cols', {
        labelW: lw,
        maxRight: col2 - 10,
      }),
      pair(ctx, `${amount}:`, money(ctx, 'amount_due', inv.amountDue), col2, yy, 'cols', { labelW: lw }),
    );
    const spaced = inv.bank.iban.replace(/(.{4})/g, '$1 ').trim();
    yy += Math.max(
      pair(ctx, L.get('iban'), { text: spaced, field: 'iban', value: inv.bank.iban }, m, yy, 'cols', {
        labelW: lw,
        maxRight: col2 - 10,
      }),
      inv.bank.bic
        ? pair(ctx, L.get('bic'), V.text('bic', inv.bank.bic), col2, yy, 'cols', { labelW: lw })
        : 0,
    );
    const ref: Val = inv.paymentReference
      ? V.text('payment_reference', inv.paymentReference)
      : V.text('invoice_number', inv.number);
    pair(ctx, L.get('paymentRef'), ref, m, yy, 'cols', { labelW: lw, maxRight: col2 - 10 });
    pair(ctx, `${payer}:`, V.text('customer_name', inv.customer.name), col2, yy, 'cols', { labelW: lw });
  }
}

export const rightHeader: Family = {
  name: 'right-header',
  kinds: ['invoice', 'invoice', 'invoice', 'credit_note'],
  items: [1, 10],
  pageSize: (inv, rng) => (inv.locale.country === 'US' && rng.chance(0.6) ? LETTER : A4),
  draw,
};
