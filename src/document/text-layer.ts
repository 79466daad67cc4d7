/**
 * Pure geometry for PDF text layers: split pdfjs text runs into words with boxes, group words into lines,
 * and judge whether a page's text layer is worth using. No pdfjs import: pdf.ts feeds plain data in.
 */
import type { BBox, Word } from '../types.js';
import { charAdvance, type FontClass } from './glyph-widths.js';
import { groupRows } from './rows.js';

/** One pdfjs text item, reduced to what word splitting needs. */
export interface TextRun {
  str: string;
  /** Advance of the whole run along its baseline, in PDF user-space units. */
  width: number;
  /** pdfjs item transform [a, b, c, d, e, f]: baseline origin (e, f), (a, b) along the text, (c, d) one em up. */
  transform: readonly number[];
  fontClass: FontClass;
  /** Top and bottom of the glyphs as fractions of the em (descent is negative). */
  ascent: number;
  descent: number;
  /** The run ends a line (pdfjs `hasEOL`). */
  eol: boolean;
}

/** PDF user space → fractions of the page, origin top-left (respects rotation and crop box). */
export type ToPage = (x: number, y: number) => [number, number];

/** A word still in PDF user space, so pieces split across runs can be joined before projecting. */
interface SpanWord {
  text: string;
  start: [number, number];
  end: [number, number];
  em: [number, number];
  /** Unit vector along the baseline. */
  dir: [number, number];
  ascent: number;
  descent: number;
  /** Touches the end of its run with no whitespace after it, so the next run may continue it. */
  open: boolean;
  /** Touches the start of its run with no whitespace before it. */
  continues: boolean;
}

export interface PlacedText {
  text: string;
  bbox: BBox;
}

/**
 * A gap between glyphs wider than this share of the font size is a word space, narrower is kerning or tracking
 * inside the word. Measured on the ZUGFeRD specimens: fake-bold offsets inside words reach 0.111 em (Times-Bold
 * minus Times-Roman advance of "r"), the narrowest real word gaps are 0.12 em. pdfjs's own 0.102 cuts words
 * (mozilla/pdf.js#18768); poppler's 0.15 (minWordSpacing) glues ": 4,0000".
 */
export const WORD_GAP_EM = 0.115;
// Pieces whose baselines are further apart than this share of the font size are not one word (sub/superscripts).
const BASELINE_SHIFT_EM = 0.25;

/** Splits runs into words (whitespace-separated), joining word pieces that adjacent runs share. */
export function runsToWords(runs: readonly TextRun[], toPage: ToPage): PlacedText[] {
  const words: SpanWord[] = [];
  for (const run of runs) {
    const pieces = splitRun(run);
    const first = pieces[0];
    const prev = words.at(-1);
    if (first && prev && canJoin(prev, first)) {
      words[words.length - 1] = join(prev, first);
      words.push(...pieces.slice(1));
    } else {
      words.push(...pieces);
    }
    // A run with no word in it (a space, an empty end-of-line marker) separates the words around it.
    const last = words.at(-1);
    if (pieces.length === 0 && last) last.open = false;
  }
  return words.map((w) => ({ text: w.text, bbox: project(w, toPage) }));
}

function splitRun(run: TextRun): SpanWord[] {
  const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = run.transform;
  const scale = Math.hypot(a, b) || 1;
  const dir: [number, number] = [a / scale, b / scale];
  // One pass over the string: each word's start and end index, and the advance before and after it.
  const str = run.str;
  const spans: number[] = [];
  let advance = 0;
  let wordStart = -1;
  let wordBefore = 0;
  for (let i = 0; i < str.length; ) {
    const code = str.codePointAt(i) as number;
    const next = i + (code > 0xffff ? 2 : 1);
    if (isSpace(code, str, i)) {
      if (wordStart >= 0) spans.push(wordStart, i, wordBefore, advance);
      wordStart = -1;
    } else if (wordStart < 0) {
      wordStart = i;
      wordBefore = advance;
    }
    advance +=
      code < 128
        ? charAdvance(str[i] as string, run.fontClass)
        : charAdvance(str.slice(i, next), run.fontClass);
    i = next;
  }
  if (wordStart >= 0) spans.push(wordStart, str.length, wordBefore, advance);
  if (advance <= 0 || run.width <= 0) return [];
  // Advances are whole 1/1000 em, so these sums are exact: the same positions as measuring each prefix.
  const unit = run.width / advance;
  const out: SpanWord[] = [];
  for (let k = 0; k < spans.length; k += 4) {
    const [from = 0, to = 0, before = 0, after = 0] = spans.slice(k, k + 4);
    const s0 = before * unit;
    const s1 = s0 + (after - before) * unit;
    out.push({
      text: str.slice(from, to),
      start: [e + dir[0] * s0, f + dir[1] * s0],
      end: [e + dir[0] * s1, f + dir[1] * s1],
      em: [c, d],
      dir,
      ascent: run.ascent,
      descent: run.descent,
      open: to === str.length && !run.eol,
      continues: from === 0,
    });
  }
  return out;
}

const SPACE = /\s/;

/** What \s matches (the split of a run into words), with an ASCII fast path. */
function isSpace(code: number, str: string, i: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return code <= 0xffff && SPACE.test(str[i] as string);
}

