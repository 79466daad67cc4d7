/**
 * Line items: item cells → rows by geometry. Each row is anchored on an amount cell (or, without
 * amounts, a description); other cells join the anchor whose line they share, and description
 * lines with no anchor of their own (wrapped text) join the row above, across a page break too.
 */
import { Decimal } from 'decimal.js';
import type { Rule } from './reconcile.js';
import type { Candidate } from './types.js';

export const ITEM_KEYS = {
  item_description: 'description',
  item_quantity: 'quantity',
  item_unit: 'unit',
  item_unit_price: 'unit_price',
  item_amount: 'amount',
  item_tax_rate: 'tax_rate',
  item_product_code: 'product_code',
} as const;

export type ItemKey = (typeof ITEM_KEYS)[keyof typeof ITEM_KEYS];
export type Row = Partial<Record<ItemKey, Candidate[]>>;

const band = (c: Candidate) => {
  const r = c.regions[0]?.bbox ?? [0, c.y, 0, c.y];
  return { top: r[1], bottom: r[3], mid: (r[1] + r[3]) / 2 };
};

// Reading position across pages: page first, then the vertical middle of the first line.
const pos = (c: Candidate) => c.page * 10 + band(c).mid;

export function groupRows(cells: readonly Candidate[]): Row[] {
  const hasAmounts = cells.some((c) => c.field === 'item_amount');
  const anchorField = hasAmounts ? 'item_amount' : 'item_description';
  const anchors = cells.filter((c) => c.field === anchorField).sort((a, b) => pos(a) - pos(b));
  if (anchors.length === 0) return [];
  const rows: Row[] = anchors.map((a) => ({ [ITEM_KEYS[a.field as keyof typeof ITEM_KEYS]]: [a] }));
  for (const cell of cells) {
    if (anchors.includes(cell)) continue;
    const key = ITEM_KEYS[cell.field as keyof typeof ITEM_KEYS];
    if (!key) continue;
    const b = band(cell);
    // Same line: the cell's middle falls inside the anchor's first line (or the anchor's inside the cell's).
    let index = anchors.findIndex((a) => {
      const ab = band(a);
      return (
        a.page === cell.page &&
        ((b.mid >= ab.top && b.mid <= ab.bottom) || (ab.mid >= b.top && ab.mid <= b.bottom))
      );
    });
    if (index < 0) {
      if (key !== 'description' && key !== 'product_code') continue;
      // A wrapped description line continues the nearest row above it; before the first row, the first row.
      const above = anchors.map((a, i) => [a, i] as const).filter(([a]) => pos(a) <= pos(cell));
      index = above.length > 0 ? (above.at(-1)?.[1] ?? 0) : 0;
    }
    const row = rows[index] as Row;
    row[key] = [...(row[key] ?? []), cell];
  }
  return rows;
}

/** quantity × unit price = line amount, within a cent per line (rounding of the printed price). */
export function lineArithmeticRule(
  rows: readonly { quantity?: string; unit_price?: string; amount?: string }[],
): Rule | undefined {
  const checkable = rows.filter((r) => r.quantity && r.unit_price && r.amount);
  if (checkable.length === 0) return undefined;
  const bad = checkable
    .map((r, i) => ({ i, r }))
    .filter(({ r }) => {
      const expected = new Decimal(r.quantity as string).times(r.unit_price as string);
      return expected
        .minus(r.amount as string)
        .abs()
        .gt('0.01');
    });
  return {
    rule: 'INVEX-LINE-AMOUNT',
    status: bad.length === 0 ? 'pass' : 'fail',
    message:
      bad.length === 0
        ? `quantity × unit price = amount on ${checkable.length} line(s)`
        : `quantity × unit price ≠ amount on line(s) ${bad.map(({ i }) => i + 1).join(', ')}`,
  };
}
