/**
 * minimal: a freelancer's invoice with lots of white space: small grey upper-case captions above values,
 * the amount due shown big at the top right, number and dates in a row, "billed to" and "from" columns,
 * items as a plain list (description, then quantity × price in grey, amount at the right), thin rules.
 */
import type { FontFace } from '../fonts.js';
import type { Rng } from '../rng.js';
import {
  A4,
  bankRows,
  type Ctx,
  contactRows,
  date,
  drawRows,
  type Family,
  fitSize,
  LETTER,
  measureRows,
  money,
  numberCaption,
  pageText,
  pair,
  partyBlock,
  put,
  putLines,
  qtyVal,
  titleVal,
  totalsBlock,
  V,
  type Val,
} from './common.js';

function face(faces: FontFace[], rng: Rng): FontFace {
  const sans = faces.filter((f) => !f.mono && !f.serif);
  return rng.chance(0.8) ? rng.pick(sans) : rng.pick(faces);
}

function draw(ctx: Ctx): void {
  const { c, st, inv, rng, L } = ctx;
  const m = Math.max(st.margin, 50);
  const W = c.width;
  const grey = '#777777';
  const cap = (s: string) => s.replace(/:$/, '').toUpperCase();
  let y = m;
  const ns = fitSize(ctx, inv.supplier.name, W * 0.5, st.size * 1.7);
  put(ctx, V.text('supplier_name', inv.supplier.name), m, y, { size: ns, bold: rng.chance(0.5) });
  put(ctx, titleVal(ctx), m, y + ns * 1.6, { size: st.size, color: grey });
  // Amount due, big, top right.
  c.text(cap(L.raw('amountDue')), W - m, y, { size: st.small, color: grey, align: 'right' });
  const big = st.size * rng.float(1.8, 2.6);
  put(ctx, money(ctx, 'amount_due', inv.amountDue, true), W - m, y + st.small * 1.8, {
    size: big,
    bold: true,
    align: 'right',
  });
  y += Math.max(ns * 1.6 + st.size * 2, st.small * 1.8 + big * 1.4) + st.size * 2;

  // Number and dates in a row of stacked pairs.
  const metas: [string, Val][] = [
    [cap(numberCaption(ctx)), V.text('invoice_number', inv.number)],
    [cap(L.raw('issueDate')), date(ctx, 'issue_date', inv.issueDate)],
  ];
  if (inv.dueDate) metas.push([cap(L.raw('dueDate')), date(ctx, 'due_date', inv.dueDate)]);
  if (inv.purchaseOrder && rng.chance(0.5))
    metas.push([cap(L.raw('purchaseOrder')), V.text('purchase_order', inv.purchaseOrder)]);
  const cw = (W - 2 * m) / metas.length;
  let mh = 0;
  metas.forEach(([k, v], i) => {
    mh = Math.max(
      mh,
      pair(ctx, k, v, m + i * cw, y, 'stacked', { labelColor: grey, maxRight: m + (i + 1) * cw - 6 }),
    );
  });
  y += mh + st.size * 2;

  // Billed to | From.
  const colW = (W - 2 * m) / 2;
  c.text(cap(L.raw('billTo')), m, y, { size: st.small, color: grey });
  c.text(cap(L.raw('from')), m + colW, y, { size: st.small, color: grey });
  y += st.small * 1.8;
  const h1 = partyBlock(ctx, inv.customer, 'customer', m, y, {
    extras: ['vat', 'email'],
    width: colW - 10,
    nameBold: false,
  });
  const h2 = partyBlock(ctx, { ...inv.supplier, name: '' }, 'supplier', m + colW, y, {
    extras: rng.sample(['email', 'phone', 'web', 'vat'] as const, 2),
    width: colW - 10,
  });
  y += Math.max(h1, h2) + st.size * 2.5;

  // Items as a list.
  const bottom = c.height - m;
  const foot = [...bankRows(ctx), ...(rng.chance(0.4) ? contactRows(ctx) : [])];
  const footH = measureRows(ctx, foot, (W - 2 * m) / 2, st.small) + st.size;
  c.text(cap(L.raw('description')), m, y, { size: st.small, color: grey });
  c.text(cap(L.raw('amount')), W - m, y, { size: st.small, color: grey, align: 'right' });
  y += st.small * 1.6;
  c.line(m, y, W - m, y, { color: '#cccccc', width: 0.5 });
  y += st.size * 0.6;
  inv.items.forEach((it, i) => {
    const lines = c.wrap(it.description, (W - 2 * m) * 0.7, st.size);
    const h = lines.length * st.size * st.leading + st.small * st.leading + st.size * 0.8;
    if (y + h > bottom - footH - st.size * 2) {
      c.addPage();
      c.text(pageText(ctx, c.page + 1), W - m, m / 2, { size: st.small, color: grey, align: 'right' });
      y = m;
    }
    putLines(ctx, 'item_description', lines, m, y, { size: st.size, item: i });
    put(ctx, money(ctx, 'item_amount', it.amount, st.moneyInTable, i), W - m, y, {
      size: st.size,
      align: 'right',
    });
    y += lines.length * st.size * st.leading;
    let x = m;
    x += put(ctx, qtyVal(ctx, it, i), x, y, { size: st.small, color: grey }) + c.widthOf(' ', st.small);
    if (it.unit)
      x +=
        put(ctx, V.text('item_unit', it.unit, i), x, y, { size: st.small, color: grey }) +
        c.widthOf(' ', st.small);
    x += c.text('×', x, y, { size: st.small, color: grey }) + c.widthOf(' ', st.small);
    put(ctx, money(ctx, 'item_unit_price', it.unitPrice, true, i), x, y, { size: st.small, color: grey });
    y += st.small * st.leading + st.size * 0.4;
    c.line(m, y, W - m, y, { color: '#e5e5e5', width: 0.4 });
    y += st.size * 0.4;
  });
  if (y + st.size * st.leading * (6 + inv.taxes.length) > bottom - footH) {
    c.addPage();
    y = m;
  }
  y = totalsBlock(ctx, { x: W - m - 220, right: W - m, y: y + st.size });
  if (inv.paymentTerms && y + st.size * 3 < bottom - footH) {
    putLines(ctx, 'payment_terms', c.wrap(inv.paymentTerms, W - 2 * m, st.size), m, y + st.size, {
      color: grey,
    });
  }
  drawRows(ctx, foot, m, bottom - footH + st.size, (W - 2 * m) / 2, st.small);
}

export const minimal: Family = {
  name: 'minimal',
  kinds: ['invoice'],
  items: [1, 8],
  pageSize: (inv, rng) => (inv.locale.country === 'US' && rng.chance(0.6) ? LETTER : A4),
  face,
  draw,
};
