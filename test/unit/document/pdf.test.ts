import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ingestBytes } from '../../../src/document/ingest.js';
import { installPdfWorker, openPdf, readPdfPageText, renderPdfPage } from '../../../src/document/pdf.js';
import { InvexError } from '../../../src/errors.js';
import type { BBox, IngestedPage, Word } from '../../../src/types.js';
import {
  A4,
  buildPdf,
  encryptedPdf,
  goldenTextPdf,
  mixedPdf,
  multiPagePdf,
  ocrLayerPdf,
  type PdfKitDoc,
  type PlacedWord,
  rotatedPdf,
  scanWithStampPdf,
  zeroPagePdf,
} from '../../fixtures/pdf.js';

const opts = { ocr: 'auto' as const, maxPages: 50, maxImagePixels: 100_000_000, dpi: 300 };

/** Largest coordinate difference between two boxes, as a fraction of the page. */
function boxError(a: BBox, b: BBox): number {
  return Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));
}

/** Each placed word matched to the found word with the same text and the nearest box. */
function match(found: Word[], truth: PlacedWord[], map: (b: BBox) => BBox = (b) => b) {
  return truth.map((t) => {
    const expected = map(t.bbox);
    const candidates = found.filter((w) => w.text === t.text);
    const best = candidates.sort((p, q) => boxError(p.bbox, expected) - boxError(q.bbox, expected))[0];
    return {
      text: t.text,
      word: best,
      error: best ? boxError(best.bbox, expected) : Number.POSITIVE_INFINITY,
    };
  });
}

