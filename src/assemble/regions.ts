/** Regions: a value's words → one box per text line per page (a value split over lines gets several). */
import type { Page, Word } from '../types.js';
import type { Region } from './schema.js';

const round = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 10000) / 10000;

export function regionsOf(pageNumber: number, words: readonly Word[]): Region[] {
  const byLine = new Map<number, Word[]>();
  for (const w of words) byLine.set(w.line, [...(byLine.get(w.line) ?? []), w]);
  return [...byLine.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, ws]) => ({
      page: pageNumber,
      bbox: [
        round(Math.min(...ws.map((w) => w.bbox[0]))),
        round(Math.min(...ws.map((w) => w.bbox[1]))),
        round(Math.max(...ws.map((w) => w.bbox[2]))),
        round(Math.max(...ws.map((w) => w.bbox[3]))),
      ],
    }));
}

/** The words of a span, ordered by line then x. */
export function spanWords(page: Page, indices: readonly number[]): Word[] {
  return indices
    .map((i) => page.words[i])
    .filter((w): w is Word => w !== undefined)
    .sort((a, b) => a.line - b.line || a.bbox[0] - b.bbox[0]);
}

/** Text as printed: words joined by spaces within a line, lines joined by ", " (DESIGN §2). */
export function spanText(words: readonly Word[], lineJoin = ', '): string {
  const lines: string[][] = [];
  let last: number | undefined;
  for (const w of words) {
    if (w.line !== last) lines.push([]);
    lines.at(-1)?.push(w.text);
    last = w.line;
  }
  return lines
    .map((l) => l.join(' '))
    .reduce((acc, l) => (acc === '' ? l : /[,;]$/.test(acc) ? `${acc} ${l}` : `${acc}${lineJoin}${l}`), '');
}
