import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { charAdvance, fontClassOf, stringAdvance } from '../../../src/document/glyph-widths.js';
import {
  assignLines,
  isRealWord,
  layerStats,
  type PlacedText,
  runsToWords,
  type TextRun,
  textLayerVerdict,
  WORD_GAP_EM,
} from '../../../src/document/text-layer.js';
import type { BBox } from '../../../src/types.js';

// A 1000 × 1000 pt page with PDF's bottom-left origin.
const toPage = (x: number, y: number): [number, number] => [x / 1000, 1 - y / 1000];

function run(str: string, x: number, y: number, size: number, extra: Partial<TextRun> = {}): TextRun {
  return {
    str,
    width: (stringAdvance(str, 'sans') * size) / 1000,
    transform: [size, 0, 0, size, x, y],
    fontClass: 'sans',
    ascent: 0.8,
    descent: -0.2,
    eol: false,
    ...extra,
  };
}

function afmWidths(font: string): Map<number, number> {
  const require = createRequire(import.meta.url);
  const afm = readFileSync(join(dirname(require.resolve('pdfkit')), 'data', `${font}.afm`), 'latin1');
  const widths = new Map<number, number>();
  for (const m of afm.matchAll(/^C (\d+) ; WX (\d+)/gm)) widths.set(Number(m[1]), Number(m[2]));
  return widths;
}

describe('glyph widths', () => {
  it.each([
    ['sans', 'Helvetica'],
    ['serif', 'Times-Roman'],
  ] as const)('match the %s AFM table (%s) for printable ASCII', (cls, font) => {
    const afm = afmWidths(font);
    for (let code = 32; code <= 126; code++)
      expect(charAdvance(String.fromCharCode(code), cls)).toBe(afm.get(code));
  });

  it('gives accented letters their base width and monospace one width', () => {
    expect(charAdvance('é', 'sans')).toBe(charAdvance('e', 'sans'));
    expect(stringAdvance('iiii', 'mono')).toBe(stringAdvance('MMMM', 'mono'));
    expect(fontClassOf('monospace')).toBe('mono');
    expect(fontClassOf('serif')).toBe('serif');
    expect(fontClassOf(undefined)).toBe('sans');
  });
});

describe('runsToWords', () => {
  it('splits a run at whitespace and places each word by glyph widths', () => {
    const words = runsToWords([run('Hello world', 100, 500, 10)], toPage);
    expect(words.map((w) => w.text)).toEqual(['Hello', 'world']);
    const helloSpace = (stringAdvance('Hello ', 'sans') * 10) / 1000;
    expect(words[1]?.bbox[0]).toBeCloseTo((100 + helloSpace) / 1000, 6);
    // Box from descent to ascent around the baseline at y = 500.
    expect(words[0]?.bbox[1]).toBeCloseTo(1 - 508 / 1000, 6);
    expect(words[0]?.bbox[3]).toBeCloseTo(1 - 498 / 1000, 6);
  });

  it('joins a word split across adjacent runs (a font change mid-word)', () => {
    const first = run('Inv', 100, 500, 10);
    const words = runsToWords([first, run('oice 42', 100 + first.width, 500, 10)], toPage);
    expect(words.map((w) => w.text)).toEqual(['Invoice', '42']);
  });

  it('keeps runs apart across a space run, an end of line, or a gap', () => {
    const a = run('Total', 100, 500, 10);
    const after = 100 + a.width;
    expect(runsToWords([a, run(' ', after, 500, 10), run('EUR', after, 500, 10)], toPage)).toHaveLength(2);
    expect(runsToWords([{ ...a, eol: true }, run('EUR', after, 500, 10)], toPage)).toHaveLength(2);
    expect(runsToWords([a, run('EUR', after + 5, 500, 10)], toPage)).toHaveLength(2);
  });

  it('joins runs across gaps narrower than the word gap, on one baseline only', () => {
    const a = run('Liefer', 100, 500, 10);
    const after = 100 + a.width;
    const gap = (em: number) => after + em * 10;
    const texts = (next: TextRun) => runsToWords([a, next], toPage).map((w) => w.text);
    expect(texts(run('ant', gap(WORD_GAP_EM - 0.01), 500, 10))).toEqual(['Lieferant']);
    expect(texts(run('ant', gap(-0.05), 500, 10))).toEqual(['Lieferant']);
    expect(texts(run('ant', gap(WORD_GAP_EM + 0.01), 500, 10))).toEqual(['Liefer', 'ant']);
    // A superscript right after the word is its own word.
    expect(texts(run('2', after, 503.5, 10))).toEqual(['Liefer', '2']);
  });

  it('follows rotated text along its baseline', () => {
    // Text running upwards (90° counter-clockwise): x is constant, words stack along y.
    const words = runsToWords(
      [{ ...run('up wards', 100, 100, 10), transform: [0, 10, -10, 0, 100, 100] }],
      toPage,
    );
    expect(words).toHaveLength(2);
    const [up, wards] = words.map((w) => w.bbox) as [BBox, BBox];
    expect(wards[3]).toBeLessThan(up[1]); // "wards" is above "up" on the page
    expect(up[2] - up[0]).toBeCloseTo(10 / 1000, 6); // one em wide
  });
});

