/** Regions: a value's words → one box per text line per page (a value split over lines gets several). */
import type { BBox, Page, Word } from '../types.js';
import type { Region } from './schema.js';

const round = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 10000) / 10000;

export function regionsOf(pageNumber: number, words: readonly Word[]): Region[] {
  const byLine = new Map<number, [number, number, number, number]>();
  for (const w of words) {
    const b = byLine.get(w.line);
    if (!b) byLine.set(w.line, [...w.bbox]);
    else {
      b[0] = Math.min(b[0], w.bbox[0]);
      b[1] = Math.min(b[1], w.bbox[1]);
      b[2] = Math.max(b[2], w.bbox[2]);
      b[3] = Math.max(b[3], w.bbox[3]);
    }
  }
  return [...byLine.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, b]) => ({ page: pageNumber, bbox: [round(b[0]), round(b[1]), round(b[2]), round(b[3])] }));
}

/** The box around some words: leftmost, topmost, rightmost and lowest edges (the words must not be none). */
export function boxOf(words: readonly Word[]): BBox {
  return [
    Math.min(...words.map((w) => w.bbox[0])),
    Math.min(...words.map((w) => w.bbox[1])),
    Math.max(...words.map((w) => w.bbox[2])),
    Math.max(...words.map((w) => w.bbox[3])),
  ];
}

/** The vertical centre of a word's box (fraction of the page). */
export function midY(w: Word): number {
  return (w.bbox[1] + w.bbox[3]) / 2;
}

/** A word's box height (fraction of the page): the unit of the layout rules' gaps. */
export function wordHeight(w: Word): number {
  return w.bbox[3] - w.bbox[1];
}

/** The words of `line` (a text line index) in reading order, with their indices. */
export function lineWords(words: readonly Word[], line: number): { w: Word; i: number }[] {
  return words
    .map((w, i) => ({ w, i }))
    .filter((x) => x.w.line === line)
    .sort((a, b) => a.w.bbox[0] - b.w.bbox[0]);
}

/** The words of a span, ordered by line then x. */
export function spanWords(page: Page, indices: readonly number[]): Word[] {
  return indices
    .map((i) => page.words[i])
    .filter((w): w is Word => w !== undefined)
    .sort((a, b) => a.line - b.line || a.bbox[0] - b.bbox[0]);
}

/**
 * A word that only separates the parts of one line, as a one-line sender strip does ("de Koninglaan 629 III ·
 * 4349 TN Houthei", "839 Mills Bridge | Kiarraville, TX 01371").
 */
export const SEPARATOR = /^[|·•∙▪]$/u;

/**
 * Text as printed: words joined by spaces within a line, lines joined by ", " (DESIGN §2); a separator word
 * between two parts of a line joins them as lines are joined.
 */
export function spanText(words: readonly Word[], lineJoin = ', '): string {
  const lines: string[][] = [];
  let last: number | undefined;
  for (const w of words) {
    if (SEPARATOR.test(w.text)) {
      last = undefined; // the next word starts a part of its own
      continue;
    }
    if (w.line !== last) lines.push([]);
    lines.at(-1)?.push(w.text);
    last = w.line;
  }
  return lines
    .map((l) => l.join(' '))
    .reduce((acc, l) => (acc === '' ? l : /[,;]$/.test(acc) ? `${acc} ${l}` : `${acc}${lineJoin}${l}`), '');
}
