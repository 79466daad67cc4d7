/**
 * service: a services / timesheet invoice: supplier at the left and meta at the right, a project and
 * service-period line (two more dates), line items each with its own work date (dates that are none of
 * the date fields), hours × rate, totals, and bank details with the payment reference in a closing block.
 */
import { addDays, formatDate, type Ymd } from '../formats.js';
import type { Lang } from '../vocab.js';
import { columnFooter } from './classic.js';
import {
  A4,
  type Ctx,
  type Family,
  fitSize,
  LETTER,
  metaPairs,
  money,
  notes,
  pageText,
  pair,
  partyBlock,
  put,
  putLines,
  qtyVal,
  titleVal,
  totalsBlock,
  V,
} from './common.js';

const PERIOD: Record<Lang, [string, string, string]> = {
  en: ['Project', 'Service period', 'Date'],
  de: ['Projekt', 'Leistungszeitraum', 'Datum'],
  fr: ['Projet', 'Période de prestation', 'Date'],
  es: ['Proyecto', 'Periodo de servicio', 'Fecha'],
  it: ['Progetto', 'Periodo di riferimento', 'Data'],
  nl: ['Project', 'Periode', 'Datum'],
};

function draw(ctx: Ctx): void {
  const { c, st, inv, rng, L } = ctx;
  const m = st.margin;
  const W = c.width;
  const lang = inv.locale.lang;
  let y = m;
  const sh = partyBlock(ctx, inv.supplier, 'supplier', m, y, {
    nameSize: fitSize(ctx, inv.supplier.name, W * 0.45, st.size * 1.4),
    extras: rng.sample(['phone', 'email', 'web', 'vat', 'tax'] as const, rng.int(2, 4)),
    width: W * 0.45,
  });
  put(ctx, titleVal(ctx), W - m, y, {
    size: fitSize(ctx, titleVal(ctx).text, W * 0.42, st.big * 0.8),
    bold: true,
    align: 'right',
  });
  let ry = y + st.big * 1.3;
  const mx = W / 2 + 20;
  for (const [cap, v] of metaPairs(ctx)) ry += pair(ctx, cap, v, mx, ry, 'cols', { labelW: 115 });
  y = Math.max(y + sh, ry) + st.size * 1.5;
  y += partyBlock(ctx, inv.customer, 'customer', m, y, {
    heading: L.raw('billTo'),
    extras: ['vat', 'contact'],
    width: W * 0.45,
  });
  y += st.size * 1.2;

  // Project and service period.
  const [projCap, periodCap, dateCap] = PERIOD[lang];
  const end: Ymd = inv.deliveryDate ?? addDays(inv.issueDate, -rng.int(1, 10));
  const start = addDays(end, -rng.int(6, 30));
  const f = (d: Ymd) => formatDate(d, inv.dateFormat, inv.locale.months);
  y += pair(ctx, `${projCap}:`, V.plain(inv.distractors.reference), m, y, 'inline');
  y += pair(ctx, `${periodCap}:`, V.plain(`${f(start)} - ${f(end)}`), m, y, 'inline');
  y += st.size;

  // Items: date | description | hours | rate | amount.
  const footer = columnFooter(ctx);
  const bottom = c.height - m;
  const maxY = bottom - footer.height - st.size * 2;
  const x1 = m + c.widthOf(f({ y: 2000, m: 12, d: 28 }), st.size) + 12;
  const xQ = W - m - 200;
  const xP = W - m - 100;
  const xA = W - m;
  const header = (yy: number) => {
    c.text(dateCap, m, yy, { size: st.size, bold: true });
    c.text(L.raw('description'), x1, yy, { size: st.size, bold: true });
    c.text(L.raw('quantity'), xQ, yy, { size: st.size, bold: true, align: 'right' });
    c.text(L.raw('unitPrice'), xP, yy, { size: st.size, bold: true, align: 'right' });
    c.text(L.raw('amount'), xA, yy, { size: st.size, bold: true, align: 'right' });
    c.line(m, yy + st.size * 1.4, W - m, yy + st.size * 1.4, { color: st.rule, width: 0.6 });
    return yy + st.size * 2;
  };
  y = header(y);
  let day = start;
  inv.items.forEach((it, i) => {
    const lines = c.wrap(it.description, xQ - x1 - 60, st.size);
    const h = lines.length * st.size * st.leading + 3;
    if (y + h > maxY) {
      footer.draw(bottom);
      c.addPage();
      c.text(pageText(ctx, c.page + 1), W - m, m, { size: st.small, align: 'right' });
      y = header(m + st.size * 2);
    }
    c.text(f(day), m, y, { size: st.size, color: st.muted });
    day = addDays(day, rng.int(0, 3));
    putLines(ctx, 'item_description', lines, x1, y, { item: i });
    const uw = it.unit ? put(ctx, V.text('item_unit', it.unit, i), xQ, y, { align: 'right' }) : 0;
    put(ctx, qtyVal(ctx, it, i), xQ - uw - (uw ? c.widthOf(' ', st.size) * 1.6 : 0), y, { align: 'right' });
    put(ctx, money(ctx, 'item_unit_price', it.unitPrice, st.moneyInTable, i), xP, y, { align: 'right' });
    put(ctx, money(ctx, 'item_amount', it.amount, st.moneyInTable, i), xA, y, { align: 'right' });
    y += h;
  });
  c.line(m, y, W - m, y, { color: st.rule, width: 0.6 });
  if (y + st.size * st.leading * (7 + inv.taxes.length) > maxY) {
    footer.draw(bottom);
    c.addPage();
    y = m;
  }
  y = totalsBlock(ctx, { x: W - m - 230, right: W - m, y: y + st.size, dueLine: rng.chance(0.3) });
  if (y + st.size * st.leading * 5 < maxY) notes(ctx, m, y + st.size, W - 2 * m);
  footer.draw(bottom);
}

export const service: Family = {
  name: 'service',
  kinds: ['invoice', 'invoice', 'invoice', 'credit_note'],
  items: [1, 14],
  pageSize: (inv, rng) => (inv.locale.country === 'US' && rng.chance(0.6) ? LETTER : A4),
  draw,
};
