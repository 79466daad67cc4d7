/**
 * sidebar: a shaded vertical panel (left or right) holds the logo, the supplier's name, address, contact
 * details, identifiers and bank account as caption-above-value stacks; the main column has the title,
 * meta pairs, the customer, an unruled item table and the totals.
 */
import {
  A4,
  bankRows,
  type Ctx,
  contactRows,
  drawRows,
  type Family,
  fitSize,
  itemsTable,
  LETTER,
  logo,
  metaPairs,
  notes,
  pageText,
  pair,
  partyBlock,
  pickColumns,
  put,
  putLines,
  registrationRows,
  titleVal,
  totalsBlock,
  V,
} from './common.js';

function draw(ctx: Ctx): void {
  const { c, st, inv, rng, L } = ctx;
  const W = c.width;
  const H = c.height;
  const sw = rng.int(150, 190);
  const left = rng.chance(0.7);
  const sx = left ? 0 : W - sw;
  const dark = rng.chance(0.25);
  const panelInk = dark ? '#ffffff' : '#000000';
  const pad = rng.int(14, 22);
  const paintPanel = () => c.rect(sx, 0, sw, H, { fill: dark ? st.accent : st.shade });
  paintPanel();

  // Panel content.
  let py = pad + 10;
  if (rng.chance(0.6)) {
    logo(ctx, sx + pad, py, st.size * 3.5);
    py += st.size * 5;
  }
  const nameSize = st.size * 1.25;
  const nameLines = c.wrap(inv.supplier.name, sw - 2 * pad, nameSize, true);
  py += putLines(ctx, 'supplier_name', nameLines, sx + pad, py, {
    size: nameSize,
    bold: true,
    color: panelInk,
  });
  py += st.size * 0.5;
  const rows = [
    { v: V.text('supplier_address', inv.supplier.address.join(', ')), lines: inv.supplier.address },
    ...contactRows(ctx),
    ...registrationRows(ctx),
    ...bankRows(ctx),
  ];
  drawRows(ctx, rows, sx + pad, py, sw - 2 * pad, st.small, {
    color: panelInk,
    capColor: dark ? '#e0e0e0' : st.muted,
    stacked: rng.chance(0.8),
  });

  // Main column.
  const mx0 = left ? sw + rng.int(24, 40) : rng.int(30, 50);
  const mx1 = left ? W - rng.int(30, 50) : W - sw - rng.int(24, 40);
  let y = rng.int(36, 60);
  const ts = fitSize(ctx, titleVal(ctx).text, mx1 - mx0, st.big);
  put(ctx, titleVal(ctx), mx0, y, { size: ts, bold: true, color: st.accent });
  y += ts * 1.6;
  const pairs = metaPairs(ctx);
  const mode = rng.pick(['cols', 'stacked', 'cols'] as const);
  if (mode === 'stacked') {
    // Two columns of caption-above-value pairs.
    const half = (mx1 - mx0) / 2;
    let y0 = y;
    let y1 = y;
    pairs.forEach(([cap, v], i) => {
      if (i % 2 === 0)
        y0 += pair(ctx, cap.replace(/:$/, ''), v, mx0, y0, 'stacked', { maxRight: mx0 + half - 8 }) + 4;
      else y1 += pair(ctx, cap.replace(/:$/, ''), v, mx0 + half, y1, 'stacked', { maxRight: mx1 }) + 4;
    });
    y = Math.max(y0, y1);
  } else {
    for (const [cap, v] of pairs) y += pair(ctx, cap, v, mx0, y, 'cols', { labelW: 120, maxRight: mx1 });
  }
  y += st.size * 1.5;
  y += partyBlock(ctx, inv.customer, 'customer', mx0, y, {
    heading: L.raw('billTo').toUpperCase(),
    extras: ['vat', 'email'],
    width: mx1 - mx0,
  });
  if (inv.shipTo) {
    y += st.size;
    y += partyBlock(ctx, inv.shipTo, 'ship', mx0, y, {
      heading: L.raw('shipTo').toUpperCase(),
      width: mx1 - mx0,
    });
  }
  y += st.size * 1.5;
  const bottom = H - rng.int(36, 56);
  const cont = () => {
    c.addPage();
    paintPanel();
    c.text(pageText(ctx, c.page + 1), mx1, 30, { size: st.small, align: 'right' });
    return 60;
  };
  y = itemsTable(ctx, {
    x: mx0,
    y,
    w: mx1 - mx0,
    cols: pickColumns(ctx).filter((k) => k !== 'pos' && (k !== 'code' || rng.chance(0.5))),
    rules: rng.pick(['none', 'header', 'rows'] as const),
    header: rng.pick(['caps', 'underline', 'bold'] as const),
    maxY: bottom - st.size * 2,
    onBreak: cont,
    size: st.size * 0.95,
  });
  if (y + st.size * st.leading * (7 + inv.taxes.length) > bottom) y = cont();
  y = totalsBlock(ctx, { x: mx1 - rng.int(180, 220), right: mx1, y: y + st.size, dueLine: rng.chance(0.3) });
  if (y + st.size * st.leading * 5 < bottom) notes(ctx, mx0, y + st.size, mx1 - mx0);
}

export const sidebar: Family = {
  name: 'sidebar',
  kinds: ['invoice', 'invoice', 'invoice', 'credit_note'],
  items: [1, 12],
  pageSize: (inv, rng) => (inv.locale.country === 'US' && rng.chance(0.6) ? LETTER : A4),
  draw,
};
