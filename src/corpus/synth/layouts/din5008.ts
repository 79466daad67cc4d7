/**
 * din5008: a business letter (DIN 5008 form B geometry): letterhead, a one-line sender above the address
 * window, an information block at the right, a subject line with the number, a salutation, the table,
 * totals, a closing with the payment terms, and a four-column footer with bank and registration data.
 */
import type { Lang } from '../vocab.js';
import { columnFooter } from './classic.js';
import {
  A4,
  type Ctx,
  captionWidth,
  date,
  type Family,
  fitSize,
  itemsTable,
  logo,
  metaPairs,
  notes,
  pageText,
  pair,
  pickColumns,
  put,
  putLines,
  titleVal,
  totalsBlock,
  V,
} from './common.js';

const INTRO: Record<Lang, [string, string]> = {
  de: [
    'Sehr geehrte Damen und Herren,',
    'vielen Dank für Ihren Auftrag. Wir erlauben uns, Ihnen folgende Leistungen in Rechnung zu stellen:',
  ],
  en: [
    'Dear Sir or Madam,',
    'Thank you for your order. We hereby invoice you for the following goods and services:',
  ],
  fr: [
    'Madame, Monsieur,',
    'Nous vous remercions de votre confiance et vous prions de trouver ci-dessous le détail de notre facture :',
  ],
  es: [
    'Estimado cliente:',
    'Le remitimos la factura correspondiente a los siguientes productos y servicios:',
  ],
  it: ['Spettabile cliente,', 'con la presente Vi addebitiamo quanto segue per le forniture eseguite:'],
  nl: [
    'Geachte heer/mevrouw,',
    'Hierbij ontvangt u de factuur voor de volgende geleverde goederen en diensten:',
  ],
};

const NO: Record<Lang, string> = { de: 'Nr.', en: 'No.', fr: 'n°', es: 'nº', it: 'n.', nl: 'nr.' };

const CLOSING: Record<Lang, string> = {
  de: 'Mit freundlichen Grüßen',
  en: 'Kind regards',
  fr: 'Veuillez agréer nos salutations distinguées.',
  es: 'Atentamente,',
  it: 'Distinti saluti',
  nl: 'Met vriendelijke groet,',
};