/** next starts where prev ends: within the word gap along prev's baseline, and on (nearly) the same baseline. */
function canJoin(prev: SpanWord, next: SpanWord): boolean {
  if (!prev.open || !next.continues) return false;
  const emSize = Math.max(Math.hypot(...prev.em), Math.hypot(...next.em));
  const dx = next.start[0] - prev.end[0];
  const dy = next.start[1] - prev.end[1];
  const along = dx * prev.dir[0] + dy * prev.dir[1];
  const across = dy * prev.dir[0] - dx * prev.dir[1];
  return Math.abs(along) <= WORD_GAP_EM * emSize && Math.abs(across) <= BASELINE_SHIFT_EM * emSize;
}

function join(prev: SpanWord, next: SpanWord): SpanWord {
  const bigger = Math.hypot(...next.em) > Math.hypot(...prev.em) ? next.em : prev.em;
  return {
    ...next,
    text: prev.text + next.text,
    start: prev.start,
    em: bigger,
    ascent: Math.max(prev.ascent, next.ascent),
    descent: Math.min(prev.descent, next.descent),
    continues: prev.continues,
  };
}

/** The word's quad (baseline segment raised to ascent and lowered to descent) as a page-fraction box. */
function project(w: SpanWord, toPage: ToPage): BBox {
  const [x0, y0] = w.start;
  const [x1, y1] = w.end;
  const [u, v] = w.em;
  const [ax, ay] = toPage(x0 + u * w.descent, y0 + v * w.descent);
  const [bx, by] = toPage(x0 + u * w.ascent, y0 + v * w.ascent);
  const [cx, cy] = toPage(x1 + u * w.descent, y1 + v * w.descent);
  const [dx, dy] = toPage(x1 + u * w.ascent, y1 + v * w.ascent);
  return [
    clamp01(Math.min(ax, bx, cx, dx)),
    clamp01(Math.min(ay, by, cy, dy)),
    clamp01(Math.max(ax, bx, cx, dx)),
    clamp01(Math.max(ay, by, cy, dy)),
  ];
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}

// A horizontal gap wider than this many line heights splits a row into separate lines (columns), as OCR does.
const COLUMN_GAP_HEIGHTS = 2.5;

/**
 * Groups words into lines: rows by vertical overlap (rows.ts), each row split at wide gaps; lines are numbered
 * top-to-bottom, then left-to-right, and words come back in that reading order.
 */
export function assignLines(words: readonly PlacedText[], confidence = 1): Word[] {
  const out: Word[] = [];
  let line = 0;
  for (const row of groupRows(words)) {
    for (const segment of splitRow(row)) {
      for (const w of segment) out.push({ text: w.text, bbox: w.bbox, confidence, line });
      line++;
    }
  }
  return out;
}

function splitRow(row: PlacedText[]): PlacedText[][] {
  const segments: PlacedText[][] = [];
  let current: PlacedText[] = [];
  for (const w of row) {
    const prev = current.at(-1);
    const height = Math.max(w.bbox[3] - w.bbox[1], prev ? prev.bbox[3] - prev.bbox[1] : 0);
    if (prev && w.bbox[0] - prev.bbox[2] > COLUMN_GAP_HEIGHTS * height) {
      segments.push(current);
      current = [];
    }
    current.push(w);
  }
  if (current.length > 0) segments.push(current);
  return segments;
}

// Private-use, control and replacement characters: what fonts without a ToUnicode map extract as.
const JUNK_CHARS = /[\p{Co}\p{Cc}\uFFFD]/gu;
const ALNUM = /[\p{L}\p{N}]/u;

/** A word that reads as text: has a letter or digit and is not mostly unmapped glyphs. */
export function isRealWord(text: string): boolean {
  if (!ALNUM.test(text)) return false;
  const junk = text.match(JUNK_CHARS)?.length ?? 0;
  return junk * 2 < [...text].length;
}

// Fewer real words than this and the layer is empty or noise (page numbers, a stray mark).
export const MIN_REAL_WORDS = 3;
// Below this many real words, a page covered by an image is a scan with a stamp ("Scanned by ...").
export const FEW_WORDS = 20;
// Share of the page that images must cover for the page to count as a scan.
export const SCAN_COVERAGE = 0.5;

export interface LayerStats {
  words: number;
  realWords: number;
}

export function layerStats(words: readonly { text: string }[]): LayerStats {
  return { words: words.length, realWords: words.filter((w) => isRealWord(w.text)).length };
}

/**
 * Whether a page's text layer should be used instead of OCR. `imageCoverage` (share of the page covered by
 * images, 0..1) is only needed when the layer is thin; pass undefined when it was not measured.
 */
export function textLayerVerdict(
  stats: LayerStats,
  imageCoverage?: number,
): 'usable' | 'unusable' | 'check-images' {
  if (stats.realWords < MIN_REAL_WORDS || stats.realWords * 2 < stats.words) return 'unusable';
  if (stats.realWords >= FEW_WORDS) return 'usable';
  if (imageCoverage === undefined) return 'check-images';
  return imageCoverage >= SCAN_COVERAGE ? 'unusable' : 'usable';
}
