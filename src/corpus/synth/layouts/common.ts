/**
 * Building blocks the layout families share: per-document style, label choice, value printing with
 * field recording, label–value pairs, party blocks, item tables, totals, footers and logos.
 * Families compose these with their own geometry; every helper takes its randomness from the document rng.
 */
import type { FieldName } from '../../../ner/labels.js';
import type { Box, Canvas, Tag } from '../canvas.js';
import type { FontFace } from '../fonts.js';
import {
  Decimal,
  formatDate,
  formatMoney,
  formatNumber,
  formatQuantity,
  formatRate,
  isoDate,
  normAmount,
  normQuantity,
  type Ymd,
} from '../formats.js';
import type { Invoice, Item, Party } from '../invoice.js';
import type { Rng } from '../rng.js';
import { type LabelKey, type Lang, VOCAB } from '../vocab.js';

export interface Style {
  size: number;
  small: number;
  big: number;
  accent: string;
  muted: string;
  shade: string;
  rule: string;
  labelBold: boolean;
  colon: boolean;
  upperLabels: boolean;
  margin: number;
  /** Line advance as a multiple of the font size. */
  leading: number;
  moneyInTable: boolean;
  moneyInTotals: boolean;
}

export interface Ctx {
  c: Canvas;
  inv: Invoice;
  rng: Rng;
  st: Style;
  L: Labels;
}

export interface Family {
  name: string;
  /** Document kinds it draws. */
  kinds: readonly Invoice['kind'][];
  /** Item count range it lays out well. */
  items: [number, number];
  /** Picks the page size (points) for a document. */
  pageSize?: (inv: Invoice, rng: Rng, st: Style) => [number, number];
  /** Faces it prefers (receipts: monospace). */
  face?: (faces: FontFace[], rng: Rng) => FontFace;
  draw: (ctx: Ctx) => void;
}

export const A4: [number, number] = [595.28, 841.89];
export const LETTER: [number, number] = [612, 792];

const ACCENTS = [
  '#1f4e79',
  '#2e75b6',
  '#c00000',
  '#385723',
  '#7030a0',
  '#404040',
  '#0b6e4f',
  '#b45f06',
  '#1b1b1b',
  '#0f4c81',
  '#8b1e3f',
  '#005f73',
];
const SHADES = ['#f2f2f2', '#eaf1fb', '#fdf1e7', '#eef6ee', '#f4f0fa', '#efefef', '#e8eef4', '#fff8e1'];

export function makeStyle(rng: Rng, face: FontFace): Style {
  const size = Math.round(rng.float(7.5, 10.5) * 2) / 2 / Math.sqrt(face.widthFactor);
  return {
    size,
    small: size * rng.float(0.75, 0.88),
    big: size * rng.float(1.8, 2.8),
    accent: rng.pick(ACCENTS),
    muted: rng.pick(['#000000', '#333333', '#555555', '#666666', '#444444']),
    shade: rng.pick(SHADES),
    rule: rng.pick(['#000000', '#999999', '#bbbbbb', '#666666']),
    labelBold: rng.chance(0.45),
    colon: rng.chance(0.6),
    upperLabels: rng.chance(0.2),
    margin: rng.int(34, 64),
    leading: rng.float(1.2, 1.5),
    moneyInTable: rng.chance(0.25),
    moneyInTotals: rng.chance(0.75),
  };
}

/** Chooses one caption per label key per document, so a document is consistent with itself. */
export class Labels {
  private readonly chosen = new Map<LabelKey, string>();

  constructor(
    private readonly inv: Invoice,
    private readonly rng: Rng,
    private readonly st: Style,
  ) {}

  raw(key: LabelKey, vars: Record<string, string> = {}): string {
    let s = this.chosen.get(key);
    if (s === undefined) {
      s = this.rng.pick(VOCAB[this.inv.locale.lang][key]);
      this.chosen.set(key, s);
    }
    for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, v);
    return this.st.upperLabels ? s.toUpperCase() : s;
  }

  /** Caption with the document's colon convention. */
  get(key: LabelKey, vars: Record<string, string> = {}): string {
    const s = this.raw(key, vars);
    return this.st.colon && !/[:#]$/.test(s) ? `${s}:` : s;
  }
}

/** What to print for a value, and which field (if any) it is. */
export interface Val {
  text: string;
  field?: FieldName;
  value?: string;
  item?: number;
}

export const V = {
  text: (field: FieldName | undefined, text: string, item?: number): Val => {
    const v: Val = { text };
    if (field) v.field = field;
    if (item !== undefined) v.item = item;
    return v;
  },
  plain: (text: string): Val => ({ text }),
};

export function money(
  ctx: Ctx,
  field: FieldName | undefined,
  d: Decimal,
  withCurrency = true,
  item?: number,
): Val {
  const { inv } = ctx;
  const style = withCurrency ? inv.money : { ...inv.money, placement: 'none' as const };
  const v: Val = { text: formatMoney(d, style, inv.currency), value: normAmount(d) };
  if (field) v.field = field;
  if (item !== undefined) v.item = item;
  return v;
}

export function num(ctx: Ctx, d: Decimal): string {
  return formatNumber(d, ctx.inv.money.number);
}

export function date(ctx: Ctx, field: FieldName | undefined, d: Ymd, pattern?: string): Val {
  const v: Val = {
    text: formatDate(d, pattern ?? ctx.inv.dateFormat, ctx.inv.locale.months),
    value: isoDate(d),
  };
  if (field) v.field = field;
  return v;
}

export function rateText(ctx: Ctx, r: Decimal): string {
  return formatRate(r, ctx.inv.money.number, ctx.inv.rateStyle);
}

export function qtyVal(ctx: Ctx, it: Item, i: number): Val {
  return {
    text: formatQuantity(it.quantity, ctx.inv.money.number),
    field: 'item_quantity',
    value: normQuantity(it.quantity),
    item: i,
  };
}