function textPage(page: IngestedPage | undefined): Extract<IngestedPage, { kind: 'text' }> {
  if (page?.kind !== 'text') throw new Error(`expected a text page, got ${page?.kind}`);
  return page;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof InvexError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('PDF text layer', () => {
  it('finds every word of the golden PDF within 1% of the page', async () => {
    const { bytes, words: truth } = await goldenTextPdf();
    const doc = await ingestBytes(bytes, opts);
    const page = textPage(doc.pages[0]);
    expect(page).toMatchObject({ number: 1, unit: 'pt' });
    expect(page.width).toBeCloseTo(A4[0], 1);
    expect(page.height).toBeCloseTo(A4[1], 1);
    expect(page.words.map((w) => w.text).sort()).toEqual(truth.map((w) => w.text).sort());
    const matched = match(page.words, truth);
    const worst = Math.max(...matched.map((m) => m.error));
    expect(worst, JSON.stringify(matched.filter((m) => m.error > 0.01))).toBeLessThan(0.01);
    expect(page.words.every((w) => w.confidence === 1)).toBe(true);
  });

  it('numbers lines top to bottom, words left to right, columns apart', async () => {
    const { bytes } = await goldenTextPdf();
    const words = textPage((await ingestBytes(bytes, opts)).pages[0]).words;
    const lineOf = (text: string) => words.find((w) => w.text === text)?.line;
    // One visual line: same index, left to right.
    const iban = words.filter((w) => w.line === lineOf('IBAN')).map((w) => w.text);
    expect(iban).toEqual(['IBAN', 'DE89', '3704', '0044', '0532', '0130', '00']);
    // Label and right-aligned amount on the same baseline, far apart: separate lines, label first.
    expect(lineOf('Printer')).toBe((lineOf('45.00') as number) - 1);
    // Two columns on one row: the left column's line comes first.
    expect(lineOf('Acme')).toBeLessThan(lineOf('Invoice') as number);
    expect(lineOf('INVOICE')).toBe(0);
    // Line indices are 0..n-1 and never decrease in reading order.
    const lines = words.map((w) => w.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(new Set(lines).size).toBe((lines.at(-1) as number) + 1);
  });

  it.each([90, 180, 270] as const)('maps boxes through /Rotate %i', async (rotate) => {
    const { bytes, words: truth } = await rotatedPdf(rotate);
    const page = textPage((await ingestBytes(bytes, opts)).pages[0]);
    const turned = rotate % 180 === 90;
    expect(page.width).toBeCloseTo(turned ? A4[1] : A4[0], 1);
    // Clockwise turn of the page: where each unrotated box lands, in fractions of the displayed page.
    const map = ([u0, v0, u1, v1]: BBox): BBox =>
      rotate === 90
        ? [1 - v1, u0, 1 - v0, u1]
        : rotate === 180
          ? [1 - u1, 1 - v1, 1 - u0, 1 - v0]
          : [v0, 1 - u1, v1, 1 - u0];
    const worst = Math.max(...match(page.words, truth, map).map((m) => m.error));
    expect(worst).toBeLessThan(0.01);
  });
});

describe('PDF word boundaries', () => {
  const size = 10;
  const em = (n: number) => n * size;

  /** Draws each piece with its own text operator at an explicit x, `gap` ems after the previous piece. */
  function pieces(doc: PdfKitDoc, parts: [string, number][], x: number, y: number): number {
    let at = x;
    for (const [text, gap] of parts) {
      at += em(gap);
      doc.text(text, at, y, { lineBreak: false });
      at += doc.widthOfString(text);
    }
    return at;
  }

  async function lines(draw: (doc: PdfKitDoc) => void): Promise<string[]> {
    const page = textPage((await ingestBytes(await buildPdf(draw), opts)).pages[0]);
    const byLine = new Map<number, string[]>();
    for (const w of page.words) byLine.set(w.line, [...(byLine.get(w.line) ?? []), w.text]);
    return [...byLine.values()].map((ws) => ws.join(' '));
  }

  it('keeps a word whole when its pieces are positioned with kerning or fake-bold gaps', async () => {
    const found = await lines((doc) => {
      doc.font('Times-Roman').fontSize(size);
      // The symtrax ZUGFeRD specimens: bold emulated by the regular face plus 0.055-0.111 em TJ offsets.
      pieces(
        doc,
        [
          ['Liefer', 0],
          ['ant', 0.111],
          ['GmbH', 0.25],
        ],
        56,
        100,
      );
      pieces(
        doc,
        [
          ['B', 0],
          ['r', 0.055],
          ['u', 0.111],
          ['t', 0.056],
          ['t', 0.055],
          ['osumme', 0.056],
        ],
        56,
        130,
      );
      // Word gaps made by positioning alone (no space glyph), the narrowest seen on the specimens.
      pieces(
        doc,
        [
          ['(c)', 0],
          ['AWV', 0.195],
          ['e.V.', 0.2],
        ],
        56,
        160,
      );
      // A font change inside a word, and a real space.
      doc.font('Helvetica-Bold').text('Rech', 56, 190, { continued: true, lineBreak: false });
      doc.font('Helvetica').text('nung 4711', { lineBreak: false });
    });
    expect(found).toEqual(['Lieferant GmbH', 'Bruttosumme', '(c) AWV e.V.', 'Rechnung 4711']);
  });

  it('runs pdfjs with our word gap (its worker source still has the lines the patch replaces)', async () => {
    expect(await installPdfWorker()).toBe(true);
  });

  it('leaves the native Array push and JSON functions in place (pdfjs polyfills them)', async () => {
    // A fresh process: this one loaded pdf.ts before the test could look at the builtins.
    const script = `
      const before = [Array.prototype.push, JSON.parse, JSON.stringify];
      const pdf = await import(${JSON.stringify(new URL('../../../src/document/pdf.ts', import.meta.url).href)});
      await pdf.installPdfWorker();
      const after = [Array.prototype.push, JSON.parse, JSON.stringify];
      console.log(JSON.stringify(before.map((f, i) => f === after[i])));`;
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
    ]);
    expect(JSON.parse(stdout)).toEqual([true, true, true]);
  });

  it('keeps letter-spaced words whole and their spaces apart (pdfjs alone splits at 0.102 em)', async () => {
    const found = await lines((doc) => {
      doc.font('Helvetica').fontSize(size);
      doc.text('Zahlbetrag 235,62 EUR', 56, 100, { characterSpacing: em(0.11), lineBreak: false });
    });
    expect(found).toEqual(['Zahlbetrag 235,62 EUR']);
  });

  it('boxes a word drawn in pieces from its first to its last glyph', async () => {
    let right = 0;
    const bytes = await buildPdf((doc) => {
      doc.font('Times-Roman').fontSize(size);
      right = pieces(
        doc,
        [
          ['Liefer', 0],
          ['ant', 0.111],
        ],
        100,
        100,
      );
      doc.text('GmbH Berlin', 300, 100, { lineBreak: false });
    });
    const words = textPage((await ingestBytes(bytes, opts)).pages[0]).words;
    expect(words.map((w) => w.text)).toEqual(['Lieferant', 'GmbH', 'Berlin']);
    const word = words[0];
    expect(word?.bbox[0]).toBeCloseTo(100 / A4[0], 2);
    expect(word?.bbox[2]).toBeCloseTo(right / A4[0], 2);
  });
});

