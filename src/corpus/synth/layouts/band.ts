/**
 * band: a modern template: a coloured band across the top with the company name and title in white, a
 * strip of stacked meta fields (caption above value), three address columns with small caps headings,
 * a table with an inverted header and zebra rows, a shaded totals box and bank details in a panel.
 */
import {
  A4,
  bankRows,
  type Ctx,
  contactRows,
  date,
  drawRows,
  type Family,
  fitSize,
  footerColumns,
  footerHeight,
  itemsTable,
  LETTER,
  measureRows,
  money,
  notes,
  numberCaption,
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
  type Val,
} from './common.js';

function draw(ctx: Ctx): void {
  const { c, st, inv, rng, L } = ctx;
  const m = st.margin;
  const W = c.width;
  const bandH = rng.int(64, 110);
  const dark = rng.chance(0.75);
  c.rect(0, 0, W, bandH, { fill: dark ? st.accent : st.shade });
  const ink = dark ? '#ffffff' : '#000000';
  const nameSize = fitSize(ctx, inv.supplier.name, (W - 2 * m) * 0.95, st.size * rng.float(1.6, 2.4));
  const nameW = put(ctx, V.text('supplier_name', inv.supplier.name), m, bandH / 2 - nameSize * 0.7, {
    size: nameSize,
    bold: true,
    color: ink,
  });
  const titleW = c.widthOf(titleVal(ctx).text, st.big, true);
  const titleInBand = rng.chance(0.6) && nameW + titleW < W - 2 * m - 30;
  if (titleInBand)
    put(ctx, titleVal(ctx), W - m, bandH / 2 - st.big * 0.6, {
      size: st.big,
      bold: true,
      color: ink,
      align: 'right',
    });
  let y = bandH + st.size * 1.5;
  if (!titleInBand) {
    put(ctx, titleVal(ctx), m, y, { size: st.big * 0.8, bold: true, color: st.accent });
    y += st.big * 0.8 * 1.6;
  }

  // Meta strip: 3–5 stacked fields across the page.
  const meta: [string, Val][] = [[numberCaption(ctx), V.text('invoice_number', inv.number)]];
  meta.push([L.get('issueDate'), date(ctx, 'issue_date', inv.issueDate)]);
  if (inv.dueDate) meta.push([L.get('dueDate'), date(ctx, 'due_date', inv.dueDate)]);
  if (inv.customerId && rng.chance(0.7))
    meta.push([L.get('customerId'), V.text('customer_id', inv.customerId)]);
  if (inv.purchaseOrder && rng.chance(0.7))
    meta.push([L.get('purchaseOrder'), V.text('purchase_order', inv.purchaseOrder)]);
  if (rng.chance(0.4)) meta.push([L.get('amountDue'), money(ctx, 'amount_due', inv.amountDue)]);
  const cols = Math.min(meta.length, 5);
  const colW = (W - 2 * m) / cols;
  let stripH = 0;
  meta.slice(0, 5).forEach(([cap, v], i) => {
    stripH = Math.max(
      stripH,
      pair(ctx, cap.replace(/:$/, ''), v, m + i * colW, y, 'stacked', { maxRight: m + (i + 1) * colW - 6 }),
    );
  });
  y += stripH + st.size;
  if (rng.chance(0.6)) c.line(m, y, W - m, y, { color: st.rule, width: 0.5 });
  y += st.size;

  // From / Bill to / Ship to.
  const heading = (s: string, x: number, yy: number) => {
    c.text(s.toUpperCase(), x, yy, { size: st.small, bold: true, color: st.accent });
    return st.small * 1.8;
  };
  const third = (W - 2 * m) / 3;
  let h = 0;
  let x = m;
  if (rng.chance(0.7)) {
    const hh = heading(L.raw('from'), x, y);
    h = Math.max(
      h,
      hh +
        partyBlock(ctx, inv.supplier, 'supplier', x, y + hh, {
          extras: rng.sample(['vat', 'email', 'phone'] as const, 2),
          width: third - 10,
        }),
    );
    x += third;
  }
  let hh = heading(L.raw('billTo'), x, y);
  h = Math.max(
    h,
    hh + partyBlock(ctx, inv.customer, 'customer', x, y + hh, { extras: ['vat'], width: third - 10 }),
  );
  x += third;
  if (inv.shipTo) {
    hh = heading(L.raw('shipTo'), x, y);
    h = Math.max(h, hh + partyBlock(ctx, inv.shipTo, 'ship', x, y + hh, { width: third - 10 }));
  }
  y += h + st.size * 1.5;

  const bottom = c.height - m;
  const regRows = registrationRows(ctx);
  const footCols = [regRows.slice(0, 2), regRows.slice(2)];
  const footH = footerHeight(ctx, footCols, m, W - m, st.small);
  const cont = () => {
    footerColumns(ctx, footCols, m, W - m, bottom, st.small);
    c.addPage();
    c.rect(0, 0, W, 24, { fill: dark ? st.accent : st.shade });
    c.text(pageText(ctx, c.page + 1), W - m, 7, { size: st.small, color: ink, align: 'right' });
    return 40;
  };
  y = itemsTable(ctx, {
    x: m,
    y,
    w: W - 2 * m,
    cols: pickColumns(ctx),
    rules: rng.pick(['zebra', 'zebra', 'none', 'rows'] as const),
    header: rng.pick(['inverted', 'inverted', 'shaded'] as const),
    maxY: bottom - footH - st.size * 2,
    onBreak: cont,
  });
  const bank = bankRows(ctx);
  const contact = rng.chance(0.5) ? contactRows(ctx) : [];
  const panelRows = [...bank, ...contact];
  const panelW = (W - 2 * m) * 0.48;
  const panelH = measureRows(ctx, panelRows, panelW - 16, st.small) + 16;
  const need = Math.max(st.size * st.leading * (6 + inv.taxes.length), panelH) + st.size * 8;
  if (y + need > bottom - footH) y = cont();
  y += st.size;
  const yTot = totalsBlock(ctx, {
    x: W - m - rng.int(190, 240),
    right: W - m,
    y: y + 4,
    boxed: rng.chance(0.7),
    dueLine: rng.chance(0.3),
  });
  if (panelRows.length) {
    c.rect(m, y, panelW, panelH, { fill: st.shade, radius: rng.chance(0.5) ? 4 : 0 });
    drawRows(ctx, panelRows, m + 8, y + 8, panelW - 16, st.small);
  }
  let ny = Math.max(yTot, y + panelH) + st.size;
  if (ny + st.size * st.leading * 5 < bottom - footH) ny += notes(ctx, m, ny, W - 2 * m);
  if (rng.chance(0.3) && ny + st.size * 3 < bottom - footH) {
    putLines(ctx, undefined, [L.raw('thanks')], m, ny, { size: st.size * 1.2, color: st.accent });
  }
  footerColumns(ctx, footCols, m, W - m, bottom, st.small, { rule: rng.chance(0.5) });
}

export const band: Family = {
  name: 'band',
  kinds: ['invoice', 'invoice', 'invoice', 'invoice', 'credit_note'],
  items: [1, 14],
  pageSize: (inv, rng) => (inv.locale.country === 'US' && rng.chance(0.6) ? LETTER : A4),
  draw,
};
