/**
 * seqeval-style entity scores on a token-labeled corpus split: an entity counts as correct when
 * the prediction has the same type over exactly the same words.
 */
import type { CorpusDoc } from '../corpus/format.js';

export interface EntityCounts {
  type: string;
  gold: number;
  predicted: number;
  correct: number;
}

/** Entities from BIO tags: each B- opens one; an I- joins the latest open entity of its type. */
export function entitiesFromTags(tags: readonly string[]): { type: string; words: number[] }[] {
  const out: { type: string; words: number[] }[] = [];
  const open = new Map<string, { type: string; words: number[] }>();
  tags.forEach((tag, i) => {
    if (tag === 'O') return;
    const type = tag.slice(2);
    const current = open.get(type);
    if (tag.startsWith('I-') && current) current.words.push(i);
    else {
      const e = { type, words: [i] };
      out.push(e);
      open.set(type, e);
    }
  });
  return out;
}

const key = (type: string, page: number, words: readonly number[]) =>
  `${page}|${type}|${[...words].sort((a, b) => a - b).join(',')}`;

/** Adds one page's gold and predicted entities to per-type counts. */
export function countPage(
  counts: Map<string, EntityCounts>,
  page: number,
  gold: readonly { type: string; words: readonly number[] }[],
  predicted: readonly { type: string; words: readonly number[] }[],
): void {
  const bump = (type: string) => {
    const c = counts.get(type) ?? { type, gold: 0, predicted: 0, correct: 0 };
    counts.set(type, c);
    return c;
  };
  const goldKeys = new Set(gold.map((g) => key(g.type, page, g.words)));
  for (const g of gold) bump(g.type).gold++;
  for (const p of predicted) {
    const c = bump(p.type);
    c.predicted++;
    if (goldKeys.has(key(p.type, page, p.words))) c.correct++;
  }
}

export function goldPages(doc: CorpusDoc) {
  return doc.pages.map((p) => ({
    number: p.number,
    entities: entitiesFromTags(p.words.map((w) => w.label)),
  }));
}

export function formatEntityReport(counts: Iterable<EntityCounts>): string {
  const rows = [...counts].sort((a, b) => a.type.localeCompare(b.type));
  const f = (c: { gold: number; predicted: number; correct: number }) => {
    const p = c.predicted ? c.correct / c.predicted : 0;
    const r = c.gold ? c.correct / c.gold : 0;
    return { p, r, f1: p + r ? (2 * p * r) / (p + r) : 0 };
  };
  const line = (name: string, c: { gold: number; predicted: number; correct: number }) => {
    const s = f(c);
    return `${name.padEnd(20)} ${s.p.toFixed(3).padStart(9)} ${s.r.toFixed(3).padStart(6)} ${s.f1.toFixed(3).padStart(8)} ${String(c.gold).padStart(7)}`;
  };
  const micro = rows.reduce(
    (a, c) => ({
      gold: a.gold + c.gold,
      predicted: a.predicted + c.predicted,
      correct: a.correct + c.correct,
    }),
    {
      gold: 0,
      predicted: 0,
      correct: 0,
    },
  );
  return [
    `${''.padEnd(20)} precision recall f1-score support`,
    ...rows.map((c) => line(c.type, c)),
    line('micro avg', micro),
  ].join('\n');
}