describe('PDF page kinds', () => {
  it('gives a mixed PDF a text page and a raster page rendered at 300 DPI', async () => {
    const doc = await ingestBytes(await mixedPdf(), opts);
    expect(doc.mediaType).toBe('application/pdf');
    expect(doc.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(doc.pages.map((p) => p.kind)).toEqual(['text', 'raster']);
    expect(textPage(doc.pages[0]).words.map((w) => w.text)).toEqual([
      'Invoice',
      'number',
      '4711',
      'from',
      'Acme',
    ]);
    const raster = doc.pages[1];
    if (raster?.kind !== 'raster') throw new Error('page 2 should be a raster');
    expect(raster).toMatchObject({ number: 2, unit: 'pt' });
    expect(raster.raster.dpi).toBe(300);
    expect(raster.raster.width).toBe(Math.round((A4[0] * 300) / 72));
    expect(raster.raster.height).toBe(Math.round((A4[1] * 300) / 72));
    expect(raster.raster.data.length).toBe(raster.raster.width * raster.raster.height);
    // The embedded scan is drawn: some dark pixels, mostly white paper.
    const dark = raster.raster.data.filter((v) => v < 128).length;
    expect(dark).toBeGreaterThan(1000);
    expect(dark).toBeLessThan(raster.raster.data.length / 10);
  });

  it("ocr 'always' renders every page, ocr 'never' renders none", async () => {
    const bytes = await mixedPdf();
    const always = await ingestBytes(bytes, { ...opts, ocr: 'always', dpi: 100 });
    expect(always.pages.map((p) => p.kind)).toEqual(['raster', 'raster']);
    const never = await ingestBytes(bytes, { ...opts, ocr: 'never' });
    expect(never.pages.map((p) => p.kind)).toEqual(['text', 'text']);
    expect(textPage(never.pages[1]).words).toEqual([]);
  });

  it('OCRs a scan that only carries a short stamp in its text layer', async () => {
    const doc = await ingestBytes(await scanWithStampPdf(), opts);
    expect(doc.pages[0]?.kind).toBe('raster');
  });

  it('uses an invisible OCR text layer (render mode 3) over a scan', async () => {
    const { bytes, words: truth } = await ocrLayerPdf();
    const page = textPage((await ingestBytes(bytes, opts)).pages[0]);
    expect(page.words.length).toBe(truth.length);
    expect(Math.max(...match(page.words, truth).map((m) => m.error))).toBeLessThan(0.01);
  });

  it('renders at a lower DPI when the page would exceed the pixel limit', async () => {
    const doc = await openPdf(await multiPagePdf(1));
    try {
      const raster = await renderPdfPage(doc, 1, 300, 1_000_000);
      expect(raster.width * raster.height).toBeLessThanOrEqual(1_000_000);
      expect(raster.dpi).toBeLessThan(300);
      expect(raster.width).toBe(Math.round((A4[0] * raster.dpi) / 72));
      const text = await readPdfPageText(doc, 1);
      expect(text.words.map((w) => w.text).join(' ')).toBe('Page 1 of the invoice');
    } finally {
      await doc.close();
    }
  });
});

describe('PDF errors', () => {
  it('refuses a truncated PDF as corrupt (still detected as PDF)', async () => {
    const { bytes } = await goldenTextPdf();
    expect(await codeOf(ingestBytes(bytes.slice(0, bytes.length >> 1), opts))).toBe('INVEX_E_PDF_CORRUPT');
  });

  it('asks for the password of an encrypted PDF, opens it with the right one, refuses a wrong one', async () => {
    const bytes = await encryptedPdf('s3cret');
    const err = await ingestBytes(bytes, opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvexError);
    expect((err as InvexError).code).toBe('INVEX_E_PDF_ENCRYPTED');
    expect((err as InvexError).message).toMatch(/password-protected.*--password/);
    const doc = await ingestBytes(bytes, { ...opts, password: 's3cret' });
    expect(textPage(doc.pages[0]).words.map((w) => w.text)).toEqual([
      'Confidential',
      'invoice',
      '2024',
      'total',
    ]);
    expect(await codeOf(ingestBytes(bytes, { ...opts, password: 'wrong' }))).toBe('INVEX_E_PDF_BAD_PASSWORD');
  });

  it('refuses a PDF with zero pages', async () => {
    expect(await codeOf(ingestBytes(zeroPagePdf(), opts))).toBe('INVEX_E_NO_PAGES');
  });

  it('refuses a PDF with more pages than maxPages', async () => {
    const bytes = await multiPagePdf(3);
    expect(await codeOf(ingestBytes(bytes, { ...opts, maxPages: 2 }))).toBe('INVEX_E_TOO_MANY_PAGES');
    expect((await ingestBytes(bytes, { ...opts, maxPages: 3 })).pages).toHaveLength(3);
  });
});
