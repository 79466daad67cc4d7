/**
 * The OCR stage: raster pages → words with boxes (fractions of the upright page), text pages pass through.
 *
 * Orientation: OCR the page as it comes; when the result looks like upright text (confident, dictionary-ish,
 * horizontal words) keep it, so an upright page costs nothing extra. Otherwise OCR a copy downscaled to
 * TRIAL_MAX_SIDE px at the other turns (likeliest first, stopping at one that reads upright), keep the turn
 * whose words score best, then OCR the full page turned.
 * Chosen over tesseract OSD (`detect()`), which needs a second, legacy-engine worker per process and costs
 * ~0.45 s on every page: measured on the A4 300-DPI fixture, the upright check is free and a turned page costs
 * one ~0.5 s trial plus one wasted full pass (see docs/ocr.md for the figures).
 */
import { config } from '../config.js';
import type {
  DocumentWords,
  IngestedDocument,
  IngestedPage,
  Page,
  Raster,
  Rotation,
  Word,
} from '../types.js';
import { assertRaster, downscaleRaster, rotateRaster, stretchContrast } from './raster.js';
import {
  type Binarization,
  type EngineLines,
  type EngineSettings,
  type EngineWord,
  recognizeRaster,
} from './tesseract.js';

/**
 * How the OCR stage reads a page. Raise it with every change that alters the words some page gives (a new pass,
 * another binarization), so that words cached by an older reading (`invex corpus import`, `invex eval
 * --words-cache`) are read again instead of standing in for what this code reads. 2: faint pages read again.
 */
export const OCR_READING = 2;

export interface OcrOptions {
  /** Languages joined by `+`, e.g. `eng+deu`. */
  lang: string;
  /** Worker count; default INVEX_OCR_WORKERS. */
  workers?: number;
  /** Recycle the workers after this many jobs; default INVEX_OCR_RECYCLE_PAGES. */
  recyclePages?: number;
  /** A tessdata folder searched before the npm language packages; default INVEX_TESSDATA_DIR. */
  tessdataDir?: string;
  /** Read with invex's fine-tuned model where there is one; default INVEX_OCR_TUNED. */
  tuned?: boolean;
  /** Detect pages turned by 90/180/270° (default true). */
  detectRotation?: boolean;
}

export interface RasterWords {
  words: Word[];
  /** Clockwise degrees the raster was turned to read it upright. */
  rotation: Rotation;
  /** Pixels of the upright raster. */
  width: number;
  height: number;
}

/** Long side of the orientation trial copy: ~85 DPI for A4, where 9-pt text still reads (measured). */
const TRIAL_MAX_SIDE = 1000;
/** A page is upright when its good-word score is at least this share of its wordy words (upright ≈ 0.8, turned < 0.15, measured). */
const UPRIGHT_RATIO = 0.5;
/** Below this many wordy words the ratio is noisy: every one of them must then read well. */
const MIN_WORDY = 5;
/** A turn must beat the page as it came by this factor, so noise never turns an upright page. */
const TURN_MARGIN = 1.5;
/** Words at or above this tesseract confidence count as well read. */
const GOOD_CONFIDENCE = 60;
/**
 * A page whose first reading has fewer well-read words than this is read again with its contrast stretched
 * (a receipt reads 35-80 such words; most of SROIE's faint or photographed ones 0-6 before the second reading).
 */
const FAINT_GOOD_WORDS = 20;

interface Orientation {
  /** Σ confidence of well-read horizontal letter words. */
  score: number;
  /** How many such words. */
  good: number;
  /** Words with at least three letters. */
  wordy: number;
  /** Of those, words whose box is taller than wide: the page lies on its side. */
  vertical: number;
  /** Of those, well-read ones: tesseract reads text turned 90° clockwise internally, but not 270°. */
  verticalGood: number;
}

const LETTER = /\p{L}/gu;
const ALL_LETTERS = /^\p{L}{3,}$/u;
const EDGE_PUNCT = /^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu;

