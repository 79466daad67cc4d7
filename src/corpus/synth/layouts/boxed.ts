/**
 * boxed: a form-like invoice where everything sits in bordered cells with small captions in the corner:
 * supplier and title/meta cells side by side, customer and delivery cells, a fully ruled table with
 * position numbers, totals as caption/value cells and a bordered footer with bank and registration data.
 * Held out of training (TEST_FAMILIES).
 */
import {
  A4,
  bankRows,
  type Ctx,
  date,
  drawRows,
  type Family,
  fitSize,
  gridRow,
  itemsTable,
  LETTER,
  measureRows,
  money,
  numberCaption,
  pageText,
  partyBlock,
  pickColumns,
  put,
  rateText,
  registrationRows,
  titleVal,
  V,
  type Val,
} from './common.js';

function draw(ctx: Ctx): void {
  const { c, st, inv, rng, L } = ctx;
  const m = st.margin;
  const W = c.width;
  const iw = W - 2 * m;
  let y = m;
  const pad = st.size * 0.7;
  // Row 1: supplier cell | title + meta grid.
  const leftW = iw * rng.float(0.45, 0.55);
  const rightW = iw - leftW;
  const ns = fitSize(ctx, inv.supplier.name, leftW - 2 * pad, st.size * 1.3);
  const sup = partyBlock(ctx, inv.supplier, 'supplier', m + pad, y + pad, {
    nameSize: ns,
    extras: rng.sample(['phone', 'email', 'vat', 'web'] as const, 3),
    width: leftW - 2 * pad,
  });
  const ts = fitSize(ctx, titleVal(ctx).text, rightW - 2 * pad, st.big * 0.8);
  put(ctx, titleVal(ctx), m + leftW + pad, y + pad, { size: ts, bold: true });
  let gy = y + pad + ts * 1.5;
  const cells: [string, Val | undefined][] = [
    [numberCaption(ctx).replace(/:$/, ''), V.text('invoice_number', inv.number)],
    [L.raw('issueDate'), date(ctx, 'issue_date', inv.issueDate)],
  ];
  const cells2: [string, Val | undefined][] = [];
  if (inv.customerId) cells2.push([L.raw('customerId'), V.text('customer_id', inv.customerId)]);
  if (inv.dueDate) cells2.push([L.raw('dueDate'), date(ctx, 'due_date', inv.dueDate)]);
  if (inv.purchaseOrder) cells2.push([L.raw('purchaseOrder'), V.text('purchase_order', inv.purchaseOrder)]);
  if (inv.deliveryDate) cells2.push([L.raw('deliveryDate'), date(ctx, 'delivery_date', inv.deliveryDate)]);
  gy += gridRow(ctx, m + leftW, gy, [rightW / 2, rightW / 2], cells, { style: 'corner' });
  for (let i = 0; i < cells2.length; i += 2) {
    const pair = cells2.slice(i, i + 2);
    if (pair.length === 1) pair.push(['', undefined]);
    gy += gridRow(ctx, m + leftW, gy, [rightW / 2, rightW / 2], pair, { style: 'corner' });
  }
  const row1 = Math.max(sup + 2 * pad, gy - y);
  c.rect(m, y, leftW, row1, { stroke: st.rule, lineWidth: 0.7 });
  y += row1;

  // Row 2: customer | ship-to or payment terms.
  const capS = st.small * 0.9;
  c.text(L.raw('billTo'), m + 4, y + 3, { size: capS, color: st.muted });
  const cust = partyBlock(ctx, inv.customer, 'customer', m + pad, y + capS * 1.8, {
    extras: ['vat'],
    width: leftW - 2 * pad,
  });
  let right = 0;
  if (inv.shipTo) {
    c.text(L.raw('shipTo'), m + leftW + 4, y + 3, { size: capS, color: st.muted });
    right = partyBlock(ctx, inv.shipTo, 'ship', m + leftW + pad, y + capS * 1.8, { width: rightW - 2 * pad });
  } else if (inv.paymentTerms) {
    c.text(L.raw('paymentTerms'), m + leftW + 4, y + 3, { size: capS, color: st.muted });
    const lines = c.wrap(inv.paymentTerms, rightW - 2 * pad, st.size);
    const tag = c.entity('payment_terms');
    lines.forEach((l, i) => {
      c.text(l, m + leftW + pad, y + capS * 1.8 + i * st.size * st.leading, { size: st.size, tag });
    });
    right = lines.length * st.size * st.leading;
  }
  const row2 = Math.max(cust, right) + capS * 1.8 + pad;
  c.rect(m, y, leftW, row2, { stroke: st.rule, lineWidth: 0.7 });
  c.rect(m + leftW, y, rightW, row2, { stroke: st.rule, lineWidth: 0.7 });
  y += row2 + st.size;

  // Footer box, measured first so the table knows where to stop.
  const fRows = [bankRows(ctx), registrationRows(ctx)];
  const fw = (iw - 3 * pad) / 2;
  const fh = Math.max(...fRows.map((r) => measureRows(ctx, r, fw, st.small))) + 2 * pad;
  const bottom = c.height - m;
  const drawFooter = () => {
    if (fh <= 2 * pad) return;
    c.rect(m, bottom - fh, iw, fh, { stroke: st.rule, lineWidth: 0.7 });
    fRows.forEach((r, i) => {
      drawRows(ctx, r, m + pad + i * (fw + pad), bottom - fh + pad, fw, st.small);
    });
  };
  const cont = () => {
    drawFooter();
    c.addPage();
    c.text(pageText(ctx, c.page + 1), W - m, m, { size: st.small, align: 'right' });
    return m + st.size * 2;
  };
  const cols = pickColumns(ctx).filter((k) => k !== 'pos');
  y = itemsTable(ctx, {
    x: m,
    y,
    w: iw,
    cols: ['pos', ...cols],
    rules: 'grid',
    header: rng.pick(['shaded', 'bold', 'caps'] as const),
    maxY: bottom - fh - st.size * 2,
    onBreak: cont,
  });

  // Totals as caption/value cells.
  const lines: [string, Val, boolean][] = [
    [L.raw('subtotal'), money(ctx, 'subtotal_amount', inv.subtotal), false],
  ];
  for (const t of inv.taxes) {
    lines.push([
      L.raw('tax', { rate: rateText(ctx, t.rate) }),
      money(ctx, inv.taxes.length === 1 ? 'tax_amount' : undefined, t.amount),
      false,
    ]);
  }
  if (inv.taxes.length > 1) lines.push([L.raw('taxTotal'), money(ctx, 'tax_amount', inv.taxTotal), false]);
  lines.push([L.raw('total'), money(ctx, 'total_amount', inv.total), true]);
  if (inv.amountPaid) lines.push([L.raw('amountPaid'), money(ctx, undefined, inv.amountPaid.neg()), false]);
  if (inv.amountPaid || inv.previousBalance)
    lines.push([L.raw('amountDue'), money(ctx, 'amount_due', inv.amountDue), true]);
  const rh = st.size * 1.8;
  if (y + rh * lines.length + st.size * 3 > bottom - fh) y = cont();
  const lx = W - m - rng.int(220, 260);
  const vx = W - m - rng.int(90, 110);
  for (const [cap, v, bold] of lines) {
    c.rect(lx, y, W - m - lx, rh, { stroke: st.rule, lineWidth: 0.6, ...(bold ? { fill: st.shade } : {}) });
    c.line(vx, y, vx, y + rh, { color: st.rule, width: 0.6 });
    c.text(cap, lx + 4, y + rh * 0.25, { size: st.size, bold });
    put(ctx, v, W - m - 4, y + rh * 0.25, { size: st.size, bold, align: 'right' });
    y += rh;
  }
  if (inv.paymentReference && y + st.size * 4 < bottom - fh) {
    const capW = c.text(L.get('paymentRef'), m, y + st.size, { size: st.size });
    put(
      ctx,
      V.text('payment_reference', inv.paymentReference),
      m + capW + c.widthOf(' ', st.size) * 1.6,
      y + st.size,
      { size: st.size },
    );
  }
  drawFooter();
}

export const boxed: Family = {
  name: 'boxed',
  kinds: ['invoice', 'invoice', 'invoice', 'credit_note'],
  items: [1, 12],
  pageSize: (inv, rng) => (inv.locale.country === 'US' && rng.chance(0.6) ? LETTER : A4),
  draw,
};
