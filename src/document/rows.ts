/**
 * Rows of words by geometry: the one line-grouping rule shared by the PDF text layer (Word.line) and the
 * featurizer's reading order, so that a value's words are read in the same order everywhere.
 */
import type { BBox } from '../types.js';

// Words on one row overlap vertically by at least this share of the TALLER of the word and the row.
// Measuring against the shorter one let a tall word (a logo name, a large total) chain the two small lines
// beside it into one row, interleaving their words ("Strada 65426 Borgo Cappelletti ...").
const ROW_OVERLAP = 0.5;
// Rows still open for a word: words sorted by centre can arrive a little out of row order.
const OPEN_ROWS = 4;

// A NaN coordinate (a broken box) counts as 0 rather than poisoning the order.
const clamp01 = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

interface Row<T> {
  top: number;
  bottom: number;
  items: T[];
}

/** Groups boxes into rows by vertical overlap: rows top to bottom, items left to right. Stable for ties. */
export function groupRows<T extends { bbox: BBox }>(items: readonly T[]): T[][] {
  const top = (t: T) => clamp01(t.bbox[1]);
  const bottom = (t: T) => Math.max(top(t), clamp01(t.bbox[3]));
  const left = (t: T) => clamp01(t.bbox[0]);
  const order = items.map((t, i) => ({ t, i, c: top(t) + bottom(t) }));
  order.sort((a, b) => a.c - b.c || left(a.t) - left(b.t) || a.i - b.i);
  const rows: Row<{ t: T; i: number }>[] = [];
  for (const o of order) {
    const t0 = top(o.t);
    const t1 = bottom(o.t);
    let best: Row<{ t: T; i: number }> | undefined;
    let bestRatio = ROW_OVERLAP;
    for (let r = rows.length - 1; r >= Math.max(0, rows.length - OPEN_ROWS); r--) {
      const row = rows[r] as Row<{ t: T; i: number }>;
      const overlap = Math.min(row.bottom, t1) - Math.max(row.top, t0);
      const taller = Math.max(row.bottom - row.top, t1 - t0);
      // Zero-height boxes (a stray glyph) join a row they touch.
      const ratio = taller > 0 ? overlap / taller : overlap >= 0 ? 1 : 0;
      if (ratio >= bestRatio) {
        best = row;
        bestRatio = ratio;
      }
    }
    if (best) {
      const n = best.items.push(o);
      best.top += (t0 - best.top) / n;
      best.bottom += (t1 - best.bottom) / n;
    } else {
      rows.push({ top: t0, bottom: t1, items: [o] });
    }
  }
  rows.sort((a, b) => a.top + a.bottom - (b.top + b.bottom));
  return rows.map((r) => r.items.sort((a, b) => left(a.t) - left(b.t) || a.i - b.i).map((o) => o.t));
}