/** Draws a value (one line), recording it as an entity when it has a field. Returns its width. */
export function put(
  ctx: Ctx,
  v: Val,
  x: number,
  y: number,
  o: {
    size?: number;
    bold?: boolean;
    color?: string;
    align?: 'left' | 'right' | 'center';
    font?: string;
  } = {},
): number {
  const opts: Parameters<Canvas['text']>[3] = { size: o.size ?? ctx.st.size, ...o };
  if (v.field) opts.tag = ctx.c.entity(v.field, v.value, v.item);
  return ctx.c.text(v.text, x, y, opts);
}

/** Draws several lines as one entity (addresses, wrapped descriptions). Returns the height used. */
export function putLines(
  ctx: Ctx,
  field: FieldName | undefined,
  lines: readonly string[],
  x: number,
  y: number,
  o: {
    size?: number;
    bold?: boolean;
    color?: string;
    align?: 'left' | 'right' | 'center';
    item?: number;
    leading?: number;
  } = {},
): number {
  const size = o.size ?? ctx.st.size;
  const lead = size * (o.leading ?? ctx.st.leading);
  const tag: Tag | undefined = field ? ctx.c.entity(field, undefined, o.item) : undefined;
  let yy = y;
  for (const line of lines) {
    const opts: Parameters<Canvas['text']>[3] = { size };
    if (o.bold !== undefined) opts.bold = o.bold;
    if (o.color !== undefined) opts.color = o.color;
    if (o.align !== undefined) opts.align = o.align;
    if (tag) opts.tag = tag;
    ctx.c.text(line, x, yy, opts);
    yy += lead;
  }
  return yy - y;
}

export type PairMode = 'inline' | 'cols' | 'stacked' | 'right';

/**
 * A caption and its value. `inline`: value right after the caption; `cols`: value at x + labelW;
 * `stacked`: caption above the value; `right`: value right-aligned at x + width. Returns the height used.
 */
export function pair(
  ctx: Ctx,
  caption: string,
  v: Val,
  x: number,
  y: number,
  mode: PairMode,
  geo: {
    labelW?: number;
    width?: number;
    size?: number;
    valueBold?: boolean;
    labelColor?: string;
    maxRight?: number;
  } = {},
): number {
  const { c, st } = ctx;
  const size = geo.size ?? st.size;
  const lo = { size, bold: st.labelBold, color: geo.labelColor ?? st.muted };
  const vo = { size, bold: geo.valueBold ?? false };
  const lead = size * st.leading;
  const gap = c.widthOf(' ', size) * 1.6;
  const maxRight = geo.maxRight ?? c.width - Math.min(st.margin, 30);
  // A value wider than the room left wraps onto further lines, as one entity.
  const wrapped = (vx: number, vy: number): number => {
    const avail = maxRight - vx;
    if (c.widthOf(v.text, size, vo.bold) <= avail) {
      put(ctx, v, vx, vy, vo);
      return lead;
    }
    const { lines, size: vs } = wrapShrink(ctx, [v.text], avail, size, vo.bold);
    const tag = v.field ? c.entity(v.field, v.value, v.item) : undefined;
    lines.forEach((line, i) => {
      c.text(line, vx, vy + i * lead, tag ? { ...vo, size: vs, tag } : { ...vo, size: vs });
    });
    return lines.length * lead;
  };
  switch (mode) {
    case 'inline': {
      const w = c.text(caption, x, y, lo);
      return wrapped(x + w + gap, y);
    }
    case 'cols': {
      const w = c.text(caption, x, y, lo);
      return wrapped(x + Math.max(geo.labelW ?? 90, w + gap), y);
    }
    case 'stacked':
      c.text(caption, x, y, { ...lo, size: fitSize(ctx, caption, maxRight - x, size * 0.85, lo.bold) });
      return size * 1.1 + wrapped(x, y + size * 1.1);
    case 'right': {
      const w = c.text(caption, x, y, lo);
      const right = x + (geo.width ?? 200);
      if (c.widthOf(v.text, size, vo.bold) > right - x - w - gap) return wrapped(x + w + gap, y);
      put(ctx, v, right, y, { ...vo, align: 'right' });
      return lead;
    }
  }
}

/** Width for a caption column: the widest caption plus a gap. */
export function captionWidth(ctx: Ctx, captions: readonly string[], size?: number): number {
  const s = size ?? ctx.st.size;
  const bold = ctx.st.labelBold;
  return Math.max(0, ...captions.map((t) => ctx.c.widthOf(t, s, bold))) + ctx.c.widthOf(' ', s) * 2;
}

