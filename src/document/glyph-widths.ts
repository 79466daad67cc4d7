/**
 * Relative glyph advances for splitting a PDF text run into words. pdfjs gives only the run's total width,
 * so each word's share is measured with a metric-class table and scaled to that total: exact for Helvetica/
 * Arial (and Times) runs, a close estimate for other proportional fonts, exact for monospace.
 */

export type FontClass = 'sans' | 'serif' | 'mono';

// Widths of ASCII 32..126 in 1/1000 em, from the Adobe Core14 AFM files (Helvetica.afm, Times-Roman.afm).
const SANS = parseTable(
  '278,278,355,556,556,889,667,222,333,333,389,584,278,333,278,278,556,556,556,556,556,556,556,556,556,556,' +
    '278,278,584,584,584,556,1015,667,667,722,722,667,611,778,722,278,500,667,556,833,722,778,667,778,722,667,' +
    '611,722,667,944,667,667,611,278,278,278,469,556,222,556,556,500,556,556,278,556,556,222,222,500,222,833,' +
    '556,556,556,556,333,500,278,556,500,722,500,500,500,334,260,334,584',
);
const SERIF = parseTable(
  '250,333,408,500,500,833,778,333,333,333,500,564,250,333,250,278,500,500,500,500,500,500,500,500,500,500,' +
    '278,278,564,564,564,444,921,722,667,667,722,611,556,722,722,333,389,722,611,889,722,722,556,722,667,556,' +
    '611,722,722,944,722,722,611,333,278,333,469,500,333,444,500,444,500,444,333,500,500,278,278,500,278,778,' +
    '500,500,500,500,333,389,278,500,500,722,500,500,444,480,200,480,541',
);
const DEFAULT_WIDTH: Record<FontClass, number> = { sans: 556, serif: 500, mono: 600 };

function parseTable(csv: string): number[] {
  const widths = csv.split(',').map(Number);
  if (widths.length !== 95) throw new Error(`glyph width table has ${widths.length} entries, expected 95`);
  return widths;
}

/** The font class pdfjs reports in `styles[fontName].fontFamily` ('sans-serif', 'serif', 'monospace'). */
export function fontClassOf(fontFamily: string | undefined): FontClass {
  if (fontFamily === 'monospace') return 'mono';
  if (fontFamily === 'serif') return 'serif';
  return 'sans';
}

/** Advance of one character in 1/1000 em. Accented letters take their base letter's width. */
export function charAdvance(ch: string, cls: FontClass): number {
  if (cls === 'mono') return DEFAULT_WIDTH.mono;
  const table = cls === 'serif' ? SERIF : SANS;
  const code = ch.length === 1 && ch.charCodeAt(0) < 128 ? ch.charCodeAt(0) : baseCode(ch);
  return (code >= 32 && code <= 126 ? table[code - 32] : undefined) ?? DEFAULT_WIDTH[cls];
}

// Base letters of the non-ASCII characters seen so far: normalize() is slow, and a text layer repeats few of them.
const BASE_CODES = new Map<string, number>();
const MAX_BASE_CODES = 4096;

function baseCode(ch: string): number {
  let code = BASE_CODES.get(ch);
  if (code === undefined) {
    code = ch.normalize('NFD').charCodeAt(0);
    if (BASE_CODES.size < MAX_BASE_CODES) BASE_CODES.set(ch, code);
  }
  return code;
}

/** Advance of a string in 1/1000 em. */
export function stringAdvance(s: string, cls: FontClass): number {
  let sum = 0;
  for (const ch of s) sum += charAdvance(ch, cls);
  return sum;
}
