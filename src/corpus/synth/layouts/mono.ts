/**
 * mono: an ERP / line-printer style invoice in a monospaced face on a character grid: upper-case captions
 * padded with dots or spaces, separator lines of '=' and '-', columns aligned by character positions, no
 * rules or boxes, and the bank details in a single line.
 */
import type { FontFace } from '../fonts.js';
import type { Rng } from '../rng.js';
import {
  A4,
  type Ctx,
  date,
  type Family,
  LETTER,
  metaPairs,
  money,
  pageText,
  put,
  putLines,
  qtyVal,
  rateText,
  titleVal,
  V,
  type Val,
} from './common.js';

function face(faces: FontFace[], rng: Rng): FontFace {
  return rng.pick(faces.filter((f) => f.mono));
}

function draw(ctx: Ctx): void {
  const { c, inv, rng, L } = ctx;
  const size = Math.min(ctx.st.size, 9);
  const m = rng.int(30, 48);
  const W = c.width;
  const cw = c.widthOf('M', size);
  const cols = Math.floor((W - 2 * m) / cw);
  const lead = size * rng.float(1.15, 1.35);
  const col = (i: number) => m + i * cw;
  const upper = rng.chance(0.7);
  const U = (s: string) => (upper ? s.toUpperCase() : s);
  const filler = rng.pick([' ', '.', ' ']);
  let row = 0;
  const y = (r = row) => m + r * lead;
  const sepLine = (ch: string) => {
    c.text(ch.repeat(cols), col(0), y(), { size });
    row++;
  };
  const maxRows = Math.floor((c.height - 2 * m) / lead);

  // Header: supplier at the left, the title at the right.
  const name = upper ? inv.supplier.name.toUpperCase() : inv.supplier.name;
  put(ctx, V.text('supplier_name', name), col(0), y(), { size, bold: true });
  const title = { ...titleVal(ctx), text: titleVal(ctx).text.toUpperCase() };
  if (name.length + title.text.length + 2 > cols) row++;
  put(ctx, title, col(cols), y(), { size, bold: true, align: 'right' });
  row++;
  const addr = inv.supplier.address.map(U);
  putLines(ctx, 'supplier_address', addr, col(0), y(), { size, leading: lead / size });
  row += addr.length;
  if (inv.supplier.phone) {
    c.text(U(L.raw('phone')), col(0), y(), { size });
    put(
      ctx,
      V.text('supplier_phone', inv.supplier.phone),
      col(Math.max(6, U(L.raw('phone')).length + 2)),
      y(),
      { size },
    );
    row++;
  }
  if (inv.supplier.vatId) {
    c.text(U(L.raw('supplierVat')), col(0), y(), { size });
    put(
      ctx,
      V.text('supplier_vat_id', inv.supplier.vatId),
      col(Math.max(6, U(L.raw('supplierVat')).length + 2)),
      y(),
      { size },
    );
    row++;
  }
  row++;

  // Customer at the left, meta captions padded to a fixed width at the right half.
  const startRow = row;
  const half = Math.floor(cols / 2) + 2;
  const wrapHalf = (s: string) => c.wrap(U(s), (half - 4) * cw, size);
  const custName = wrapHalf(inv.customer.name);
  const custAddr = inv.customer.address.flatMap(wrapHalf);
  const cust = [...custName, ...custAddr];
  putLines(ctx, 'customer_name', custName, col(2), y(), { size, leading: lead / size });
  putLines(ctx, 'customer_address', custAddr, col(2), y(row + custName.length), {
    size,
    leading: lead / size,
  });
  const capLen = 16;
  let r = startRow;
  for (const [cap, v] of metaPairs(ctx, { distractors: rng.chance(0.6) })) {
    if (v.text.length > cols - half - capLen - 2) continue;
    const label = U(cap.replace(/[:#]$/, '')).slice(0, capLen - 2);
    c.text(`${label}${filler.repeat(Math.max(1, capLen - 1 - label.length))}:`, col(half), y(r), { size });
    put(ctx, v, col(half + capLen + 1), y(r), { size });
    r++;
  }
  row = Math.max(row + cust.length, r) + 1;

  // Items on the character grid.
  const amtW = 13;
  const priceW = 12;
  const qtyW = 8;
  const codeW = inv.items.some((i) => i.code) ? 15 : 0;
  const descW = cols - amtW - priceW - qtyW - codeW - 5;
  sepLine('=');
  const hdr = [
    [U(L.raw('productCode')), 0, 'left'],
    [U(L.raw('description')), codeW, 'left'],
    [U(L.raw('quantity')), codeW + descW + 1 + qtyW, 'right'],
    [U(L.raw('unitPrice')), codeW + descW + 2 + qtyW + priceW, 'right'],
    [U(L.raw('amount')), cols, 'right'],
  ] as const;
  // Captions are cut to their column, as line printers do ("PREZZO UNITARIO" → "PREZZO UNIT").
  const widthOf = [codeW, descW, qtyW, priceW, amtW];
  hdr.forEach(([t, at, align], i) => {
    if (at === 0 && !codeW) return;
    const cut = t.slice(0, Math.max(3, (widthOf[i] ?? 10) - 1)).trim();
    c.text(cut, col(at), y(), { size, bold: true, ...(align === 'right' ? { align } : {}) });
  });
  row++;
  sepLine('-');
  const pageBreak = () => {
    c.text(pageText(ctx, c.page + 1), col(cols), y(maxRows - 1), { size, align: 'right' });
    c.addPage();
    row = 0;
    c.text(`${U(L.raw('invoiceNumber'))} ${inv.number}`, col(0), y(), { size });
    row += 2;
  };
  inv.items.forEach((it, i) => {
    const lines = c.wrap(U(it.description), descW * cw, size);
    if (row + lines.length + 2 > maxRows) pageBreak();
    if (codeW && it.code) put(ctx, V.text('item_product_code', it.code, i), col(0), y(), { size });
    putLines(ctx, 'item_description', lines, col(codeW), y(), { size, item: i, leading: lead / size });
    put(ctx, qtyVal(ctx, it, i), col(codeW + descW + 1 + qtyW), y(), { size, align: 'right' });
    put(
      ctx,
      money(ctx, 'item_unit_price', it.unitPrice, false, i),
      col(codeW + descW + 2 + qtyW + priceW),
      y(),
      { size, align: 'right' },
    );
    put(ctx, money(ctx, 'item_amount', it.amount, false, i), col(cols), y(), { size, align: 'right' });
    row += lines.length;
  });
  sepLine('-');

  // Totals, right-aligned on the grid.
  const tot: [string, Val][] = [[L.raw('subtotal'), money(ctx, 'subtotal_amount', inv.subtotal, false)]];
  for (const t of inv.taxes) {
    tot.push([
      L.raw('tax', { rate: rateText(ctx, t.rate) }),
      money(ctx, inv.taxes.length === 1 ? 'tax_amount' : undefined, t.amount, false),
    ]);
  }
  if (inv.taxes.length > 1) tot.push([L.raw('taxTotal'), money(ctx, 'tax_amount', inv.taxTotal, false)]);
  tot.push([`${L.raw('total')} ${inv.currency.code}`, money(ctx, 'total_amount', inv.total, false)]);
  if (inv.amountPaid) tot.push([L.raw('amountPaid'), money(ctx, undefined, inv.amountPaid.neg(), false)]);
  if (inv.previousBalance)
    tot.push([L.raw('previousBalance'), money(ctx, undefined, inv.previousBalance, false)]);
  if (inv.amountPaid || inv.previousBalance)
    tot.push([L.raw('amountDue'), money(ctx, 'amount_due', inv.amountDue, false)]);
  if (row + tot.length + 8 > maxRows) pageBreak();
  for (const [cap, v] of tot) {
    const label = U(cap);
    c.text(`${label}${filler.repeat(Math.max(1, 24 - label.length))}`, col(cols - amtW - 26), y(), { size });
    put(ctx, v, col(cols), y(), { size, align: 'right' });
    row++;
  }
  sepLine('=');
  row++;
  if (inv.paymentTerms) {
    const capText = U(L.raw('paymentTerms'));
    c.text(capText, col(0), y(), { size });
    const at = Math.max(22, capText.length + 2);
    const lines = c.wrap(U(inv.paymentTerms), (cols - at) * cw, size);
    putLines(ctx, 'payment_terms', lines, col(at), y(), { size, leading: lead / size });
    row += lines.length;
  }
  if (inv.bank) {
    // Bank details on one line: caption, value, caption, value...
    let x = col(0);
    const parts: [string, Val][] = [];
    if (inv.bank.iban)
      parts.push([`${U(L.raw('iban'))}`, { text: inv.bank.iban, field: 'iban', value: inv.bank.iban }]);
    if (inv.bank.account) parts.push(['ACCOUNT', V.plain(inv.bank.account)]);
    if (inv.bank.bic) parts.push([U(L.raw('bic')), V.text('bic', inv.bank.bic)]);
    c.text(U(inv.bank.name), x, y(), { size });
    row++;
    for (const [cap, v] of parts) {
      const w = c.text(cap.replace(/:$/, ''), x, y(), { size });
      x += w + cw;
      x += put(ctx, v, x, y(), { size }) + 2 * cw;
    }
    row++;
  }
  if (inv.dueDate && rng.chance(0.5)) {
    c.text(U(L.raw('dueDate')), col(0), y(), { size });
    put(ctx, date(ctx, 'due_date', inv.dueDate), col(22), y(), { size });
    row++;
  }
}

export const mono: Family = {
  name: 'mono',
  kinds: ['invoice', 'invoice', 'invoice', 'credit_note'],
  items: [1, 20],
  pageSize: (inv, rng) => (inv.locale.country === 'US' && rng.chance(0.5) ? LETTER : A4),
  face,
  draw,
};