/** How much this OCR result looks like upright text. */
export function orientationScore(lines: EngineLines): Orientation {
  let score = 0;
  let good = 0;
  let wordy = 0;
  let vertical = 0;
  let verticalGood = 0;
  for (const line of lines) {
    for (const w of line) {
      const text = w.text.trim();
      if ((text.match(LETTER)?.length ?? 0) < 3) continue;
      wordy++;
      const wellRead = w.confidence >= GOOD_CONFIDENCE && ALL_LETTERS.test(text.replace(EDGE_PUNCT, ''));
      if (w.y1 - w.y0 > w.x1 - w.x0) {
        vertical++;
        if (wellRead) verticalGood++;
      } else if (wellRead) {
        score += w.confidence / 100;
        good++;
      }
    }
  }
  return { score, good, wordy, vertical, verticalGood };
}

function looksUpright(o: Orientation): boolean {
  // No word with three letters read in any direction: a blank or numbers-only page, nothing to turn by.
  if (o.wordy === 0) return true;
  if (o.wordy < MIN_WORDY) return o.good === o.wordy;
  return o.score >= UPRIGHT_RATIO * o.wordy && o.vertical * 4 < o.wordy;
}

function settingsOf(opts: OcrOptions): EngineSettings {
  const needConfig =
    opts.workers === undefined ||
    opts.recyclePages === undefined ||
    opts.tessdataDir === undefined ||
    opts.tuned === undefined;
  const cfg = needConfig ? config() : undefined;
  return {
    lang: opts.lang,
    workers: opts.workers ?? cfg?.ocrWorkers ?? 1,
    recyclePages: opts.recyclePages ?? cfg?.ocrRecyclePages ?? 100,
    tessdataDir: opts.tessdataDir ?? cfg?.tessdataDir,
    tuned: opts.tuned ?? cfg?.ocrTuned ?? true,
  };
}

/**
 * Tries the other turns on a small copy, likeliest first, and stops at the first that reads as upright text.
 * Mostly vertical boxes mean the page lies on its side, turned 90° clockwise if tesseract still read them well
 * (fix: 270), else 90° counter-clockwise (fix: 90); horizontal but badly read means most likely upside down.
 */
async function bestTurn(
  raster: Raster,
  asIs: Orientation,
  settings: EngineSettings,
  binarize: Binarization,
): Promise<Rotation> {
  const small = await downscaleRaster(raster, TRIAL_MAX_SIDE);
  const sideways = asIs.vertical * 2 > asIs.wordy;
  const clockwise = asIs.verticalGood * 2 > asIs.vertical;
  const turns: Rotation[] = sideways ? (clockwise ? [270, 90, 180] : [90, 270, 180]) : [180, 90, 270];
  let best: Rotation = 0;
  let bestScore = asIs.score * TURN_MARGIN;
  for (const turn of turns) {
    const o = orientationScore(
      await recognizeRaster(await rotateRaster(small, turn), settings, 'auto', binarize),
    );
    if (o.score > bestScore) {
      best = turn;
      bestScore = o.score;
      if (looksUpright(o)) break;
    }
  }
  return best;
}

const LIGATURES = /[\uFB00-\uFB06]/g;

/** Engine lines → page words: fractions of the page, confidence 0..1, empty words dropped, lines renumbered. */
export function toWords(lines: EngineLines, width: number, height: number): Word[] {
  const words: Word[] = [];
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  let line = 0;
  for (const engineLine of lines) {
    const kept = engineLine
      .map((w: EngineWord) => ({ w, text: w.text.trim().replace(LIGATURES, (c) => c.normalize('NFKC')) }))
      .filter(({ text }) => text.length > 0);
    if (kept.length === 0) continue;
    for (const { w, text } of kept) {
      words.push({
        text,
        bbox: [clamp(w.x0 / width), clamp(w.y0 / height), clamp(w.x1 / width), clamp(w.y1 / height)],
        confidence: clamp(w.confidence / 100),
        line,
      });
    }
    line++;
  }
  return words;
}

