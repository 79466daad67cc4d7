/**
 * credit: a credit note. Supplier block right-aligned at the top, customer at the left, a large title with
 * the credit-note number, date and the original invoice it corrects (a number and a date that look like
 * fields but are not), a reason line, the lines, totals labeled as the amount credited, and a refund note
 * that may name the customer's own IBAN (a distractor IBAN).
 */
import { formatDate } from '../formats.js';
import { makeIban } from '../locales.js';
import type { Lang } from '../vocab.js';
import {
  A4,
  type Ctx,
  date,
  type Family,
  fitSize,
  footerColumns,
  footerHeight,
  itemsTable,
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

const REASONS: Record<Lang, readonly string[]> = {
  en: [
    'Reason: returned goods',
    'Reason: price adjustment',
    'Credit for damaged items',
    'Reason: duplicate billing',
  ],
  de: [
    'Grund: Warenrücksendung',
    'Grund: Preiskorrektur',
    'Gutschrift für beschädigte Ware',
    'Grund: Doppelberechnung',
  ],
  fr: ['Motif : retour de marchandise', 'Motif : remise commerciale', 'Avoir pour articles endommagés'],
  es: ['Motivo: devolución de mercancía', 'Motivo: corrección de precio', 'Abono por artículos dañados'],
  it: ['Causale: reso merce', 'Causale: rettifica prezzo', 'Storno per merce danneggiata'],
  nl: ['Reden: retour goederen', 'Reden: prijscorrectie', 'Creditering beschadigde artikelen'],
};

const REFUND: Record<Lang, string> = {
  en: 'The amount will be refunded to your account',
  de: 'Der Betrag wird Ihrem Konto gutgeschrieben',
  fr: 'Le montant sera remboursé sur votre compte',
  es: 'El importe se abonará en su cuenta',
  it: "L'importo sarà accreditato sul Vostro conto",
  nl: 'Het bedrag wordt teruggestort op uw rekening',
};

function draw(ctx: Ctx): void {
  const { c, st, inv, rng, L } = ctx;
  const m = st.margin;
  const W = c.width;
  const lang = inv.locale.lang;
  let y = m;
  const sh = partyBlock(ctx, inv.supplier, 'supplier', W - m, y, {
    align: 'right',
    nameSize: fitSize(ctx, inv.supplier.name, W * 0.45, st.size * 1.4),
    extras: rng.sample(['phone', 'email', 'web', 'vat'] as const, rng.int(1, 3)),
  });
  y += sh + st.size * 2;
  const ch = partyBlock(ctx, inv.customer, 'customer', m, y, { extras: ['customerId', 'vat'] });
  y += ch + st.size * 2.5;

  const ts = st.big * 0.9;
  put(ctx, titleVal(ctx), m, y, { size: ts, bold: true, color: st.accent });
  y += ts * 1.6;
  const capW = 150;
  y += pair(ctx, L.get('creditNumber'), V.text('invoice_number', inv.number), m, y, 'cols', { labelW: capW });
  y += pair(ctx, L.get('issueDate'), date(ctx, 'issue_date', inv.issueDate), m, y, 'cols', { labelW: capW });
  if (inv.originalInvoice) {
    // "Relating to invoice X of <date>": another number and another date, neither is a field.
    const orig = `${inv.originalInvoice} ${rng.pick(['of', '/', '-', '·'])} ${formatDate(
      { ...inv.issueDate, d: Math.max(1, inv.issueDate.d - 9) },
      inv.dateFormat,
      inv.locale.months,
    )}`;
    y += pair(ctx, L.get('originalInvoice'), V.plain(orig), m, y, 'cols', { labelW: capW });
  }
  if (inv.customerId && rng.chance(0.4))
    y += pair(ctx, L.get('customerId'), V.text('customer_id', inv.customerId), m, y, 'cols', {
      labelW: capW,
    });
  y += st.size;
  c.text(rng.pick(REASONS[lang]), m, y, { size: st.size, color: st.muted });
  y += st.size * 2.2;

  const footCols: Row[][] = [supplierRows(ctx, false), registrationRows(ctx)];
  const bottom = c.height - m;
  const footH = footerHeight(ctx, footCols, m, W - m, st.small);
  const cont = () => {
    footerColumns(ctx, footCols, m, W - m, bottom, st.small);
    c.addPage();
    c.text(pageText(ctx, c.page + 1), W - m, m, { size: st.small, align: 'right' });
    return m + st.size * 2;
  };
  y = itemsTable(ctx, {
    x: m,
    y,
    w: W - 2 * m,
    cols: pickColumns(ctx),
    rules: rng.pick(['rows', 'header', 'grid'] as const),
    header: rng.pick(['bold', 'underline', 'shaded'] as const),
    maxY: bottom - footH - st.size * 2,
    onBreak: cont,
  });
  if (y + st.size * st.leading * (8 + inv.taxes.length) > bottom - footH) y = cont();
  y = totalsBlock(ctx, { x: W - m - 230, right: W - m, y: y + st.size, boxed: rng.chance(0.4) });
  y += st.size;
  if (rng.chance(0.6) && y + st.size * 4 < bottom - footH) {
    c.text(`${REFUND[lang]}${rng.chance(0.5) ? '.' : ':'}`, m, y, { size: st.size });
    y += st.size * st.leading;
    if (rng.chance(0.6) && inv.locale.ibanCountry) {
      const custIban = makeIban(inv.locale.ibanCountry, rng)
        .replace(/(.{4})/g, '$1 ')
        .trim();
      // The customer's account: an IBAN that is not the payee's, so it stays O.
      pair(ctx, 'IBAN:', V.plain(custIban), m, y, 'inline');
    }
  }
  footerColumns(ctx, footCols, m, W - m, bottom, st.small, { rule: true });
}

export const credit: Family = {
  name: 'credit',
  kinds: ['credit_note'],
  items: [1, 8],
  pageSize: () => A4,
  draw,
};
