/** Page images for review (GET /v1/documents/:id/pages/:n): rendered from the original, PNG, grayscale. */
import sharp from 'sharp';
import { readImagePages } from '../document/image.js';
import { openPdf, renderPdfPage } from '../document/pdf.js';
import { InvexError } from '../errors.js';
import type { Raster } from '../types.js';

/** 110 DPI: an A4 page at about 900 × 1290 px, readable on screen, ~150 KB as PNG. */
export const REVIEW_DPI = 110;
/** Scans keep their own resolution up to this long side (px). */
const MAX_SIDE = 1600;

export interface PageImageLimits {
  maxPages: number;
  maxImagePixels: number;
}

export async function renderPageImage(
  bytes: Uint8Array,
  mediaType: string,
  page: number,
  limits: PageImageLimits,
): Promise<Buffer> {
  let raster: Raster | undefined;
  if (mediaType === 'application/pdf') {
    const doc = await openPdf(bytes, { maxPages: limits.maxPages });
    try {
      if (page > doc.numPages) throw noPage(page, doc.numPages);
      raster = await renderPdfPage(doc, page, REVIEW_DPI, limits.maxImagePixels);
    } finally {
      await doc.close();
    }
  } else {
    const rasters = await readImagePages(bytes, {
      maxPages: limits.maxPages,
      maxImagePixels: limits.maxImagePixels,
      targetDpi: 0,
    });
    raster = rasters[page - 1];
    if (!raster) throw noPage(page, rasters.length);
  }
  return sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 1 } })
    .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
    .png()
    .toBuffer();
}

function noPage(page: number, pages: number): InvexError {
  return new InvexError('INVEX_E_NOT_FOUND', `page ${page} does not exist; the document has ${pages}`);
}