/** The supplier's or customer's block: name, address lines, optional extras. Returns the height used. */
export function partyBlock(
  ctx: Ctx,
  p: Party,
  role: 'supplier' | 'customer' | 'ship',
  x: number,
  y: number,
  o: {
    heading?: string;
    nameBold?: boolean;
    nameSize?: number;
    extras?: ('contact' | 'phone' | 'email' | 'web' | 'vat' | 'tax' | 'customerId')[];
    align?: 'left' | 'right';
    width?: number;
  } = {},
): number {
  const { st, c, L, inv } = ctx;
  const lead = st.size * st.leading;
  let yy = y;
  const align = o.align ?? 'left';
  if (o.heading) {
    c.text(o.heading, x, yy, { size: st.small, bold: true, color: st.muted, align });
    yy += st.small * 1.6;
  }
  const nameField: FieldName | undefined =
    role === 'supplier' ? 'supplier_name' : role === 'customer' ? 'customer_name' : undefined;
  const addrField: FieldName | undefined =
    role === 'supplier' ? 'supplier_address' : role === 'customer' ? 'customer_address' : undefined;
  const nameSize = o.nameSize ?? st.size;
  const nameLines = o.width ? c.wrap(p.name, o.width, nameSize, o.nameBold ?? true) : [p.name];
  yy += putLines(ctx, nameField, nameLines, x, yy, {
    size: nameSize,
    bold: o.nameBold ?? true,
    align,
    leading: st.leading,
  });
  if (p.contact && role !== 'supplier' && ctx.rng.chance(0.6)) {
    c.text(`${ctx.rng.pick(['Attn:', 'c/o', '', ''])} ${p.contact}`, x, yy, { size: st.size, align });
    yy += lead;
  }
  const addr = o.width ? p.address.flatMap((l) => c.wrap(l, o.width ?? 0, st.size)) : p.address;
  yy += putLines(ctx, addrField, addr, x, yy, { align });
  const sep = ctx.rng.pick([': ', ' ', ': ']);
  const extra = (key: LabelKey, v: Val | undefined) => {
    if (!v) return;
    const cap = L.raw(key) + sep.trimEnd();
    if (align === 'right') {
      const w = put(ctx, v, x, yy, { size: st.small, align: 'right' });
      c.text(cap, x - w - c.widthOf(' ', st.small) * 1.6, yy, {
        size: st.small,
        align: 'right',
        color: st.muted,
      });
    } else {
      const w = c.text(cap, x, yy, { size: st.small, color: st.muted });
      put(ctx, v, x + w + c.widthOf(' ', st.small) * 1.6, yy, { size: st.small });
    }
    yy += st.small * st.leading;
  };
  const isSup = role === 'supplier';
  for (const e of o.extras ?? []) {
    if (e === 'contact' && p.contact) extra('contact', V.plain(p.contact));
    if (e === 'phone' && p.phone) extra('phone', V.text(isSup ? 'supplier_phone' : undefined, p.phone));
    if (e === 'email' && p.email) extra('email', V.text(isSup ? 'supplier_email' : undefined, p.email));
    if (e === 'web' && p.website) extra('web', V.text(isSup ? 'supplier_website' : undefined, p.website));
    if (e === 'vat' && p.vatId)
      extra(
        isSup ? 'supplierVat' : 'customerVat',
        V.text(isSup ? 'supplier_vat_id' : 'customer_vat_id', p.vatId),
      );
    if (e === 'tax' && p.taxId && isSup) extra('taxId', V.text('supplier_tax_id', p.taxId));
    if (e === 'customerId' && inv.customerId && role === 'customer')
      extra('customerId', V.text('customer_id', inv.customerId));
  }
  return yy - y;
}

/** A vector logo: a shape in the accent colour, optionally with the company name beside it. Returns its box. */
export function logo(
  ctx: Ctx,
  x: number,
  y: number,
  h: number,
  o: { withName?: boolean; nameSize?: number; maxWidth?: number } = {},
): Box {
  const { c, rng, st, inv } = ctx;
  const d = c.doc;
  const kind = rng.int(0, 6);
  const col = st.accent;
  d.save();
  switch (kind) {
    case 0:
      d.circle(x + h / 2, y + h / 2, h / 2).fill(col);
      break;
    case 1:
      d.rect(x, y, h, h).fill(col);
      break;
    case 2:
      d.polygon([x, y + h], [x + h / 2, y], [x + h, y + h]).fill(col);
      break;
    case 3:
      d.roundedRect(x, y, h, h, h / 5).fill(col);
      d.circle(x + h / 2, y + h / 2, h / 4).fill('#ffffff');
      break;
    case 4:
      for (let i = 0; i < 4; i++)
        d.rect(x + (i * h) / 4, y + (h * (3 - i)) / 4, h / 5, (h * (i + 1)) / 4).fill(col);
      break;
    case 5:
      d.polygon([x + h / 2, y], [x + h, y + h / 2], [x + h / 2, y + h], [x, y + h / 2]).fill(col);
      break;
    default:
      d.circle(x + h / 3, y + h / 2, h / 3).fill(col);
      d.circle(x + (2 * h) / 3, y + h / 2, h / 3)
        .fillOpacity(0.6)
        .fill(col);
  }
  d.restore();
  let right = x + h;
  if (o.withName) {
    const size = fitSize(
      ctx,
      inv.supplier.name,
      o.maxWidth ?? c.width - x - h - 40,
      o.nameSize ?? st.size * 1.6,
    );
    const w = put(ctx, V.text('supplier_name', inv.supplier.name), x + h + size * 0.5, y + (h - size) / 2, {
      size,
      bold: true,
      color: rng.chance(0.5) ? col : '#000000',
    });
    right = x + h + size * 0.5 + w;
  }
  return [x, y, right, y + h];
}

export type ColKey = 'pos' | 'code' | 'desc' | 'qty' | 'unit' | 'qtyunit' | 'price' | 'rate' | 'amount';

export interface TableOpts {
  x: number;
  y: number;
  w: number;
  cols: ColKey[];
  rules: 'none' | 'rows' | 'grid' | 'header' | 'zebra';
  header: 'bold' | 'shaded' | 'inverted' | 'underline' | 'caps';
  /** Last y a row may end at before a page break. */
  maxY: number;
  /** Called on a page break; returns the y to continue at. */
  onBreak?: (carried: Decimal) => number;
  size?: number;
}

