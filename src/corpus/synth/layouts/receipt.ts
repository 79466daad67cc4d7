/**
 * receipt: a narrow till receipt (58–90 mm) like Malaysian shop receipts: centred store name, company
 * registration number, address, phone and GST id, the title, number/date/time/cashier lines, items with
 * quantity × price, totals, cash and change, a tax summary and a closing line. Mostly monospace fonts.
 */
import type { FontFace } from '../fonts.js';
import type { Invoice } from '../invoice.js';
import type { Rng } from '../rng.js';
import {
  type Ctx,
  date,
  type Family,
  fitSize,
  money,
  num,
  put,
  qtyVal,
  rateText,
  type Style,
  titleVal,
  V,
} from './common.js';

const FOOTERS = [
  'THANK YOU, PLEASE COME AGAIN',
  'GOODS SOLD ARE NOT RETURNABLE',
  'THANK YOU FOR SHOPPING WITH US',
  'Have a nice day!',
  'PLEASE KEEP THIS RECEIPT',
  'EXCHANGE WITHIN 7 DAYS WITH RECEIPT',
];

function lineCount(inv: Invoice): number {
  return 26 + inv.items.length * 2 + inv.taxes.length * 2;
}

function pageSize(inv: Invoice, rng: Rng, st: Style): [number, number] {
  const w = rng.int(165, 255);
  return [w, lineCount(inv) * st.size * st.leading + 60];
}

function face(faces: FontFace[], rng: Rng): FontFace {
  const mono = faces.filter((f) => f.mono);
  return rng.chance(0.7) && mono.length ? rng.pick(mono) : rng.pick(faces);
}

