/**
 * The one module that imports pdfjs-dist: open a PDF, read a page's text layer as words, measure how much of
 * a page images cover, and render a page to a grayscale raster. pdfjs runs in-process (its fake worker).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  PageViewport,
  PDFDocumentLoadingTask,
  PDFDocumentProxy,
  PDFPageProxy,
} from 'pdfjs-dist/legacy/build/pdf.mjs';
import { InvexError } from '../errors.js';
import type { Raster, Word } from '../types.js';
import { fontClassOf } from './glyph-widths.js';
import { assignLines, runsToWords, type TextRun, type ToPage, WORD_GAP_EM } from './text-layer.js';

// pdfjs's legacy build carries core-js polyfills that replace these builtins process-wide on Node 20 (no
// JSON.rawJSON, a push edge case) with JS versions: push 2x and JSON.stringify 17x slower. pdfjs needs neither
// fix, so the natives are captured before it loads (a dynamic import, so this runs first) and put back.
const NATIVE_BUILTINS = { push: Array.prototype.push, parse: JSON.parse, stringify: JSON.stringify };

function restoreNativeBuiltins(): void {
  Array.prototype.push = NATIVE_BUILTINS.push;
  JSON.parse = NATIVE_BUILTINS.parse;
  JSON.stringify = NATIVE_BUILTINS.stringify;
}

const { AnnotationMode, getDocument, OPS, VerbosityLevel } = await import('pdfjs-dist/legacy/build/pdf.mjs');
restoreNativeBuiltins();

const require = createRequire(import.meta.url);
const PDFJS_DIR = dirname(require.resolve('pdfjs-dist/package.json'));
// pdfjs wants these as directory paths ending in a separator; it reads them with fs in Node.
const assetDir = (name: string) => join(PDFJS_DIR, name) + sep;

export interface OpenPdfOptions {
  password?: string;
  /** Refuse documents with more pages than this (INVEX_E_TOO_MANY_PAGES). */
  maxPages?: number;
}

/** An open PDF. Call close() when done: it destroys pdfjs's document and worker. */
export class PdfDocument {
  constructor(
    private readonly task: PDFDocumentLoadingTask,
    readonly proxy: PDFDocumentProxy,
  ) {}

  get numPages(): number {
    return this.proxy.numPages;
  }

  async close(): Promise<void> {
    await this.task.destroy();
  }
}

/** Edits to pdfjs's in-process worker, each [exact source line, replacement]. */
const WORKER_PATCHES: readonly [string, string][] = [
  // pdfjs 5.x turns every glyph gap over 0.102 em into a space, a hard-coded factor (mozilla/pdf.js#18768), so
  // kerned or fake-bold text comes out as "Liefer ant": our word gap instead.
  ['const TRACKING_SPACE_FACTOR = 0.102;', `const TRACKING_SPACE_FACTOR = ${WORD_GAP_EM};`],
  ['const SPACE_IN_FLOW_MIN_FACTOR = 0.102;', `const SPACE_IN_FLOW_MIN_FACTOR = ${WORD_GAP_EM};`],
  // TextState.clone (every q operator) made the copied state the clone's prototype, so V8 built a new hidden
  // class per clone and getTextContent ran about 2x slower; the clone's own fields are the same either way.
  [
    'const clone = Object.assign(Object.create(this), this);',
    'const clone = Object.assign(Object.create(TextState.prototype), this);',
  ],
];

let workerInstalled: Promise<boolean> | undefined;

/**
 * Installs the patched pdfjs worker (once per process, before the first getDocument). Resolves false, leaving
 * pdfjs's own worker in use, when the source no longer has the expected lines or the copy cannot be written.
 */
