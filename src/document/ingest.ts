/**
 * The ingest stage: bytes → IngestedDocument. Detects the type, then gives each page either its PDF text
 * layer as words or a grayscale raster for OCR, deciding page by page so mixed PDFs work.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { config } from '../config.js';
import { InvexError } from '../errors.js';
import type { IngestedDocument, IngestedPage } from '../types.js';
import { EINVOICE_FILES, type EmbeddedInvoice, MAX_XML_CHARS, parseEmbeddedInvoice } from './einvoice.js';
import { readImagePages } from './image.js';
import {
  openPdf,
  type PdfAttachment,
  type PdfDocument,
  pdfAttachments,
  pdfPageImageCoverage,
  pdfPageSize,
  readPdfPageText,
  renderPdfPage,
} from './pdf.js';
import { sniffMediaType } from './sniff.js';
import { layerStats, textLayerVerdict } from './text-layer.js';

export interface IngestOptions {
  /** auto: OCR only pages without a usable text layer; always: OCR every page; never: no rasters for PDFs. */
  ocr: 'auto' | 'always' | 'never';
  password?: string;
  maxPages: number;
  maxImagePixels: number;
  /** Resolution for rendering PDF pages and the target for upscaling low-resolution images. */
  dpi: number;
  /** Read the e-invoice XML a PDF carries (default true; INVEX_EMBEDDED=off turns it off). */
  embedded?: boolean;
}

export function defaultIngestOptions(): IngestOptions {
  const c = config();
  return {
    ocr: 'auto',
    maxPages: c.maxPages,
    maxImagePixels: c.maxImagePixels,
    dpi: c.ocrDpi,
    embedded: c.embedded,
  };
}

export async function ingestBytes(bytes: Uint8Array, opts: IngestOptions): Promise<IngestedDocument> {
  const mediaType = await sniffMediaType(bytes);
  const id = documentId(bytes);
  if (mediaType !== 'application/pdf') return { id, mediaType, pages: await ingestImage(bytes, opts) };
  const { pages, embedded } = await ingestPdf(bytes, opts);
  return embedded ? { id, mediaType, pages, embedded } : { id, mediaType, pages };
}

/** `sha256:<hex>` of the bytes: the same file always gets the same id. */
export function documentId(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function ingestPdf(
  bytes: Uint8Array,
  opts: IngestOptions,
): Promise<{ pages: IngestedPage[]; embedded?: EmbeddedInvoice }> {
  const doc = await openPdf(bytes, {
    maxPages: opts.maxPages,
    ...(opts.password !== undefined ? { password: opts.password } : {}),
  });
  try {
    const pages: IngestedPage[] = [];
    for (let n = 1; n <= doc.numPages; n++) pages.push(await ingestPdfPage(doc, n, opts));
    const embedded = opts.embedded === false ? undefined : embeddedInvoice(await pdfAttachments(doc));
    return embedded ? { pages, embedded } : { pages };
  } finally {
    await doc.close();
  }
}

/**
 * The first attachment that parses as an e-invoice, the format's own file names first. An attachment that is no
 * such invoice, or is broken XML, is passed over: the document is then read from its pages like any other.
 */
export function embeddedInvoice(attachments: readonly PdfAttachment[]): EmbeddedInvoice | undefined {
  const rank = (a: PdfAttachment) => {
    const i = EINVOICE_FILES.indexOf(a.name.toLowerCase());
    return i < 0 ? EINVOICE_FILES.length : i;
  };
  const xml = attachments
    .filter((a) => /\.xml$/i.test(a.name) && a.content.length <= MAX_XML_CHARS)
    .sort((a, b) => rank(a) - rank(b));
  for (const a of xml) {
    try {
      const inv = parseEmbeddedInvoice(new TextDecoder().decode(a.content), a.name);
      if (inv) return inv;
    } catch {
      // Not well-formed XML: try the next attachment.
    }
  }
  return undefined;
}

async function ingestPdfPage(doc: PdfDocument, n: number, opts: IngestOptions): Promise<IngestedPage> {
  if (opts.ocr === 'always') return rasterPage(doc, n, opts);
  const text = await readPdfPageText(doc, n);
  let verdict = textLayerVerdict(layerStats(text.words));
  if (verdict === 'check-images' && opts.ocr === 'auto') {
    verdict = textLayerVerdict(layerStats(text.words), await pdfPageImageCoverage(doc, n));
  }
  if (verdict === 'unusable' && opts.ocr === 'auto') return rasterPage(doc, n, opts);
  const words = verdict === 'unusable' ? [] : text.words;
  return { kind: 'text', number: n, width: text.width, height: text.height, unit: 'pt', words };
}

async function rasterPage(doc: PdfDocument, n: number, opts: IngestOptions): Promise<IngestedPage> {
  const { width, height } = await pdfPageSize(doc, n);
  const raster = await renderPdfPage(doc, n, opts.dpi, opts.maxImagePixels);
  return { kind: 'raster', number: n, width, height, unit: 'pt', raster };
}

async function ingestImage(bytes: Uint8Array, opts: IngestOptions): Promise<IngestedPage[]> {
  const rasters = await readImagePages(bytes, {
    maxPages: opts.maxPages,
    maxImagePixels: opts.maxImagePixels,
    targetDpi: opts.dpi,
  });
  return rasters.map((raster, i): IngestedPage => {
    const number = i + 1;
    // ocr 'never': an image has no text layer, so its pages carry no words (sized in points via the DPI).
    if (opts.ocr === 'never') {
      const toPt = 72 / raster.dpi;
      return {
        kind: 'text',
        number,
        width: raster.width * toPt,
        height: raster.height * toPt,
        unit: 'pt',
        words: [],
      };
    }
    return { kind: 'raster', number, width: raster.width, height: raster.height, unit: 'px', raster };
  });
}

/** Reads an input file, refusing what is not a readable regular file or is larger than maxBytes. */
export async function readInput(path: string, maxBytes: number): Promise<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const info = await handle.stat();
    if (!info.isFile()) throw new InvexError('INVEX_E_FILE_UNREADABLE', `${path} is not a regular file`);
    if (info.size > maxBytes) {
      throw new InvexError(
        'INVEX_E_FILE_TOO_LARGE',
        `${path} is ${info.size} bytes; the limit is ${maxBytes}`,
      );
    }
    return new Uint8Array(await handle.readFile());
  } catch (err) {
    throw inputError(err, path);
  } finally {
    await handle?.close();
  }
}

function inputError(err: unknown, path: string): InvexError {
  if (err instanceof InvexError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new InvexError('INVEX_E_FILE_NOT_FOUND', `${path} does not exist`, { cause: err });
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new InvexError('INVEX_E_FILE_UNREADABLE', `${path} cannot be read: ${reason}`, { cause: err });
}
