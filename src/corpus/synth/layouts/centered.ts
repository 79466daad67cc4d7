/**
 * centered: a letterhead with everything centred at the top: logo, company name, the address on one line
 * joined by separators, a contact line; a double rule; a centred title with number and date on one line;
 * the customer at the left and meta pairs at the right; a lightly ruled table; centred footer lines.
 */
import {
  A4,
  bankRows,
  type Ctx,
  date,
  drawRows,
  type Family,
  fitSize,
  itemsTable,
  LETTER,
  logo,
  measureRows,
  metaPairs,
  notes,
  numberCaption,
  pageText,
  pair,
  partyBlock,
  pickColumns,
  put,
  registrationRows,
  titleVal,
  totalsBlock,
  V,
  type Val,
} from './common.js';

/** Draws caption/value pieces centred on one line, separated by `sep`; one per line when too wide. Returns lines used. */
function centredLine(
  ctx: Ctx,
  pieces: readonly [string, Val][],
  y: number,
  size: number,
  sep: string,
): number {
  const { c, st } = ctx;
  const gap = c.widthOf(' ', size) * 2.5;
  const widths = pieces.map(([cap, v]) => (cap ? c.widthOf(cap, size) + gap : 0) + c.widthOf(v.text, size));
  const sepW = c.widthOf(sep, size) + 2 * gap;
  const total = widths.reduce((a, b) => a + b, 0) + sepW * (pieces.length - 1);
  if (total > c.width - 2 * st.margin) {
    pieces.forEach(([cap, v], i) => {
      const w = widths[i] ?? 0;
      let x = c.width / 2 - w / 2;
      if (cap) x += c.text(cap, x, y + i * size * st.leading, { size, color: st.muted }) + gap;
      put(ctx, v, x, y + i * size * st.leading, { size });
    });
    return pieces.length;
  }
  let x = c.width / 2 - total / 2;
  pieces.forEach(([cap, v], i) => {
    if (i > 0) {
      c.text(sep, x + gap, y, { size, color: st.muted });
      x += sepW;
    }
    if (cap) x += c.text(cap, x, y, { size, color: st.muted }) + gap;
    x += put(ctx, v, x, y, { size });
  });
  return 1;
}

