/**
 * classic: logo or name top-left with the supplier address under it, the title and a meta column at the
 * right, bill-to (and ship-to) below, a ruled item table, totals at the right and a column footer.
 */
import type { Decimal } from '../formats.js';
import {
  A4,
  bankRows,
  type Ctx,
  captionWidth,
  contactRows,
  type Family,
  fitSize,
  footerColumns,
  footerHeight,
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
  type Row,
  registrationRows,
  supplierRows,
  titleVal,
  totalsBlock,
  V,
} from './common.js';

/** The document's column footer: its rows are chosen once, so every page shows the same footer. */
export function columnFooter(ctx: Ctx): { height: number; draw: (bottom: number) => void } {
  const { c, st, rng } = ctx;
  const cols: Row[][] = [supplierRows(ctx)];
  if (rng.chance(0.7)) cols.push(contactRows(ctx));
  cols.push(bankRows(ctx), registrationRows(ctx));
  const rule = rng.chance(0.7);
  return {
    height: footerHeight(ctx, cols, st.margin, c.width - st.margin, st.small),
    draw: (bottom) => {
      footerColumns(ctx, cols, st.margin, c.width - st.margin, bottom, st.small, { rule });
    },
  };
}

function draw(ctx: Ctx): void {
  const { c, st, inv, rng, L } = ctx;
  const m = st.margin;
  const W = c.width;
  let y = m;
  // Header: logo + name (or a big name) at the left, title at the right.
  const logoLeft = rng.chance(0.6);
  let leftY = y;
  if (logoLeft) {
    const box = logo(ctx, m, y, st.size * 4, {
      withName: rng.chance(0.7),
      maxWidth: (W - 2 * m) * 0.5 - st.size * 5,
    });
    leftY = box[3] + st.size;
    if (box[2] === m + st.size * 4) {
      const ns = fitSize(ctx, inv.supplier.name, W - 2 * m, st.size * 1.3);
      put(ctx, V.text('supplier_name', inv.supplier.name), m, leftY, { size: ns, bold: true });
      leftY += ns * st.leading;
    }
  } else {
    // The name shares its line with the title: each keeps to its half.
    const ns = fitSize(ctx, inv.supplier.name, (W - 2 * m) * 0.5, st.size * 1.6);
    put(ctx, V.text('supplier_name', inv.supplier.name), m, leftY, {
      size: ns,
      bold: true,
      color: st.accent,
    });
    leftY += ns * st.leading;
  }
  const supAddr = partyBlock(ctx, { ...inv.supplier, name: '' }, 'supplier', m, leftY, {
    extras: rng.sample(['phone', 'email', 'web', 'vat'] as const, rng.int(1, 4)),
  });
  leftY += supAddr;

  const title = titleVal(ctx);
  put(ctx, title, W - m, y, {
    size: fitSize(ctx, title.text, (W - 2 * m) * 0.45, st.big),
    bold: true,
    align: 'right',
    color: rng.chance(0.5) ? st.accent : '#000000',
  });
  let rightY = y + st.big * 1.5;
  const pairs = metaPairs(ctx);
  const labelW = captionWidth(
    ctx,
    pairs.map((p) => p[0]),
  );
  const valueW = Math.max(...pairs.map((p) => c.widthOf(p[1].text, st.size)));
  const metaX = W - m - Math.max(rng.int(190, 230), labelW + valueW + st.size);
  const mode = rng.pick(['cols', 'right'] as const);
  for (const [cap, v] of pairs) {
    rightY += pair(ctx, cap, v, metaX, rightY, mode, { labelW, width: W - m - metaX });
  }
  y = Math.max(leftY, rightY) + st.size * 2;

  // Parties.
  const billH = partyBlock(ctx, inv.customer, 'customer', m, y, {
    heading: L.raw('billTo'),
    width: (W - 2 * m) * 0.45 - 10,
    extras: rng.sample(['vat', 'customerId', 'email', 'phone'] as const, rng.int(0, 2)),
  });
  let shipH = 0;
  if (inv.shipTo) {
    shipH = partyBlock(ctx, inv.shipTo, 'ship', m + (W - 2 * m) * 0.45, y, {
      heading: L.raw('shipTo'),
      width: (W - 2 * m) * 0.45 - 10,
    });
  }
  y += Math.max(billH, shipH) + st.size * 2;

  // Items, totals, notes.
  const footer = columnFooter(ctx);
  const footerTop = c.height - m - footer.height;
  const cont = (carried: Decimal) => {
    footer.draw(c.height - m);
    c.addPage();
    let yy = m;
    c.text(`${inv.supplier.name} · ${L.raw('invoiceNumber')} ${inv.number}`, m, yy, {
      size: st.small,
      color: st.muted,
    });
    c.text(pageText(ctx, c.page + 1), W - m, yy, { size: st.small, align: 'right', color: st.muted });
    yy += st.size * 2;
    void carried;
    return yy;
  };
  y = itemsTable(ctx, {
    x: m,
    y,
    w: W - 2 * m,
    cols: pickColumns(ctx),
    rules: rng.pick(['rows', 'header', 'none', 'zebra'] as const),
    header: rng.pick(['bold', 'underline', 'shaded', 'caps'] as const),
    maxY: footerTop - st.size * 2,
    onBreak: cont,
  });
  const totalsH = st.size * st.leading * (6 + inv.taxes.length);
  if (y + totalsH > footerTop) y = cont(inv.total);
  y += st.size;
  const tx = W - m - rng.int(200, 250);
  const yAfterTotals = totalsBlock(ctx, {
    x: tx,
    right: W - m,
    y,
    boxed: rng.chance(0.3),
    dueLine: rng.chance(0.2),
  });
  const notesY = rng.chance(0.5) ? y : yAfterTotals + st.size;
  const notesW = notesY === y ? tx - m - st.size * 2 : W - 2 * m;
  const noteH = st.size * st.leading * 5;
  if (notesY + noteH < footerTop) notes(ctx, m, notesY, notesW);
  footer.draw(c.height - m);
}

export const classic: Family = {
  name: 'classic',
  kinds: ['invoice', 'invoice', 'invoice', 'credit_note'],
  items: [1, 16],
  pageSize: (inv, rng) => (inv.locale.country === 'US' && rng.chance(0.7) ? LETTER : A4),
  draw,
};
