/**
 * usgrid: small-business accounting style (QuickBooks-like): company block top-left, a big title with a
 * Date / Invoice # grid top-right, bordered Bill To / Ship To boxes, a row of P.O. / Terms / Rep / Ship
 * Date / Via cells, a fully ruled item table and a ruled totals column ending in Balance Due.
 */
import {
  A4,
  type Ctx,
  contactRows,
  date,
  drawRows,
  type Family,
  fitSize,
  gridRow,
  itemsTable,
  LETTER,
  money,
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

function draw(ctx: Ctx): void {
  const { c, st, inv, rng, L } = ctx;
  const m = st.margin;
  const W = c.width;
  let y = m;
  const nameSize = fitSize(ctx, inv.supplier.name, W * 0.5, st.size * 1.4);
  const nameW = put(ctx, V.text('supplier_name', inv.supplier.name), m, y, { size: nameSize, bold: true });
  const lh = partyBlock(ctx, { ...inv.supplier, name: '' }, 'supplier', m, y + nameSize * 1.4, {
    extras: rng.sample(['phone', 'email', 'web', 'vat', 'tax'] as const, rng.int(1, 3)),
    width: W * 0.45,
  });
  const leftBottom = y + nameSize * 1.4 + lh;
  put(ctx, titleVal(ctx), W - m, y, {
    size: fitSize(ctx, titleVal(ctx).text, W - 2 * m - nameW - 20, st.big),
    bold: true,
    align: 'right',
    color: rng.chance(0.4) ? st.accent : '#000000',
  });
  const gw = rng.int(80, 100);
  const gy = y + st.big * 1.5;
  const cells: [string, Val][] = [
    [L.raw('issueDate'), date(ctx, 'issue_date', inv.issueDate)],
    [numberCaption(ctx).replace(/:$/, ''), V.text('invoice_number', inv.number)],
  ];
  if (rng.chance(0.5)) cells.reverse();
  const gh = gridRow(ctx, W - m - 2 * gw, gy, [gw, gw], cells, { style: 'band', align: 'center' });
  y = Math.max(leftBottom, gy + gh) + st.size * 2;

  // Bill To / Ship To boxes.
  const boxW = (W - 2 * m) * 0.46;
  const box = (heading: string, p: typeof inv.customer, role: 'customer' | 'ship', x: number): number => {
    const capH = st.size * 1.6;
    c.rect(x, y, boxW, capH, { fill: st.shade, stroke: st.rule, lineWidth: 0.5 });
    c.text(heading, x + 5, y + st.size * 0.35, { size: st.size, bold: true });
    return (
      capH +
      4 +
      partyBlock(ctx, p, role, x + 6, y + capH + 4, {
        width: boxW - 12,
        extras: role === 'customer' ? ['vat'] : [],
      })
    );
  };
  const h1 = box(L.raw('billTo'), inv.customer, 'customer', m);
  const h2 = inv.shipTo ? box(L.raw('shipTo'), inv.shipTo, 'ship', W - m - boxW) : 0;
  const bh = Math.max(h1, h2) + 4;
  c.rect(m, y, boxW, bh, { stroke: st.rule, lineWidth: 0.5 });
  if (inv.shipTo) c.rect(W - m - boxW, y, boxW, bh, { stroke: st.rule, lineWidth: 0.5 });
  y += bh + st.size * 1.5;

  // P.O. / Terms / Due / Rep / Ship date / Via.
  const row: [string, Val | undefined][] = [];
  row.push([
    L.raw('purchaseOrder'),
    inv.purchaseOrder ? V.text('purchase_order', inv.purchaseOrder) : undefined,
  ]);
  row.push([L.raw('paymentTerms'), inv.paymentTerms ? V.text('payment_terms', inv.paymentTerms) : undefined]);
  if (inv.dueDate) row.push([L.raw('dueDate'), date(ctx, 'due_date', inv.dueDate)]);
  if (rng.chance(0.5))
    row.push([rng.pick(['Rep', 'Sales Rep', 'Agent']), V.plain(rng.chars(2, 'ABCDEFGHJKLMNPRSTW'))]);
  if (inv.deliveryDate) row.push([L.raw('deliveryDate'), date(ctx, 'delivery_date', inv.deliveryDate)]);
  if (rng.chance(0.5))
    row.push(['Via', V.plain(rng.pick(['UPS', 'FedEx', 'USPS', 'DHL', 'Courier', 'Pickup']))]);
  if (inv.customerId && rng.chance(0.5))
    row.push([L.raw('customerId'), V.text('customer_id', inv.customerId)]);
  const cw = (W - 2 * m) / row.length;
  y +=
    gridRow(
      ctx,
      m,
      y,
      row.map(() => cw),
      row,
      { style: 'band', align: 'center', size: st.size * 0.95 },
    ) + st.size;

  const bottom = c.height - m - st.small * 4;
  const cont = () => {
    c.addPage();
    c.text(pageText(ctx, c.page + 1), W - m, m, { size: st.small, align: 'right' });
    return m + st.size * 2;
  };
  y = itemsTable(ctx, {
    x: m,
    y,
    w: W - 2 * m,
    cols: pickColumns(ctx),
    rules: 'grid',
    header: rng.pick(['shaded', 'bold'] as const),
    maxY: bottom - st.size * 2,
    onBreak: cont,
  });

  // Totals column: ruled label/value cells.
  const lines: [string, Val, boolean][] = [];
  lines.push([L.raw('subtotal'), money(ctx, 'subtotal_amount', inv.subtotal), false]);
  for (const t of inv.taxes) {
    lines.push([
      L.raw('tax', { rate: rateText(ctx, t.rate) }),
      money(ctx, inv.taxes.length === 1 ? 'tax_amount' : undefined, t.amount),
      false,
    ]);
  }
  if (inv.taxes.length > 1) lines.push([L.raw('taxTotal'), money(ctx, 'tax_amount', inv.taxTotal), false]);
  lines.push([L.raw('total'), money(ctx, 'total_amount', inv.total), true]);
  if (inv.previousBalance)
    lines.push([L.raw('previousBalance'), money(ctx, undefined, inv.previousBalance), false]);
  if (inv.amountPaid || rng.chance(0.5))
    lines.push([
      L.raw('amountPaid'),
      money(ctx, undefined, (inv.amountPaid ?? inv.total.mul(0)).neg()),
      false,
    ]);
  lines.push([L.raw('amountDue'), money(ctx, 'amount_due', inv.amountDue), true]);
  const rowH = st.size * 1.7;
  if (y + rowH * lines.length + st.size * 6 > bottom) y = cont();
  const lx = W - m - rng.int(200, 240);
  const vx = W - m - rng.int(85, 105);
  for (const [cap, v, bold] of lines) {
    c.rect(lx, y, W - m - lx, rowH, { stroke: st.rule, lineWidth: 0.5, ...(bold ? { fill: st.shade } : {}) });
    c.line(vx, y, vx, y + rowH, { color: st.rule, width: 0.5 });
    c.text(cap, lx + 5, y + rowH * 0.25, { size: st.size, bold });
    put(ctx, v, W - m - 5, y + rowH * 0.25, { size: st.size, bold, align: 'right' });
    y += rowH;
  }
  y += st.size * 2;
  if (y + st.size * 5 < bottom) {
    c.text(L.raw('thanks'), m, y, { size: st.size, bold: rng.chance(0.5) });
  }
  // Contact line at the bottom.
  const rows = contactRows(ctx);
  if (rows.length) {
    const fy = c.height - m - st.small * st.leading * 2;
    c.line(m, fy - 4, W - m, fy - 4, { color: st.rule, width: 0.4 });
    const colW = (W - 2 * m) / rows.length;
    rows.forEach((r, i) => {
      drawRows(ctx, [r], m + i * colW, fy, colW - 6, st.small);
    });
  }
}

export const usgrid: Family = {
  name: 'usgrid',
  kinds: ['invoice', 'invoice', 'invoice', 'credit_note'],
  items: [1, 14],
  pageSize: (inv, rng) => (inv.locale.country === 'US' || rng.chance(0.2) ? LETTER : A4),
  draw,
};