function draw(ctx: Ctx): void {
  const { c, inv, rng, L } = ctx;
  const st = { ...ctx.st, size: Math.min(ctx.st.size, 9) };
  const m = rng.int(8, 16);
  const W = c.width;
  const cx = W / 2;
  const size = Math.min(st.size, (W - 2 * m) / 30 / (c.face.widthFactor * 0.55));
  const lead = size * st.leading;
  let y = rng.int(14, 30);
  const centre = (s: string, bold = false, sz = size) => {
    c.text(s, cx, y, { size: sz, bold, align: 'center' });
    y += sz * st.leading;
  };
  const dashes = () => {
    const ch = rng.pick(['-', '=', '*', '.']);
    const n = Math.floor((W - 2 * m) / c.widthOf(ch, size));
    if (rng.chance(0.3))
      c.line(m, y + size / 2, W - m, y + size / 2, { width: 0.5, dash: rng.chance(0.5) ? 2 : 0 });
    else c.text(ch.repeat(Math.max(3, n - 1)), cx, y, { size, align: 'center' });
    y += lead;
  };
  // Header, centred.
  const nameSize = size * rng.float(1.0, 1.4);
  const nameLines = c.wrap(inv.supplier.name, W - 2 * m, nameSize, true);
  const nameTag = c.entity('supplier_name');
  for (const line of nameLines) {
    c.text(line, cx, y, { size: nameSize, bold: true, align: 'center', tag: nameTag });
    y += nameSize * st.leading;
  }
  if (inv.supplier.regNo && rng.chance(0.8))
    centre(rng.chance(0.6) ? `(${inv.supplier.regNo})` : `Co. Reg: ${inv.supplier.regNo}`);
  const addrTag = c.entity('supplier_address');
  for (const line of inv.supplier.address) {
    for (const l of c.wrap(line, W - 2 * m, size)) {
      c.text(l, cx, y, { size, align: 'center', tag: addrTag });
      y += lead;
    }
  }
  const centrePair = (cap: string, v: ReturnType<typeof V.text>) => {
    const sz = fitSize(ctx, `${cap}  ${v.text}`, W - 2 * m, size, false);
    const full = c.widthOf(cap, sz) + c.widthOf(' ', sz) + c.widthOf(v.text, sz);
    const x0 = cx - full / 2;
    const w = c.text(cap, x0, y, { size: sz });
    put(ctx, v, x0 + w + c.widthOf(' ', sz), y, { size: sz });
    y += lead;
  };
  if (inv.supplier.phone && rng.chance(0.7))
    centrePair(rng.pick(['TEL:', 'Tel:', 'TEL', 'Phone:']), V.text('supplier_phone', inv.supplier.phone));
  if (inv.supplier.vatId && rng.chance(0.8)) {
    const cap =
      inv.locale.id === 'en-MY'
        ? rng.pick(['GST ID:', 'GST ID No:', 'GST REG NO:', 'GST No.', 'SST ID:'])
        : L.get('supplierVat');
    centrePair(cap, V.text('supplier_vat_id', inv.supplier.vatId));
  }
  y += lead * 0.3;
  const title = titleVal(ctx);
  put(ctx, title, cx, y, { size: size * 1.15, bold: true, align: 'center' });
  y += size * 1.15 * st.leading;
  dashes();

  // Number, date, time, cashier.
  const left = (cap: string, v: ReturnType<typeof V.text>, capW = 0) => {
    const w = c.text(cap, m, y, { size });
    put(ctx, v, m + Math.max(w + c.widthOf(' ', size), capW), y, { size });
    y += lead;
  };
  const capW = rng.chance(0.5) ? c.widthOf('Receipt No :', size) + size : 0;
  const numCap = rng.pick([L.get('receiptNumber'), 'Doc No:', 'Bill No:', 'Invoice No:', 'No:']);
  const dateCap = rng.pick(['Date:', 'DATE:', 'Date :', L.get('dateTime')]);
  const dv = date(ctx, 'issue_date', inv.issueDate);
  const r = inv.receipt;
  if (rng.chance(0.5)) {
    left(numCap, V.text('invoice_number', inv.number), capW);
    const w = c.text(dateCap, m, y, { size });
    const dx = m + Math.max(w + c.widthOf(' ', size), capW);
    const dw = put(ctx, dv, dx, y, { size });
    if (r) {
      // The time follows the date when it fits, else it goes under it.
      let tx = dx + dw + c.widthOf('  ', size) * 1.6;
      if (tx + c.widthOf(r.time, size) > W - m) {
        y += lead;
        tx = dx;
      }
      c.text(r.time, tx, y, { size });
    }
    y += lead;
  } else {
    const w = put(ctx, dv, m, y, { size });
    const tw = r
      ? c.text(r.time, m + w + c.widthOf('  ', size) * 1.6, y, { size }) + c.widthOf('  ', size) * 1.6
      : 0;
    // The number goes to the right of date and time when there is room, else on its own line.
    if (m + w + tw + c.widthOf(inv.number, size) + size * 2 > W - m) y += lead;
    put(ctx, V.text('invoice_number', inv.number), W - m, y, { size, align: 'right' });
    y += lead;
  }
  if (r && rng.chance(0.6))
    left(rng.pick(['Cashier:', 'CASHIER:', 'Served by:', 'Counter:']), V.plain(r.cashier), capW);
  if (rng.chance(0.3))
    left(
      rng.pick(['Customer:', 'CUSTOMER:', 'Member:']),
      V.plain(rng.pick(['CASH', 'WALK-IN', 'CASH CUSTOMER'])),
      capW,
    );
  dashes();

  // Items.
  const twoLine = rng.chance(0.6);
  const right = W - m;
  const taxCode = inv.locale.id === 'en-MY' && rng.chance(0.5);
  if (!twoLine && rng.chance(0.7)) {
    c.text('QTY', m, y, { size, bold: true });
    c.text('DESC', m + c.widthOf('QTY  ', size), y, { size, bold: true });
    c.text('AMT', right, y, { size, bold: true, align: 'right' });
    y += lead;
  }
  inv.items.forEach((it, i) => {
    const amount = money(ctx, 'item_amount', it.amount, false, i);
    const code = taxCode ? (it.taxRate.isZero() ? ' Z' : ' S') : '';
    if (twoLine) {
      const descW = W - 2 * m;
      const tag = c.entity('item_description', undefined, i);
      for (const l of c.wrap(it.description, descW, size)) {
        c.text(l, m, y, { size, tag });
        y += lead;
      }
      let x = m + size;
      x += put(ctx, qtyVal(ctx, it, i), x, y, { size }) + c.widthOf(' ', size);
      x += c.text(rng.pick(['x', 'X', '@']), x, y, { size }) + c.widthOf(' ', size);
      put(ctx, money(ctx, 'item_unit_price', it.unitPrice, false, i), x, y, { size });
      const cw = code ? c.text(code.trim(), right, y, { size, align: 'right' }) + c.widthOf(' ', size) : 0;
      put(ctx, amount, right - cw, y, { size, align: 'right' });
      y += lead;
    } else {
      const qx = m;
      const dx = m + c.widthOf('QTY  ', size);
      put(ctx, qtyVal(ctx, it, i), qx, y, { size });
      const amtW = c.widthOf('00000.00 S', size);
      const tag = c.entity('item_description', undefined, i);
      const lines = c.wrap(it.description, right - amtW - dx - size, size);
      const cw = code ? c.text(code.trim(), right, y, { size, align: 'right' }) + c.widthOf(' ', size) : 0;
      put(ctx, amount, right - cw, y, { size, align: 'right' });
      for (const l of lines) {
        c.text(l, dx, y, { size, tag });
        y += lead;
      }
    }
  });
  dashes();

  // Totals.
  const row = (cap: string, v: ReturnType<typeof V.text>, bold = false, sz = size) => {
    const room = right - m - c.widthOf(v.text, sz, bold) - c.widthOf('  ', sz);
    c.text(cap, m, y, { size: fitSize(ctx, cap, room, sz, bold), bold });
    put(ctx, v, right, y, { size: sz, bold, align: 'right' });
    y += sz * st.leading;
  };
  if (rng.chance(0.4))
    row('Total Qty:', V.plain(String(inv.items.reduce((s, it) => s + Math.abs(it.quantity.toNumber()), 0))));
  const withCur = rng.chance(0.4);
  const taxName = inv.locale.id === 'en-MY' ? 'GST' : ctx.L.raw('taxTotal');
  if (rng.chance(0.7) || !inv.pricesIncludeTax) {
    row(
      inv.locale.id === 'en-MY'
        ? rng.pick(['Total Sales (Excl. GST)', 'Sub Total', 'SUBTOTAL', 'Total Excl GST'])
        : ctx.L.get('subtotal'),
      money(ctx, 'subtotal_amount', inv.subtotal, withCur),
    );
  }
  if (inv.taxes.length === 1) {
    const t = inv.taxes[0];
    if (t) row(`${taxName} ${rateText(ctx, t.rate)}`, money(ctx, 'tax_amount', t.amount, withCur));
  } else {
    row(rng.pick([`Total ${taxName}`, taxName]), money(ctx, 'tax_amount', inv.taxTotal, withCur));
  }
  row(
    rng
      .pick(['TOTAL', 'Total', 'TOTAL (RM)', 'Total Incl. GST', 'GRAND TOTAL', ctx.L.raw('total')])
      .replace('(RM)', `(${inv.currency.symbol})`),
    money(ctx, 'total_amount', inv.total, withCur || rng.chance(0.3)),
    true,
    size * rng.float(1, 1.3),
  );
  if (r) {
    row(ctx.L.raw('cash'), money(ctx, undefined, r.cash, withCur));
    row(ctx.L.raw('change'), money(ctx, undefined, r.change, withCur));
  }
  // Tax summary.
  if (rng.chance(0.5)) {
    dashes();
    const c1 = m;
    const c3 = right;
    const c2 = right - c.widthOf('00000.00', size) - size * 2;
    const title = rng.pick(['GST Summary', 'Tax Summary', 'GST SUMMARY']);
    const amountCap = `Amount(${inv.currency.symbol})`;
    c.text(title, c1, y, { size, bold: true });
    if (c1 + c.widthOf(title, size, true) + size > c2 - c.widthOf(amountCap, size)) y += lead;
    c.text(amountCap, c2, y, { size, align: 'right' });
    c.text(`Tax(${inv.currency.symbol})`, c3, y, { size, align: 'right' });
    y += lead;
    for (const t of inv.taxes) {
      c.text(`${t.rate.isZero() ? 'Z' : 'S'} @ ${rateText(ctx, t.rate)}`, c1, y, { size });
      c.text(num(ctx, t.base), c2, y, { size, align: 'right' });
      c.text(num(ctx, t.amount), c3, y, { size, align: 'right' });
      y += lead;
    }
  }
  dashes();
  for (const line of rng.sample(FOOTERS, rng.int(1, 2))) {
    for (const l of c.wrap(line, W - 2 * m, size)) centre(l);
  }
}

export const receipt: Family = {
  name: 'receipt',
  kinds: ['receipt'],
  items: [1, 14],
  pageSize,
  face,
  draw,
};