/** Which columns a table shows, varied per document but always with description and amount. */
export function pickColumns(ctx: Ctx): ColKey[] {
  const { rng, inv } = ctx;
  const hasUnit = inv.items.some((i) => i.unit);
  const hasCode = inv.items.some((i) => i.code);
  const cols: ColKey[] = [];
  if (rng.chance(0.4)) cols.push('pos');
  if (hasCode) cols.push('code');
  cols.push('desc');
  if (hasUnit) cols.push(rng.chance(0.5) ? 'qtyunit' : 'qty', 'unit');
  else cols.push('qty');
  cols.push('price');
  if (inv.taxes.length > 1 || rng.chance(0.2)) cols.push('rate');
  cols.push('amount');
  const out = cols.filter((k, i) => !(k === 'unit' && cols[i - 1] === 'qtyunit'));
  // Some tables put quantity before the description, as many ERP exports do.
  if (rng.chance(0.15)) {
    const qi = out.findIndex((k) => k === 'qty' || k === 'qtyunit');
    const [q] = out.splice(qi, 1);
    if (q) out.splice(out.indexOf('desc'), 0, q);
  }
  return out;
}

const COL_KEY: Record<ColKey, LabelKey> = {
  pos: 'pos',
  code: 'productCode',
  desc: 'description',
  qty: 'quantity',
  unit: 'unit',
  qtyunit: 'quantity',
  price: 'unitPrice',
  rate: 'taxRate',
  amount: 'amount',
};

/** Draws the line-item table, breaking pages when needed. Returns the y after the table. */
export function itemsTable(ctx: Ctx, table: TableOpts): number {
  let t = table;
  const { c, st, inv, L, rng } = ctx;
  const size = t.size ?? st.size;
  const pad = size * 0.45;
  const rowLead = size * st.leading;
  // Column widths from the actual content and captions, so cells never run into each other.
  const cap = (k: LabelKey) => (t.header === 'caps' ? L.raw(k).toUpperCase() : L.raw(k));
  const hw = (k: LabelKey) => c.widthOf(cap(k), size, true);
  const maxW = (texts: string[]) => Math.max(0, ...texts.map((x) => c.widthOf(x, size)));
  const qtys = inv.items.map((it) => formatQuantity(it.quantity, inv.money.number));
  const units = inv.items.map((it) => it.unit ?? '');
  const width: Partial<Record<ColKey, number>> = {
    pos: Math.max(c.widthOf(String(inv.items.length), size), hw('pos')) + 2 * pad,
    code: Math.max(maxW(inv.items.map((i) => i.code ?? '')), hw('productCode')) + 2 * pad,
    qty: Math.max(maxW(qtys), hw('quantity')) + 2 * pad,
    unit: Math.max(maxW(units), hw('unit')) + 2 * pad,
    qtyunit:
      Math.max(
        ...inv.items.map(
          (it, i) => c.widthOf(`${qtys[i]} ${it.unit ?? ''}`, size) + c.widthOf(' ', size) * 0.6,
        ),
        hw('quantity'),
      ) +
      2 * pad,
    price:
      Math.max(
        maxW(inv.items.map((it) => money(ctx, undefined, it.unitPrice, st.moneyInTable).text)),
        hw('unitPrice'),
      ) +
      2 * pad,
    rate: Math.max(maxW(inv.items.map((it) => rateText(ctx, it.taxRate))), hw('taxRate')) + 2 * pad,
    amount:
      Math.max(
        maxW(inv.items.map((it) => money(ctx, undefined, it.amount, st.moneyInTable).text)),
        hw('amount'),
      ) +
      2 * pad,
  };
  // Too many columns for the width: drop the optional ones until the description keeps 30%.
  const cols = [...t.cols];
  const fixedOf = () => cols.filter((k) => k !== 'desc').reduce((s, k) => s + (width[k] ?? 0), 0);
  for (const drop of ['rate', 'pos', 'code', 'unit', 'price'] as const) {
    if (t.w - fixedOf() >= t.w * 0.3) break;
    const i = cols.indexOf(drop);
    if (i >= 0) cols.splice(i, 1);
  }
  t = { ...t, cols };
  width.desc = Math.max(60, t.w - fixedOf());
  const xs: number[] = [];
  let xx = t.x;
  for (const k of t.cols) {
    xs.push(xx);
    xx += width[k] ?? 0;
  }
  const right = (i: number) => (xs[i] ?? 0) + (width[t.cols[i] as ColKey] ?? 0);
  const numeric = (k: ColKey) =>
    k === 'qty' || k === 'price' || k === 'rate' || k === 'amount' || k === 'qtyunit';

  const drawHeader = (y: number): number => {
    const h = rowLead + pad;
    if (t.header === 'shaded') c.rect(t.x, y, t.w, h, { fill: st.shade });
    if (t.header === 'inverted') c.rect(t.x, y, t.w, h, { fill: st.accent });
    t.cols.forEach((k, i) => {
      const capText = cap(COL_KEY[k]);
      const bold = t.header !== 'caps' || rng.chance(0.5);
      const o = {
        // A caption wider than its column (a narrow description column) shrinks to fit it.
        size: fitSize(ctx, capText, (width[k] ?? 40) - 2 * pad, size, bold),
        bold,
        color: t.header === 'inverted' ? '#ffffff' : '#000000',
      };
      if (numeric(k)) c.text(capText, right(i) - pad, y + pad / 2, { ...o, align: 'right' });
      else c.text(capText, (xs[i] ?? 0) + pad, y + pad / 2, o);
    });
    if (t.header === 'underline' || t.rules === 'rows' || t.rules === 'header')
      c.line(t.x, y + h, t.x + t.w, y + h, { color: st.rule, width: 0.8 });
    if (t.rules === 'grid') c.rect(t.x, y, t.w, h, { stroke: st.rule, lineWidth: 0.6 });
    return y + h + pad * 0.5;
  };

  let y = drawHeader(t.y);
  let carried = new Decimal(0);
  inv.items.forEach((it, idx) => {
    const descLines = c.wrap(it.description, (width.desc ?? 100) - 2 * pad, size);
    const h = descLines.length * rowLead + pad;
    if (y + h > t.maxY && t.onBreak) {
      y = drawHeader(t.onBreak(carried));
    }
    if (t.rules === 'zebra' && idx % 2 === 1) c.rect(t.x, y - pad / 2, t.w, h, { fill: st.shade });
    t.cols.forEach((k, i) => {
      const cx = (xs[i] ?? 0) + pad;
      const rx = right(i) - pad;
      switch (k) {
        case 'pos':
          c.text(String(it.pos), cx, y, { size });
          break;
        case 'code':
          if (it.code) put(ctx, V.text('item_product_code', it.code, idx), cx, y, { size });
          break;
        case 'desc':
          putLines(ctx, 'item_description', descLines, cx, y, { size, item: idx });
          break;
        case 'qty':
          put(ctx, qtyVal(ctx, it, idx), rx, y, { size, align: 'right' });
          break;
        case 'unit':
          if (it.unit) put(ctx, V.text('item_unit', it.unit, idx), cx, y, { size });
          break;
        case 'qtyunit': {
          const uw = it.unit
            ? put(ctx, V.text('item_unit', it.unit, idx), rx, y, { size, align: 'right' })
            : 0;
          put(ctx, qtyVal(ctx, it, idx), rx - uw - (uw ? c.widthOf(' ', size) * 1.6 : 0), y, {
            size,
            align: 'right',
          });
          break;
        }
        case 'price':
          put(ctx, money(ctx, 'item_unit_price', it.unitPrice, st.moneyInTable, idx), rx, y, {
            size,
            align: 'right',
          });
          break;
        case 'rate':
          put(
            ctx,
            {
              text: rateText(ctx, it.taxRate),
              field: 'item_tax_rate',
              value: normAmount(it.taxRate),
              item: idx,
            },
            rx,
            y,
            {
              size,
              align: 'right',
            },
          );
          break;
        case 'amount':
          put(ctx, money(ctx, 'item_amount', it.amount, st.moneyInTable, idx), rx, y, {
            size,
            align: 'right',
          });
          break;
      }
    });
    if (t.rules === 'rows')
      c.line(t.x, y + h - pad / 2, t.x + t.w, y + h - pad / 2, { color: st.rule, width: 0.3 });
    if (t.rules === 'grid') {
      c.rect(t.x, y - pad / 2, t.w, h, { stroke: st.rule, lineWidth: 0.4 });
      for (let i = 1; i < xs.length; i++)
        c.line(xs[i] ?? 0, y - pad / 2, xs[i] ?? 0, y - pad / 2 + h, { color: st.rule, width: 0.4 });
    }
    carried = carried.add(it.amount);
    y += h;
  });
  if (t.rules === 'header' || t.rules === 'zebra' || t.rules === 'none')
    c.line(t.x, y, t.x + t.w, y, { color: st.rule, width: 0.6 });
  return y + pad;
}