/** An amount's caption as a line starts ("Total", "Total Payable:", "CASH", "Round Adj", "Change"). */
const AMOUNT_CAPTION =
  /^(sub-?|grand|final|nett?)?\s?(total|tota[l!1]|cash|change|discount|round|rounding|amount|paid|balance)(?![a-z])/i;
/** Captions of lines that hold no amount anyway ("TAX INVOICE", "CASH SALES COUNTER", "Total Qty"). */
const NOT_AN_AMOUNT = /invoice|receipt|sales|counter|summary|\bno\b|qty|quantity|item/i;
/** Captioned lines with no amount before a second, block-layout pass is worth its time. */
const BLOCK_PASS_CAPTIONS = 1;
/** What the block pass may add: a money amount with cents, or a date. */
const NUMBER_WORD = /\d[.,]\d{2}\b|\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}/;

/**
 * Lines that start with an amount's caption and hold no digit: auto layout dropped what was printed beside
 * them, as it does with a receipt's faint right-hand column ("Total", "Round Adj", "CASH", "CHANGE" with no
 * amounts; the same receipt read as one block has "Total 8.70", "CASH 10.00").
 */
export function captionsWithoutAmounts(lines: EngineLines): number {
  return lines.filter((l) => {
    const text = l
      .map((w) => w.text)
      .join(' ')
      .trim();
    return AMOUNT_CAPTION.test(text) && !NOT_AN_AMOUNT.test(text) && !/\d/.test(text);
  }).length;
}

const overlaps = (a: EngineWord, b: EngineWord) => {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return w > 0 && h > 0;
};

/**
 * The auto-layout lines plus the amounts and dates that only the block pass read, each put on the line it shares
 * most of its height with, else on a line of its own. Only those: the letters both passes read alike, the model
 * was trained on auto-layout lines, and a stray digit in an address ("Perindustrian 5") costs the address.
 */
export function withMissingNumbers(lines: EngineLines, block: EngineLines): EngineLines {
  const out = lines.map((l) => [...l]);
  // Each line's vertical extent, kept up to date as words join it (recomputing it per added word made this
  // quadratic in the words of a dense page).
  const extents = out.map((l) => ({
    top: Math.min(...l.map((a) => a.y0)),
    bottom: Math.max(...l.map((a) => a.y1)),
  }));
  const all = lines.flat();
  for (const w of block.flat()) {
    if (!NUMBER_WORD.test(w.text) || all.some((a) => overlaps(a, w))) continue;
    const height = Math.max(1, w.y1 - w.y0);
    let best = -1;
    let bestShare = 0.5;
    extents.forEach(({ top, bottom }, k) => {
      const share = (Math.min(bottom, w.y1) - Math.max(top, w.y0)) / height;
      if (share > bestShare) {
        best = k;
        bestShare = share;
      }
    });
    const line = out[best];
    const extent = extents[best];
    if (line && extent) {
      line.push(w);
      line.sort((a, b) => a.x0 - b.x0);
      extent.top = Math.min(extent.top, w.y0);
      extent.bottom = Math.max(extent.bottom, w.y1);
    } else {
      // A line of its own, in reading order before the first line that starts below it.
      const at = extents.findIndex((e) => e.top > w.y0);
      const k = at < 0 ? out.length : at;
      out.splice(k, 0, [w]);
      extents.splice(k, 0, { top: w.y0, bottom: w.y1 });
    }
    all.push(w);
  }
  return out;
}

/** One reading of a raster: the raster as read, how it was binarized, what came out and how upright it looks. */
interface Reading {
  raster: Raster;
  binarize: Binarization;
  lines: EngineLines;
  orientation: Orientation;
}

async function read(raster: Raster, settings: EngineSettings, binarize: Binarization): Promise<Reading> {
  const lines = await recognizeRaster(raster, settings, 'auto', binarize);
  return { raster, binarize, lines, orientation: orientationScore(lines) };
}

/**
 * Few well-read words, and not because the page lies on its side (tesseract reads sideways text as vertical
 * words): the print is faint, the paper gray or the lighting uneven, and tesseract's one threshold for the page
 * lost the text (SROIE has 24 such receipts of 626, 4 of them read as nothing at all).
 */