function draw(ctx: Ctx): void {
  const { c, st, inv, rng, L } = ctx;
  const m = st.margin;
  const W = c.width;
  let y = m * 0.8;
  if (rng.chance(0.6)) {
    const h = st.size * 4;
    logo(ctx, W / 2 - h / 2, y, h);
    y += h + st.size;
  }
  const ns = fitSize(ctx, inv.supplier.name, W - 2 * m, st.size * rng.float(1.6, 2.4));
  put(ctx, V.text('supplier_name', inv.supplier.name), W / 2, y, {
    size: ns,
    bold: true,
    align: 'center',
    color: st.accent,
  });
  y += ns * 1.5;
  const sep = rng.pick(['·', '|', '•']);
  // Address on one line: the address entity's parts separated by O separators.
  const size = st.small;
  const gap = c.widthOf(' ', size) * 2.5;
  const addr = inv.supplier.address;
  const sepW = c.widthOf(sep, size) + 2 * gap;
  const total = addr.reduce((a, l) => a + c.widthOf(l, size), 0) + sepW * (addr.length - 1);
  if (total < W - 2 * m) {
    let x = W / 2 - total / 2;
    const tag = c.entity('supplier_address');
    addr.forEach((l, i) => {
      if (i > 0) {
        c.text(sep, x + gap, y, { size, color: st.muted });
        x += sepW;
      }
      x += c.text(l, x, y, { size, tag });
    });
  } else {
    const tag = c.entity('supplier_address');
    for (const l of addr) {
      c.text(l, W / 2, y, { size, align: 'center', tag });
      y += size * st.leading;
    }
    y -= size * st.leading;
  }
  y += size * st.leading;
  const contact: [string, Val][] = [];
  if (inv.supplier.phone) contact.push([L.raw('phone'), V.text('supplier_phone', inv.supplier.phone)]);
  if (inv.supplier.email) contact.push(['', V.text('supplier_email', inv.supplier.email)]);
  if (inv.supplier.website && rng.chance(0.7))
    contact.push(['', V.text('supplier_website', inv.supplier.website)]);
  if (contact.length) y += centredLine(ctx, contact, y, size, sep) * size * st.leading;
  y += st.size * 0.6;
  c.line(m, y, W - m, y, { color: st.accent, width: 1.2 });
  c.line(m, y + 2.5, W - m, y + 2.5, { color: st.accent, width: 0.4 });
  y += st.size * 2;

  put(ctx, titleVal(ctx), W / 2, y, { size: st.big * 0.75, bold: true, align: 'center' });
  y += st.big * 0.75 * 1.5;
  const n = centredLine(
    ctx,
    [
      [numberCaption(ctx), V.text('invoice_number', inv.number)],
      [L.get('issueDate'), date(ctx, 'issue_date', inv.issueDate)],
    ],
    y,
    st.size,
    sep,
  );
  y += st.size * (n * st.leading + 1.2);

  const ch = partyBlock(ctx, inv.customer, 'customer', m, y, {
    heading: L.raw('billTo'),
    extras: ['vat'],
    width: W / 2 - m - 10,
  });
  let ry = y;
  const rest = metaPairs(ctx).filter(([, v]) => v.field !== 'invoice_number' && v.field !== 'issue_date');
  for (const [cap, v] of rest) ry += pair(ctx, cap, v, W / 2 + 10, ry, 'right', { width: W / 2 - 10 - m });
  y = Math.max(y + ch, ry) + st.size * 1.5;

  const fRows = [...bankRows(ctx), ...registrationRows(ctx)];
  const halfRows = Math.ceil(fRows.length / 2);
  const fh =
    (fRows.length > 3
      ? Math.max(
          measureRows(ctx, fRows.slice(0, halfRows), (W - 2 * m) / 2 - 10, st.small),
          measureRows(ctx, fRows.slice(halfRows), (W - 2 * m) / 2 - 10, st.small),
        )
      : measureRows(ctx, fRows, W - 2 * m, st.small)) +
    st.small * 2;
  const bottom = c.height - m * 0.8;
  const drawFooter = () => {
    const half = halfRows;
    if (fRows.length > 3) {
      drawRows(ctx, fRows.slice(0, half), m, bottom - fh + st.small, (W - 2 * m) / 2 - 10, st.small, {
        align: 'center',
      });
      drawRows(ctx, fRows.slice(half), W / 2 + 10, bottom - fh + st.small, (W - 2 * m) / 2 - 10, st.small, {
        align: 'center',
      });
    } else drawRows(ctx, fRows, m, bottom - fh + st.small, W - 2 * m, st.small, { align: 'center' });
  };
  const cont = () => {
    drawFooter();
    c.addPage();
    c.text(pageText(ctx, c.page + 1), W / 2, m * 0.8, { size: st.small, align: 'center' });
    return m + st.size * 2;
  };
  y = itemsTable(ctx, {
    x: m,
    y,
    w: W - 2 * m,
    cols: pickColumns(ctx),
    rules: rng.pick(['header', 'zebra', 'rows'] as const),
    header: rng.pick(['bold', 'caps', 'underline'] as const),
    maxY: bottom - fh - st.size * 2,
    onBreak: cont,
  });
  if (y + st.size * st.leading * (7 + inv.taxes.length) > bottom - fh) y = cont();
  y = totalsBlock(ctx, {
    x: W - m - rng.int(200, 240),
    right: W - m,
    y: y + st.size,
    dueLine: rng.chance(0.2),
  });
  if (y + st.size * st.leading * 5 < bottom - fh) notes(ctx, m, y + st.size, W - 2 * m);
  drawFooter();
}

export const centered: Family = {
  name: 'centered',
  kinds: ['invoice', 'invoice', 'invoice', 'credit_note'],
  items: [1, 12],
  pageSize: (inv, rng) => (inv.locale.country === 'US' && rng.chance(0.6) ? LETTER : A4),
  draw,
};