export interface TotalsOpts {
  /** Left edge of the captions. */
  x: number;
  /** Right edge of the values. */
  right: number;
  y: number;
  boxed?: boolean;
  size?: number;
  /** Print an explicit amount-due line even when nothing was paid. */
  dueLine?: boolean;
}

/** Subtotal, tax lines, total, paid and due, labeled. Returns the y after the block. */
export function totalsBlock(ctx: Ctx, o: TotalsOpts): number {
  const { c, st, inv, L, rng } = ctx;
  const size = o.size ?? st.size;
  const lead = size * st.leading * 1.05;
  const withCur = st.moneyInTotals;
  let y = o.y;
  if (o.boxed)
    c.rect(
      o.x - size * 0.6,
      y - size * 0.5,
      o.right - o.x + size * 1.2,
      lead * (4 + inv.taxes.length) + size * 0.4,
      { fill: st.shade },
    );
  const row = (caption: string, v: Val, bold = false) => {
    // A long caption shrinks rather than run under the right-aligned value.
    const room = o.right - o.x - c.widthOf(v.text, size, bold) - c.widthOf(' ', size) * 2;
    c.text(caption, o.x, y, {
      size: fitSize(ctx, caption, room, size, bold || st.labelBold),
      bold: bold || st.labelBold,
    });
    put(ctx, v, o.right, y, { size, bold, align: 'right' });
    y += lead;
  };
  const showSubtotal = inv.taxes.length > 1 || !inv.pricesIncludeTax || rng.chance(0.5);
  if (inv.pricesIncludeTax) {
    row(L.get('total'), money(ctx, 'total_amount', inv.total, withCur), true);
    for (const t of inv.taxes) {
      const cap = `${L.raw('pricesInclTax')} ${rateText(ctx, t.rate)}`;
      row(cap, money(ctx, inv.taxes.length === 1 ? 'tax_amount' : undefined, t.amount, withCur));
    }
    if (inv.taxes.length > 1) row(L.get('taxTotal'), money(ctx, 'tax_amount', inv.taxTotal, withCur));
    if (showSubtotal) row(L.get('subtotal'), money(ctx, 'subtotal_amount', inv.subtotal, withCur));
  } else {
    if (showSubtotal) row(L.get('subtotal'), money(ctx, 'subtotal_amount', inv.subtotal, withCur));
    for (const t of inv.taxes) {
      const cap = L.get('tax', { rate: rateText(ctx, t.rate) });
      row(cap, money(ctx, inv.taxes.length === 1 ? 'tax_amount' : undefined, t.amount, withCur));
    }
    if (inv.taxes.length > 1) row(L.get('taxTotal'), money(ctx, 'tax_amount', inv.taxTotal, withCur));
    if (rng.chance(0.5))
      c.line(o.x, y - lead * 0.15, o.right, y - lead * 0.15, { color: st.rule, width: 0.8 });
    row(L.get('total'), money(ctx, 'total_amount', inv.total, withCur), true);
  }
  if (inv.previousBalance) row(L.get('previousBalance'), money(ctx, undefined, inv.previousBalance, withCur));
  if (inv.amountPaid) row(L.get('amountPaid'), money(ctx, undefined, inv.amountPaid.neg(), withCur));
  if (inv.amountPaid || inv.previousBalance || o.dueLine) {
    row(L.get('amountDue'), money(ctx, 'amount_due', inv.amountDue, withCur), true);
  }
  return y;
}