function draw(ctx: Ctx): void {
  const { c, st, inv, rng, L } = ctx;
  const W = c.width;
  const left = rng.int(56, 70);
  const m = st.margin;
  const lang = inv.locale.lang;
  // Letterhead in the top 45 mm.
  const headRight = rng.chance(0.6);
  if (rng.chance(0.6)) {
    const h = st.size * 4.5;
    if (headRight) logo(ctx, W - m - h, 36, h);
    else logo(ctx, left, 36, h);
  }
  const nameSize = fitSize(ctx, inv.supplier.name, W * 0.55, st.size * rng.float(1.5, 2.2));
  put(ctx, V.text('supplier_name', inv.supplier.name), headRight ? left : W - m, 40, {
    size: nameSize,
    bold: true,
    color: st.accent,
    align: headRight ? 'left' : 'right',
  });
  // The letterhead address only where it ends above the address window (DIN 5008: 45 mm header zone).
  const headAddrEnd = 40 + nameSize * 1.5 + inv.supplier.address.length * st.small * st.leading;
  if (rng.chance(0.5) && headAddrEnd < 120) {
    putLines(ctx, 'supplier_address', inv.supplier.address, headRight ? left : W - m, 40 + nameSize * 1.5, {
      size: st.small,
      align: headRight ? 'left' : 'right',
      color: st.muted,
    });
  }

  // Sender line and address window.
  const winTop = 127;
  const sep = rng.pick(['·', '-', '|', '•']);
  // The sender line must fit the window (85 mm); when it cannot, there is none (no partial address).
  const senderFits = (lines: readonly string[]) =>
    c.widthOf([inv.supplier.name, ...lines].join(`     ${sep}     `), 5.5) <= 330 - left;
  let senderLines: readonly string[] | undefined = inv.supplier.address;
  if (!senderFits(senderLines)) senderLines = undefined;
  const full = [inv.supplier.name, ...(senderLines ?? [])].join(`     ${sep}     `);
  const sizeS = fitSize(ctx, full, 330 - left, Math.max(6, st.size * 0.72), false);
  if (senderLines) {
    // Wide gaps: readers place words inside merged runs by estimated glyph widths, and a small separator
    // next to a value would otherwise drift into the value's box.
    const gap = c.widthOf(' ', sizeS) * 2.5;
    let x = left;
    x += put(ctx, V.text('supplier_name', inv.supplier.name), x, winTop, { size: sizeS });
    const tag = c.entity('supplier_address');
    for (const line of senderLines) {
      x += gap + c.text(sep, x + gap, winTop, { size: sizeS }) + gap;
      x += c.text(line, x, winTop, { size: sizeS, tag });
    }
    c.line(left, winTop + sizeS * 1.25, x, winTop + sizeS * 1.25, { width: 0.3 });
  }
  let y = winTop + sizeS * 2.5;
  y += putLines(ctx, 'customer_name', [inv.customer.name], left, y, {});
  if (inv.customer.contact && rng.chance(0.5)) {
    c.text(inv.customer.contact, left, y, { size: st.size });
    y += st.size * st.leading;
  }
  putLines(ctx, 'customer_address', inv.customer.address, left, y, {});

  // Information block.
  const infoX = rng.int(340, 370);
  let iy = winTop + rng.int(0, 20);
  const pairs = metaPairs(ctx);
  if (inv.supplier.contact && rng.chance(0.6)) pairs.push([L.get('contact'), V.plain(inv.supplier.contact)]);
  if (inv.supplier.phone && rng.chance(0.5))
    pairs.push([L.get('phone'), V.text('supplier_phone', inv.supplier.phone)]);
  if (inv.supplier.email && rng.chance(0.4))
    pairs.push([L.get('email'), V.text('supplier_email', inv.supplier.email)]);
  const labelW = captionWidth(
    ctx,
    pairs.map((p) => p[0]),
    st.size * 0.95,
  );
  for (const [cap, v] of pairs) {
    iy += pair(ctx, cap, v, infoX, iy, rng.chance(0.85) ? 'cols' : 'right', {
      labelW,
      width: W - m - infoX,
      size: st.size * 0.95,
    });
  }
  y = Math.max(winTop + 127, iy) + st.size * 2;

  // Subject line: title, "No.", number; sometimes a place-and-date line above it.
  if (rng.chance(0.3)) {
    const zipLine = inv.supplier.address.find((l) => /\d{4,5}/.test(l)) ?? '';
    const city = zipLine
      .replace(/[\d\s-]*\d[\d\s-]*/g, ' ')
      .replace(/[,.()]/g, '')
      .trim();
    const dv = date(ctx, 'issue_date', inv.issueDate);
    const x0 = W - m - c.widthOf(`${city}, ${dv.text}`, st.size);
    const w = city ? c.text(`${city},`, x0, y, { size: st.size }) + c.widthOf(' ', st.size) : 0;
    put(ctx, dv, x0 + w, y, { size: st.size });
    y += st.size * 2;
  }
  const subj = st.size * 1.25;
  let sx = left;
  sx += put(ctx, titleVal(ctx), sx, y, { size: subj, bold: true }) + c.widthOf(' ', subj);
  if (rng.chance(0.7)) sx += c.text(NO[lang], sx, y, { size: subj, bold: true }) + c.widthOf(' ', subj);
  put(ctx, V.text('invoice_number', inv.number), sx, y, { size: subj, bold: true });
  y += subj * 2.2;
  if (rng.chance(0.7)) {
    const [hello, intro] = INTRO[lang];
    c.text(hello, left, y, { size: st.size });
    y += st.size * st.leading * 1.5;
    for (const line of c.wrap(intro, W - m - left, st.size)) {
      c.text(line, left, y, { size: st.size });
      y += st.size * st.leading;
    }
    y += st.size;
  }

  const bottom = c.height - 40;
  const footer = columnFooter(ctx);
  const footerTop = bottom - footer.height;
  const cont = () => {
    footer.draw(bottom);
    c.addPage();
    c.text(pageText(ctx, c.page + 1), W - m, 40, { size: st.small, align: 'right' });
    return 70;
  };
  y = itemsTable(ctx, {
    x: left,
    y,
    w: W - m - left,
    cols: pickColumns(ctx),
    rules: rng.pick(['rows', 'header', 'none', 'grid'] as const),
    header: rng.pick(['bold', 'underline', 'shaded'] as const),
    maxY: footerTop - st.size * 2,
    onBreak: cont,
  });
  if (y + st.size * st.leading * (7 + inv.taxes.length) > footerTop) y = cont();
  y = totalsBlock(ctx, {
    x: W - m - rng.int(210, 250),
    right: W - m,
    y: y + st.size,
    dueLine: rng.chance(0.2),
  });
  y += st.size;
  if (y + st.size * st.leading * 7 < footerTop) {
    y += notes(ctx, left, y, W - m - left);
    c.text(CLOSING[lang], left, y + st.size, { size: st.size });
    if (inv.supplier.contact && y + st.size * 4 < footerTop)
      c.text(inv.supplier.contact, left, y + st.size * 3.2, { size: st.size });
  }
  footer.draw(bottom);
}

export const din5008: Family = {
  name: 'din5008',
  kinds: ['invoice', 'invoice', 'invoice', 'credit_note'],
  items: [1, 12],
  pageSize: () => A4,
  draw,
};