describe('assignLines', () => {
  const at = (text: string, x0: number, y0: number, x1: number, y1: number): PlacedText => ({
    text,
    bbox: [x0, y0, x1, y1],
  });

  it('orders rows top to bottom and words left to right', () => {
    const words = assignLines([
      at('b2', 0.16, 0.3, 0.25, 0.31),
      at('a1', 0.1, 0.1, 0.15, 0.11),
      at('b1', 0.1, 0.301, 0.15, 0.311),
      at('a2', 0.16, 0.1005, 0.2, 0.1105),
    ]);
    expect(words.map((w) => `${w.line}:${w.text}`)).toEqual(['0:a1', '0:a2', '1:b1', '1:b2']);
  });

  it('keeps a big heading and small text on one baseline together', () => {
    const words = assignLines([at('Total', 0.1, 0.1, 0.2, 0.13), at('EUR', 0.21, 0.115, 0.25, 0.13)]);
    expect(words.map((w) => w.line)).toEqual([0, 0]);
  });

  it('splits a row into columns at wide gaps', () => {
    const words = assignLines([at('Name', 0.1, 0.1, 0.15, 0.11), at('Amount', 0.8, 0.1, 0.9, 0.11)]);
    expect(words.map((w) => w.line)).toEqual([0, 1]);
  });
});

describe('text layer verdict', () => {
  it('recognises real words and junk', () => {
    expect(isRealWord('Invoice')).toBe(true);
    expect(isRealWord('1,234.50')).toBe(true);
    expect(isRealWord('—')).toBe(false);
    expect(isRealWord('\uE001\uE002a')).toBe(false);
  });

  it('uses a rich layer, refuses an empty or junk one, checks images under a thin one', () => {
    const words = (texts: string[]) => texts.map((text) => ({ text }));
    const rich = words(Array.from({ length: 30 }, (_, i) => `word${i}`));
    expect(textLayerVerdict(layerStats(rich))).toBe('usable');
    expect(textLayerVerdict(layerStats(words(['1'])))).toBe('unusable');
    expect(textLayerVerdict(layerStats(words(['\uE001', '\uE002', '\uE003', 'a', 'b', 'c', '\uE004'])))).toBe(
      'unusable',
    );
    const thin = layerStats(words(['Scanned', 'with', 'App']));
    expect(textLayerVerdict(thin)).toBe('check-images');
    expect(textLayerVerdict(thin, 0.95)).toBe('unusable');
    expect(textLayerVerdict(thin, 0.05)).toBe('usable');
  });
});