/** One line of a details column: an optional caption and a value (several lines for addresses). */
export interface Row {
  cap?: string;
  v: Val;
  /** Multi-line value (address): drawn as one entity. */
  lines?: readonly string[];
  bold?: boolean;
}

/** Bank details rows. */
export function bankRows(ctx: Ctx): Row[] {
  const { inv, L, rng } = ctx;
  const b = inv.bank;
  if (!b) return [];
  const rows: Row[] = [];
  if (rng.chance(0.7)) rows.push({ cap: L.get('bank'), v: V.plain(b.name) });
  if (b.iban) {
    const spaced = rng.chance(0.75) ? b.iban.replace(/(.{4})/g, '$1 ').trim() : b.iban;
    rows.push({ cap: L.get('iban'), v: { text: spaced, field: 'iban', value: b.iban } });
  }
  if (b.account)
    rows.push({ cap: inv.locale.lang === 'en' ? 'Account No.:' : L.get('iban'), v: V.plain(b.account) });
  if (b.routing) rows.push({ cap: 'Routing No.:', v: V.plain(b.routing) });
  if (b.bic) rows.push({ cap: L.get('bic'), v: V.text('bic', b.bic) });
  return rows;
}

/** VAT id, tax number and registration number rows. */
export function registrationRows(ctx: Ctx): Row[] {
  const { inv, L } = ctx;
  const s = inv.supplier;
  const rows: Row[] = [];
  if (s.vatId) rows.push({ cap: L.get('supplierVat'), v: V.text('supplier_vat_id', s.vatId) });
  if (s.taxId) rows.push({ cap: L.get('taxId'), v: V.text('supplier_tax_id', s.taxId) });
  if (s.regNo) rows.push({ cap: L.get('regNo'), v: V.plain(s.regNo) });
  return rows;
}

/** Phone, fax, email, website rows of the supplier. */
export function contactRows(ctx: Ctx): Row[] {
  const { inv, L } = ctx;
  const s = inv.supplier;
  const rows: Row[] = [];
  if (s.phone) rows.push({ cap: L.get('phone'), v: V.text('supplier_phone', s.phone) });
  if (s.fax) rows.push({ cap: L.get('fax'), v: V.plain(s.fax) });
  if (s.email) rows.push({ cap: L.get('email'), v: V.text('supplier_email', s.email) });
  if (s.website) rows.push({ cap: L.get('web'), v: V.text('supplier_website', s.website) });
  return rows;
}

/** Supplier name and address rows (no captions). */
export function supplierRows(ctx: Ctx, withName = true): Row[] {
  const s = ctx.inv.supplier;
  const rows: Row[] = [];
  if (withName) rows.push({ v: V.text('supplier_name', s.name), bold: true });
  rows.push({ v: V.text('supplier_address', s.address.join(', ')), lines: s.address });
  return rows;
}

interface RowLayout {
  capW: number;
  /** Caption on its own line above the value. */
  capAbove: boolean;
  lines: string[];
  /** Value font size: smaller than asked when a single word is wider than its room (emails, IBANs). */
  size: number;
}

/** Wraps lines to `room`; when one word alone is wider, shrinks the size until it fits. */
function wrapShrink(
  ctx: Ctx,
  src: readonly string[],
  room: number,
  size: number,
  bold?: boolean,
): { lines: string[]; size: number } {
  let s = size;
  for (let k = 0; k < 4; k++) {
    const lines = src.flatMap((l) => ctx.c.wrap(l, room, s, bold));
    const widest = Math.max(0, ...lines.map((l) => ctx.c.widthOf(l, s, bold)));
    if (widest <= room || s <= 4.5) return { lines, size: s };
    s = Math.max(4.5, (s * room) / widest);
  }
  return { lines: src.flatMap((l) => ctx.c.wrap(l, room, s, bold)), size: s };
}

function layoutRow(ctx: Ctx, r: Row, width: number, size: number, stacked = false): RowLayout {
  const { c } = ctx;
  const src = r.lines ?? [r.v.text];
  if (stacked && r.cap) return { capW: 0, capAbove: true, ...wrapShrink(ctx, src, width, size, r.bold) };
  const gap = c.widthOf(' ', size) * 1.6;
  const capW = r.cap ? c.widthOf(r.cap, size, ctx.st.labelBold) + gap : 0;
  const fits = (w: number) => src.every((l) => c.widthOf(l, size, r.bold) <= w);
  if (!r.cap || fits(width - capW) || capW < width * 0.45) {
    return { capW, capAbove: false, ...wrapShrink(ctx, src, width - capW, size, r.bold) };
  }
  return { capW: 0, capAbove: true, ...wrapShrink(ctx, src, width, size, r.bold) };
}

/** Height the rows take in a column of the given width. */
export function measureRows(
  ctx: Ctx,
  rows: readonly Row[],
  width: number,
  size: number,
  stacked = false,
): number {
  const lead = size * ctx.st.leading;
  return rows.reduce((h, r) => {
    const l = layoutRow(ctx, r, width, size, stacked);
    return h + (l.lines.length + (l.capAbove ? 1 : 0)) * lead;
  }, 0);
}

