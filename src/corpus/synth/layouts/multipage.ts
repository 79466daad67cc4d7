/**
 * multipage: long invoices (20–40 lines) over several pages. Every page repeats a header with the supplier,
 * title, number and "Page n of m" (drawn at the end, when m is known); pages end with a carried-forward
 * subtotal and continue with it brought forward; the totals, terms and bank details come on the last page.
 */
import type { Decimal } from '../formats.js';
import {
  A4,
  bankRows,
  type Ctx,
  type Family,
  footerColumns,
  footerHeight,
  itemsTable,
  LETTER,
  metaPairs,
  money,
  notes,
  numberCaption,
  pageText,
  pair,
  partyBlock,
  pickColumns,
  put,
  type Row,
  registrationRows,
  supplierRows,
  titleVal,
  totalsBlock,
  V,
} from './common.js';

function draw(ctx: Ctx): void {
  const { c, st, inv, rng, L } = ctx;
  const m = st.margin;
  const W = c.width;
  const headerH = st.size * 4.2;
  const top = m + headerH;
  const regRows = registrationRows(ctx);
  const bankR = bankRows(ctx);
  const footCols: Row[][] = [supplierRows(ctx, rng.chance(0.5)), bankR, regRows];
  const footerH = footerHeight(ctx, footCols, m, W - m, st.small);
  const bottom = c.height - m;

  let y = top + st.size;
  // First page: parties left, meta right.
  const ph = partyBlock(ctx, inv.supplier, 'supplier', m, y, {
    extras: ['phone', 'email'],
    nameSize: st.size * 1.2,
    width: W / 2 - m - 10,
  });
  let ry = y;
  for (const [cap, v] of metaPairs(ctx)) ry += pair(ctx, cap, v, W / 2 + 20, ry, 'cols', { labelW: 110 });
  y = Math.max(y + ph, ry) + st.size * 1.5;
  y += partyBlock(ctx, inv.customer, 'customer', m, y, {
    heading: L.raw('billTo'),
    extras: ['vat', 'customerId'],
  });
  y += st.size * 1.5;

  const cols = pickColumns(ctx);
  const carriedCap = L.get('carried');
  const broughtCap = L.get('broughtForward');
  const cont = (carried: Decimal): number => {
    // Carried-forward subtotal at the page end: an amount that is none of the fields.
    const cy = bottom - footerH - st.size * 2;
    const cw = put(ctx, money(ctx, undefined, carried), W - m, cy, {
      size: st.size,
      bold: true,
      align: 'right',
    });
    c.text(carriedCap, W - m - cw - st.size * 2, cy, { size: st.size, bold: true, align: 'right' });
    c.addPage();
    const yy = top + st.size;
    const bw = put(ctx, money(ctx, undefined, carried), W - m, yy, { size: st.size, align: 'right' });
    c.text(broughtCap, W - m - bw - st.size * 2, yy, { size: st.size, align: 'right' });
    return yy + st.size * 2;
  };
  y = itemsTable(ctx, {
    x: m,
    y,
    w: W - 2 * m,
    cols,
    rules: rng.pick(['rows', 'header', 'zebra', 'grid'] as const),
    header: rng.pick(['bold', 'shaded', 'underline'] as const),
    maxY: bottom - footerH - st.size * 4,
    onBreak: cont,
    // Long ERP-style tables: roomier rows than the document's base size.
    size: Math.max(st.size, 9),
  });
  const need = st.size * st.leading * (8 + inv.taxes.length);
  if (y + need > bottom - footerH) {
    c.addPage();
    y = top + st.size;
  }
  y = totalsBlock(ctx, { x: W - m - 240, right: W - m, y: y + st.size, dueLine: rng.chance(0.3) });
  if (y + st.size * st.leading * 5 < bottom - footerH) notes(ctx, m, y + st.size, W - 2 * m);

  // Running header and footer on every page, now that the page count is known.
  const total = c.pageCount;
  const title = titleVal(ctx);
  for (let p = 0; p < total; p++) {
    c.switchTo(p);
    put(ctx, V.text('supplier_name', inv.supplier.name), m, m, {
      size: st.size * 1.3,
      bold: true,
      color: st.accent,
    });
    const tw = put(ctx, title, W - m, m, { size: st.size * 1.3, bold: true, align: 'right' });
    void tw;
    const ny = m + st.size * 1.9;
    const cap = numberCaption(ctx);
    const nw = c.widthOf(inv.number, st.size);
    put(ctx, V.text('invoice_number', inv.number), W - m, ny, { size: st.size, align: 'right' });
    c.text(cap, W - m - nw - c.widthOf(' ', st.size) * 1.6, ny, {
      size: st.size,
      align: 'right',
      color: st.muted,
    });
    c.text(pageText(ctx, p + 1, total), m, ny, { size: st.small, color: st.muted });
    c.line(m, m + headerH - st.size * 0.8, W - m, m + headerH - st.size * 0.8, {
      color: st.rule,
      width: 0.6,
    });
    footerColumns(ctx, footCols, m, W - m, bottom, st.small, { rule: true });
  }
}

export const multipage: Family = {
  name: 'multipage',
  kinds: ['invoice'],
  items: [26, 40],
  pageSize: (inv, rng) => (inv.locale.country === 'US' && rng.chance(0.6) ? LETTER : A4),
  draw,
};