export function installPdfWorker(): Promise<boolean> {
  workerInstalled ??= loadPatchedWorker().then(
    (handler) => {
      if (handler) (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = { WorkerMessageHandler: handler };
      return handler !== undefined;
    },
    () => false,
  );
  return workerInstalled;
}

async function loadPatchedWorker(): Promise<unknown> {
  let source = await readFile(join(PDFJS_DIR, 'legacy', 'build', 'pdf.worker.mjs'), 'utf8');
  for (const [from, to] of WORKER_PATCHES) {
    if (source.split(from).length !== 2) return undefined;
    source = source.replace(from, to);
  }
  // The copy has no source map beside it.
  source = source.replace(/^\/\/# sourceMappingURL=.*$/m, '');
  // A private directory (mode 0700), removed once the module is loaded: nobody else can swap the file. The
  // node_modules segment makes test runners (vitest) load it natively instead of transforming 2 MB of bundle.
  const dir = await mkdtemp(join(tmpdir(), 'invex-pdfjs-'));
  try {
    const file = join(dir, 'node_modules', 'pdf.worker.mjs');
    await mkdir(dirname(file));
    await writeFile(file, source);
    const mod = (await import(pathToFileURL(file).href)) as { WorkerMessageHandler?: unknown };
    restoreNativeBuiltins();
    return mod.WorkerMessageHandler;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function openPdf(bytes: Uint8Array, opts: OpenPdfOptions = {}): Promise<PdfDocument> {
  await installPdfWorker();
  const task = getDocument({
    // A copy: pdfjs transfers (detaches) the buffer it is given.
    data: new Uint8Array(bytes),
    ...(opts.password !== undefined ? { password: opts.password } : {}),
    standardFontDataUrl: assetDir('standard_fonts'),
    cMapUrl: assetDir('cmaps'),
    cMapPacked: true,
    wasmUrl: assetDir('wasm'),
    iccUrl: assetDir('iccs'),
    // Untrusted input: never compile a PDF's PostScript functions into JS with new Function().
    isEvalSupported: false,
    verbosity: VerbosityLevel.ERRORS,
  });
  let proxy: PDFDocumentProxy;
  try {
    proxy = await task.promise;
  } catch (err) {
    await task.destroy();
    throw openError(err, opts.password);
  } finally {
    // pdfjs's own worker, where the patched one could not be installed, brings the polyfills back.
    restoreNativeBuiltins();
  }
  const doc = new PdfDocument(task, proxy);
  const problem = pageCountProblem(proxy.numPages, opts.maxPages);
  if (problem) {
    await doc.close();
    throw problem;
  }
  return doc;
}

function pageCountProblem(numPages: number, maxPages: number | undefined): InvexError | undefined {
  if (numPages === 0) return new InvexError('INVEX_E_NO_PAGES', 'the PDF has no pages');
  if (maxPages !== undefined && numPages > maxPages) {
    return new InvexError(
      'INVEX_E_TOO_MANY_PAGES',
      `the PDF has ${numPages} pages; the limit is ${maxPages}`,
    );
  }
  return undefined;
}

/** pdfjs exceptions cross its worker boundary as plain objects with `name` and `code`. */
function openError(err: unknown, password: string | undefined): InvexError {
  const e = err as { name?: string; code?: number; message?: string };
  if (e?.name === 'PasswordException') {
    if (password === undefined && e.code === 1) {
      return new InvexError(
        'INVEX_E_PDF_ENCRYPTED',
        'the PDF is password-protected; pass its password with --password',
        { cause: err },
      );
    }
    return new InvexError('INVEX_E_PDF_BAD_PASSWORD', 'the PDF password is wrong', { cause: err });
  }
  return new InvexError(
    'INVEX_E_PDF_CORRUPT',
    `the PDF is damaged or truncated: ${e?.message ?? String(err)}`,
    {
      cause: err,
    },
  );
}

/** Runs fn on one page and releases the page's resources; pdfjs failures become INVEX_E_PDF_CORRUPT. */
async function withPage<T>(
  doc: PdfDocument,
  pageNumber: number,
  fn: (page: PDFPageProxy) => Promise<T>,
): Promise<T> {
  let page: PDFPageProxy | undefined;
  try {
    page = await doc.proxy.getPage(pageNumber);
    return await fn(page);
  } catch (err) {
    if (err instanceof InvexError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new InvexError('INVEX_E_PDF_CORRUPT', `page ${pageNumber} of the PDF cannot be read: ${message}`, {
      cause: err,
    });
  } finally {
    page?.cleanup();
  }
}

export interface PdfAttachment {
  /** The file name the PDF gives it. */
  name: string;
  content: Uint8Array;
}

/** The document's embedded files (the EmbeddedFiles name tree); none when it has none or they cannot be read. */
export async function pdfAttachments(doc: PdfDocument): Promise<PdfAttachment[]> {
  let all: Record<string, { filename?: string; rawFilename?: string; content?: Uint8Array }> | null;
  try {
    all = await doc.proxy.getAttachments();
  } catch {
    // A broken attachment tree must not cost the pages: the document is still read from them.
    return [];
  }
  return Object.entries(all ?? {}).flatMap(([key, a]) =>
    a.content ? [{ name: a.filename ?? a.rawFilename ?? key, content: a.content }] : [],
  );
}

/** Page size in points, as displayed (after /Rotate and the crop box). */
export function pdfPageSize(
  doc: PdfDocument,
  pageNumber: number,
): Promise<{ width: number; height: number }> {
  return withPage(doc, pageNumber, async (page) => {
    const { width, height } = page.getViewport({ scale: 1 });
    return { width, height };
  });
}

export interface PdfPageText {
  /** Page size in points, as displayed (after /Rotate and the crop box). */
  width: number;
  height: number;
  /** Words in reading order, boxes as fractions of the displayed page, confidence 1. */
  words: Word[];
}

export function readPdfPageText(doc: PdfDocument, pageNumber: number): Promise<PdfPageText> {
  return withPage(doc, pageNumber, async (page) => {
    const viewport = page.getViewport({ scale: 1 });
    const content = await page.getTextContent();
    const runs: TextRun[] = [];
    for (const item of content.items) {
      if (!('str' in item)) continue;
      const style = content.styles[item.fontName];
      runs.push({
        str: item.str,
        width: item.width,
        transform: item.transform as number[],
        fontClass: fontClassOf(style?.fontFamily),
        ...fontMetrics(style),
        eol: item.hasEOL,
      });
    }
    const words = assignLines(runsToWords(runs, toPageFractions(viewport)));
    return { width: viewport.width, height: viewport.height, words };
  });
}

// Typical Latin font ascent/descent (em fractions), for fonts pdfjs reports no metrics for.
const DEFAULT_ASCENT = 0.8;
const DEFAULT_DESCENT = -0.2;

function fontMetrics(style: { ascent: number; descent: number } | undefined): {
  ascent: number;
  descent: number;
} {
  const a = style?.ascent;
  const d = style?.descent;
  return {
    ascent: a !== undefined && Number.isFinite(a) && a > 0.3 && a < 1.5 ? a : DEFAULT_ASCENT,
    descent: d !== undefined && Number.isFinite(d) && d < -0.01 && d > -0.8 ? d : DEFAULT_DESCENT,
  };
}

/** viewport.convertToViewportPoint (same arithmetic, pdfjs's Util.applyTransform) without its array per call. */
function toPageFractions(viewport: PageViewport): ToPage {
  const [m0 = 1, m1 = 0, m2 = 0, m3 = 1, m4 = 0, m5 = 0] = viewport.transform;
  const { width, height } = viewport;
  return (x, y) => [(x * m0 + y * m2 + m4) / width, (x * m1 + y * m3 + m5) / height];
}

const IMAGE_OPS = new Set<number>([
  OPS.paintImageXObject,
  OPS.paintInlineImageXObject,
  OPS.paintImageMaskXObject,
]);

/**
 * Share of the page (0..1) that images cover, from the page's operator list: each image fills the unit square
 * under the current transform. Overlaps are counted twice, so the sum is capped at 1.
 */
export function pdfPageImageCoverage(doc: PdfDocument, pageNumber: number): Promise<number> {
  return withPage(doc, pageNumber, async (page) => {
    const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = page.view;
    const pageArea = Math.abs((x1 - x0) * (y1 - y0));
    if (pageArea === 0) return 0;
    const ops = await page.getOperatorList({ annotationMode: AnnotationMode.DISABLE });
    const area = imageArea(ops.fnArray, ops.argsArray);
    return Math.min(1, area / pageArea);
  });
}

type Matrix = [number, number, number, number, number, number];

function imageArea(fnArray: number[], argsArray: unknown[]): number {
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const stack: Matrix[] = [];
  let area = 0;
  fnArray.forEach((fn, i) => {
    const args = argsArray[i] as unknown[] | null;
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.transform && args) ctm = multiply(ctm, args as Matrix);
    else if (fn === OPS.paintFormXObjectBegin) {
      stack.push(ctm);
      if (Array.isArray(args?.[0])) ctm = multiply(ctm, args[0] as Matrix);
    } else if (fn === OPS.paintFormXObjectEnd) ctm = stack.pop() ?? ctm;
    else if (IMAGE_OPS.has(fn)) area += Math.abs(ctm[0] * ctm[3] - ctm[1] * ctm[2]);
  });
  return area;
}

/** m applied after the current transform (PDF `cm` semantics: new CTM = m × CTM). */
function multiply(ctm: Matrix, m: Matrix): Matrix {
  const [a, b, c, d, e, f] = ctm;
  const [ma, mb, mc, md, me, mf] = m;
  return [
    ma * a + mb * c,
    ma * b + mb * d,
    mc * a + md * c,
    mc * b + md * d,
    me * a + mf * c + e,
    me * b + mf * d + f,
  ];
}

interface CanvasAndContext {
  /** @napi-rs/canvas: data() is the raw RGBA buffer, 15× faster than getImageData for a 300 DPI page. */
  canvas: { data?: () => Uint8Array };
  context: { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}

/**
 * Renders a page at `dpi` to an 8-bit grayscale raster. Pages that would exceed `maxPixels` are rendered at
 * a lower DPI (recorded in the raster). The canvas comes from pdfjs's own factory, so it is the same
 * @napi-rs/canvas build pdfjs draws with (pdfjs-dist pins its own copy).
 */
export function renderPdfPage(
  doc: PdfDocument,
  pageNumber: number,
  dpi: number,
  maxPixels = Number.POSITIVE_INFINITY,
): Promise<Raster> {
  return withPage(doc, pageNumber, async (page) => {
    const base = page.getViewport({ scale: 1 });
    const effectiveDpi = fitDpi(base.width, base.height, dpi, maxPixels);
    const viewport = page.getViewport({ scale: effectiveDpi / 72 });
    const width = Math.max(1, Math.round(viewport.width));
    const height = Math.max(1, Math.round(viewport.height));
    const factory = doc.proxy.canvasFactory as {
      create(w: number, h: number): CanvasAndContext;
      destroy(c: CanvasAndContext): void;
    };
    const cc = factory.create(width, height);
    try {
      await page.render({
        canvas: cc.canvas as never,
        canvasContext: cc.context as never,
        viewport,
        background: 'rgb(255,255,255)',
        annotationMode: AnnotationMode.ENABLE,
      }).promise;
      const rgba = cc.canvas.data?.() ?? cc.context.getImageData(0, 0, width, height).data;
      return { data: rgbaToGray(rgba), width, height, dpi: effectiveDpi };
    } finally {
      factory.destroy(cc);
    }
  });
}

/** The largest DPI ≤ dpi at which a page of w×h points stays within maxPixels. */
export function fitDpi(widthPt: number, heightPt: number, dpi: number, maxPixels: number): number {
  const pixels = ((widthPt * dpi) / 72) * ((heightPt * dpi) / 72);
  if (pixels <= maxPixels) return dpi;
  return Math.max(1, Math.floor(dpi * Math.sqrt(maxPixels / pixels)));
}

/** ITU-R BT.601 luma in integer arithmetic (weights sum to 256, so white stays 255). */
function rgbaToGray(rgba: Uint8Array | Uint8ClampedArray): Buffer {
  const gray = Buffer.allocUnsafe(rgba.length / 4);
  for (let i = 0, j = 0; j < gray.length; i += 4, j++) {
    gray[j] = ((rgba[i] as number) * 77 + (rgba[i + 1] as number) * 150 + (rgba[i + 2] as number) * 29) >> 8;
  }
  return gray;
}