/** Draws rows in a column (left- or right-aligned, or centred). Returns the height used. */
export function drawRows(
  ctx: Ctx,
  rows: readonly Row[],
  x: number,
  y: number,
  width: number,
  size: number,
  o: { color?: string; capColor?: string; align?: 'left' | 'right' | 'center'; stacked?: boolean } = {},
): number {
  const { c, st } = ctx;
  const lead = size * st.leading;
  const align = o.align ?? 'left';
  let yy = y;
  for (const r of rows) {
    const l = layoutRow(ctx, r, width, size, o.stacked);
    const color = o.color ?? '#000000';
    const tag = r.v.field ? c.entity(r.v.field, r.v.value, r.v.item) : undefined;
    const capO = {
      size: l.capAbove ? size * 0.9 : size,
      bold: st.labelBold,
      color: o.capColor ?? o.color ?? st.muted,
    };
    const valO = (extra: object) => ({
      size: l.size,
      bold: r.bold ?? false,
      color,
      ...(tag ? { tag } : {}),
      ...extra,
    });
    if (l.capAbove && r.cap) {
      const cx = align === 'left' ? x : align === 'right' ? x + width : x + width / 2;
      c.text(r.cap, cx, yy, { ...capO, align });
      yy += lead;
    }
    l.lines.forEach((line, i) => {
      if (align === 'left') {
        if (i === 0 && r.cap && !l.capAbove) c.text(r.cap, x, yy, capO);
        c.text(line, x + l.capW, yy, valO({}));
      } else if (align === 'right') {
        const w = c.text(line, x + width, yy, valO({ align: 'right' }));
        if (i === 0 && r.cap && !l.capAbove)
          c.text(r.cap, x + width - w - c.widthOf(' ', size) * 1.6, yy, { ...capO, align: 'right' });
      } else {
        const full = (i === 0 && r.cap && !l.capAbove ? l.capW : 0) + c.widthOf(line, l.size, r.bold);
        let lx = x + width / 2 - full / 2;
        if (i === 0 && r.cap && !l.capAbove) {
          c.text(r.cap, lx, yy, capO);
          lx += l.capW;
        }
        c.text(line, lx, yy, valO({}));
      }
      yy += lead;
    });
  }
  return yy - y;
}

/** Columns of rows at the page bottom, ending at `bottom`. Returns the top y (above the optional rule). */
export function footerColumns(
  ctx: Ctx,
  cols: readonly (readonly Row[])[],
  x0: number,
  x1: number,
  bottom: number,
  size: number,
  o: { rule?: boolean; color?: string } = {},
): number {
  const { c, st } = ctx;
  const used = cols.filter((col) => col.length > 0);
  if (!used.length) return bottom;
  const gap = size * 1.5;
  const colW = (x1 - x0 - gap * (used.length - 1)) / used.length;
  const h = Math.max(...used.map((col) => measureRows(ctx, col, colW, size)));
  const top = bottom - h;
  if (o.rule) c.line(x0, top - size * 0.8, x1, top - size * 0.8, { color: st.rule, width: 0.5 });
  used.forEach((col, i) => {
    drawRows(ctx, col, x0 + i * (colW + gap), top, colW, size, o.color ? { color: o.color } : {});
  });
  return top - size * 1.2;
}

/** The document title word(s) for the kind, labeled document_type. */
export function titleVal(ctx: Ctx): Val {
  const { inv, L } = ctx;
  const key =
    inv.kind === 'credit_note' ? 'creditTitle' : inv.kind === 'receipt' ? 'receiptTitle' : 'invoiceTitle';
  return { text: L.raw(key), field: 'document_type', value: inv.kind };
}

/** The number caption for the kind. */
export function numberCaption(ctx: Ctx): string {
  const { inv, L } = ctx;
  return L.get(
    inv.kind === 'credit_note' ? 'creditNumber' : inv.kind === 'receipt' ? 'receiptNumber' : 'invoiceNumber',
  );
}

/** Meta pairs (number, dates, references) in a random order with optional distractors. */
export function metaPairs(
  ctx: Ctx,
  o: { distractors?: boolean; customerId?: boolean } = {},
): [string, Val][] {
  const { inv, L, rng } = ctx;
  const out: [string, Val][] = [[numberCaption(ctx), V.text('invoice_number', inv.number)]];
  out.push([L.get('issueDate'), date(ctx, 'issue_date', inv.issueDate)]);
  const rest: [string, Val][] = [];
  if (inv.dueDate) rest.push([L.get('dueDate'), date(ctx, 'due_date', inv.dueDate)]);
  if (inv.deliveryDate) rest.push([L.get('deliveryDate'), date(ctx, 'delivery_date', inv.deliveryDate)]);
  if (inv.orderDate && rng.chance(0.7)) rest.push([L.get('orderDate'), date(ctx, undefined, inv.orderDate)]);
  if (inv.purchaseOrder) rest.push([L.get('purchaseOrder'), V.text('purchase_order', inv.purchaseOrder)]);
  if (inv.customerId && o.customerId !== false)
    rest.push([L.get('customerId'), V.text('customer_id', inv.customerId)]);
  if (inv.originalInvoice) rest.push([L.get('originalInvoice'), V.plain(inv.originalInvoice)]);
  if (o.distractors !== false) {
    if (rng.chance(0.25)) rest.push([L.get('deliveryNote'), V.plain(inv.distractors.deliveryNote)]);
    if (rng.chance(0.2)) rest.push([L.get('orderNo'), V.plain(inv.distractors.orderNo)]);
    if (rng.chance(0.2)) rest.push([L.get('reference'), V.plain(inv.distractors.reference)]);
  }
  if (inv.currency && rng.chance(0.15))
    rest.push([L.get('currency'), { text: inv.currency.code, field: 'currency', value: inv.currency.code }]);
  if (inv.paymentTerms && rng.chance(0.3))
    rest.push([L.get('paymentTerms'), V.text('payment_terms', inv.paymentTerms)]);
  if (rng.chance(0.3)) out.reverse();
  return [...out, ...rng.shuffle(rest)];
}