function readsFaint(o: Orientation): boolean {
  return o.good < FAINT_GOOD_WORDS && !(o.wordy >= MIN_WORDY && o.vertical * 2 > o.wordy);
}

/**
 * Reads a faint page again three ways in parallel: its gray levels stretched, then thresholded once for the page
 * (Otsu) and per neighbourhood (Sauvola), and the page as it came thresholded per tile (Leptonica's Otsu). Each
 * rescues receipts the others do not (measured on SROIE's 24 faint receipts). A reading is kept only when it scores
 * TURN_MARGIN× the first one's well-read words, so a page that was merely sparse stays as it was read.
 */
async function rereadFaint(first: Reading, settings: EngineSettings): Promise<Reading> {
  const stretched = await stretchContrast(first.raster);
  const again = await Promise.all([
    read(stretched, settings, 'otsu'),
    read(stretched, settings, 'sauvola'),
    read(first.raster, settings, 'tiled'),
  ]);
  let best = first;
  let bar = first.orientation.score * TURN_MARGIN;
  for (const r of again) {
    if (r.orientation.score > bar) {
      best = r;
      bar = r.orientation.score;
    }
  }
  return best;
}

/**
 * OCRs one grayscale raster: a faint page is read again with more contrast, then a page that is not upright is
 * turned upright, then a page whose amount captions came out without amounts gets a block-layout pass.
 */
export async function ocrRaster(raster: Raster, opts: OcrOptions): Promise<RasterWords> {
  assertRaster(raster);
  const settings = settingsOf(opts);
  let reading = await read(raster, settings, 'otsu');
  if (readsFaint(reading.orientation)) reading = await rereadFaint(reading, settings);
  let { raster: upright, lines } = reading;
  const { binarize } = reading;
  let rotation: Rotation = 0;
  if (opts.detectRotation !== false && !looksUpright(reading.orientation)) {
    rotation = await bestTurn(upright, reading.orientation, settings, binarize);
    if (rotation !== 0) {
      upright = await rotateRaster(upright, rotation);
      lines = await recognizeRaster(upright, settings, 'auto', binarize);
    }
  }
  if (captionsWithoutAmounts(lines) >= BLOCK_PASS_CAPTIONS) {
    lines = withMissingNumbers(lines, await recognizeRaster(upright, settings, 'block', binarize));
  }
  return {
    words: toWords(lines, upright.width, upright.height),
    rotation,
    width: upright.width,
    height: upright.height,
  };
}

/** A page read from the PDF's text layer, as the stages after OCR take it. */
export function textPage(p: Extract<IngestedPage, { kind: 'text' }>): Page {
  return {
    number: p.number,
    width: p.width,
    height: p.height,
    unit: p.unit,
    source: 'text',
    rotation: 0,
    words: p.words,
  };
}

/** A document's pages with words, under its id, media type and embedded e-invoice (ingest's or a stored copy). */
export function documentWords(doc: Omit<DocumentWords, 'pages'>, pages: Page[]): DocumentWords {
  return { id: doc.id, mediaType: doc.mediaType, pages, ...(doc.embedded ? { embedded: doc.embedded } : {}) };
}

/** The stage: every page with words. Raster pages run in parallel through the worker pool, one job each. */
export async function ocrDocument(doc: IngestedDocument, opts: OcrOptions): Promise<DocumentWords> {
  const pages = await Promise.all(
    doc.pages.map(async (p): Promise<Page> => {
      if (p.kind === 'text') return textPage(p);
      const r = await ocrRaster(p.raster, opts);
      // Images report the upright raster's pixels; rendered PDF pages keep their points, turned with the page.
      const turned = r.rotation === 90 || r.rotation === 270;
      const [width, height] =
        p.unit === 'px' ? [r.width, r.height] : turned ? [p.height, p.width] : [p.width, p.height];
      return {
        number: p.number,
        width,
        height,
        unit: p.unit,
        source: 'ocr',
        rotation: r.rotation,
        words: r.words,
      };
    }),
  );
  return documentWords(doc, pages);
}