/** Payment terms / reference / reverse-charge note lines below the totals. Returns the height used. */
export function notes(ctx: Ctx, x: number, y: number, width: number, o: { terms?: boolean } = {}): number {
  const { inv, L, st, c, rng } = ctx;
  let yy = y;
  const size = st.size;
  const lead = size * st.leading;
  if (inv.paymentTerms && o.terms !== false) {
    if (rng.chance(0.5)) {
      yy += pair(ctx, L.get('paymentTerms'), V.text('payment_terms', inv.paymentTerms), x, yy, 'inline', {
        size,
        maxRight: x + width,
      });
    } else {
      yy += putLines(ctx, 'payment_terms', c.wrap(inv.paymentTerms, width, size), x, yy, { size });
    }
  }
  if (inv.paymentReference) {
    yy += pair(ctx, L.get('paymentRef'), V.text('payment_reference', inv.paymentReference), x, yy, 'inline', {
      size,
      maxRight: x + width,
    });
  }
  if (inv.reverseCharge) {
    const txt = reverseChargeText(inv.locale.lang);
    for (const line of c.wrap(txt, width, st.small)) {
      c.text(line, x, yy, { size: st.small, color: st.muted });
      yy += st.small * st.leading;
    }
  }
  if (rng.chance(0.5)) {
    yy += lead * 0.5;
    for (const line of c.wrap(L.raw('thanks'), width, size)) {
      c.text(line, x, yy, { size, color: st.muted });
      yy += lead;
    }
  }
  return yy - y;
}

/** "Page n of m" in the document's language; without a total, a form that needs none. */
export function pageText(ctx: Ctx, n: number, total?: number): string {
  let f = ctx.L.raw('page');
  if (total === undefined && f.includes('{m}')) {
    f = VOCAB[ctx.inv.locale.lang].page.find((p) => !p.includes('{m}')) ?? 'Page {n}';
  }
  return f.replace('{n}', String(n)).replace('{m}', String(total ?? ''));
}

/** The largest size ≤ `size` at which `text` fits in `maxWidth`. */
export function fitSize(ctx: Ctx, text: string, maxWidth: number, size: number, bold = true): number {
  const w = ctx.c.widthOf(text, size, bold);
  return w <= maxWidth ? size : Math.max(5, (size * maxWidth) / w);
}

/**
 * A row of bordered cells, each a caption and a value: `band` puts the captions in a shaded header row
 * above the values, `corner` puts a small caption in each cell's top-left corner. Values wrap inside their
 * cell. Returns the height used.
 */
export function gridRow(
  ctx: Ctx,
  x: number,
  y: number,
  widths: readonly number[],
  cells: readonly [string, Val | undefined][],
  o: { style: 'band' | 'corner'; fill?: string; size?: number; align?: 'left' | 'center' },
): number {
  const { c, st } = ctx;
  const size = o.size ?? st.size;
  const pad = size * 0.5;
  const lead = size * st.leading;
  const capSize = o.style === 'corner' ? size * 0.75 : size;
  const fitted = cells.map(([, v], i) =>
    v ? wrapShrink(ctx, [v.text], (widths[i] ?? 50) - 2 * pad, size) : { lines: [], size },
  );
  const lines = fitted.map((f) => f.lines);
  const valueH = Math.max(1, ...lines.map((l) => l.length)) * lead + pad;
  const headH = o.style === 'band' ? capSize * 1.3 + pad : capSize * 1.3;
  let xx = x;
  cells.forEach(([cap, v], i) => {
    const w = widths[i] ?? 50;
    const centre = o.align === 'center';
    const tx = centre ? xx + w / 2 : xx + pad;
    const align = centre ? 'center' : 'left';
    // Captions shrink to fit their cell rather than run into the next one.
    const cs = fitSize(ctx, cap, w - 2 * pad, capSize, o.style === 'band');
    if (o.style === 'band') {
      c.rect(xx, y, w, headH, { fill: o.fill ?? st.shade, stroke: st.rule, lineWidth: 0.5 });
      c.rect(xx, y + headH, w, valueH, { stroke: st.rule, lineWidth: 0.5 });
      c.text(cap, tx, y + pad * 0.6, { size: cs, bold: true, align });
    } else {
      c.rect(xx, y, w, headH + valueH, { stroke: st.rule, lineWidth: 0.5 });
      c.text(cap, xx + pad * 0.6, y + pad * 0.4, { size: cs, color: st.muted });
    }
    const vy = y + headH + pad * 0.3;
    const l = lines[i] ?? [];
    if (v && l.length) {
      const tag = v.field ? c.entity(v.field, v.value, v.item) : undefined;
      l.forEach((line, k) => {
        c.text(line, tx, vy + k * lead, { size: fitted[i]?.size ?? size, align, ...(tag ? { tag } : {}) });
      });
    }
    xx += w;
  });
  return headH + valueH;
}

/** Height footerColumns will take for these columns (excluding its rule). */
export function footerHeight(
  ctx: Ctx,
  cols: readonly (readonly Row[])[],
  x0: number,
  x1: number,
  size: number,
): number {
  const used = cols.filter((col) => col.length > 0);
  if (!used.length) return 0;
  const gap = size * 1.5;
  const colW = (x1 - x0 - gap * (used.length - 1)) / used.length;
  return Math.max(...used.map((col) => measureRows(ctx, col, colW, size))) + size * 2;
}

/** The reverse-charge note every family prints for an intra-EU B2B invoice without VAT. */
export function reverseChargeText(lang: Lang): string {
  return {
    en: 'Reverse charge: VAT to be accounted for by the recipient.',
    de: 'Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge).',
    fr: 'Autoliquidation de la TVA par le preneur.',
    es: 'Inversión del sujeto pasivo.',
    it: 'Inversione contabile (reverse charge).',
    nl: 'Btw verlegd naar afnemer.',
  }[lang];
}
