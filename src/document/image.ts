/**
 * Images (PNG, JPEG, TIFF, WebP) → upright 8-bit grayscale rasters with sharp, one per page (multi-page TIFF),
 * upscaled towards the OCR resolution when the image is low-resolution.
 */
import sharp, { type Metadata } from 'sharp';
import { InvexError } from '../errors.js';
import type { Raster } from '../types.js';

export interface ImageLimits {
  maxPages: number;
  maxImagePixels: number;
  /** The resolution OCR wants; low-resolution images are upscaled towards it. */
  targetDpi: number;
}

export async function readImagePages(bytes: Uint8Array, limits: ImageLimits): Promise<Raster[]> {
  const meta = await readMetadata(bytes);
  const pages = meta.format === 'tiff' ? (meta.pages ?? 1) : 1; // animated WebP frames are not pages
  if (pages > limits.maxPages) {
    throw new InvexError(
      'INVEX_E_TOO_MANY_PAGES',
      `the image has ${pages} pages; the limit is ${limits.maxPages}`,
    );
  }
  const rasters: Raster[] = [];
  for (let page = 0; page < pages; page++) {
    const pageMeta = pages > 1 ? await readMetadata(bytes, page) : meta;
    rasters.push(await decodePage(bytes, page, pageMeta, limits));
  }
  return rasters;
}

async function readMetadata(bytes: Uint8Array, page?: number): Promise<Metadata> {
  try {
    return await sharp(bytes, page === undefined ? {} : { page }).metadata();
  } catch (err) {
    throw decodeError(err);
  }
}

async function decodePage(
  bytes: Uint8Array,
  page: number,
  meta: Metadata,
  limits: ImageLimits,
): Promise<Raster> {
  const { width, height } = orientedSize(meta);
  if (width * height > limits.maxImagePixels) {
    throw new InvexError(
      'INVEX_E_IMAGE_TOO_LARGE',
      `the image is ${width}×${height} = ${width * height} pixels; the limit is ${limits.maxImagePixels}`,
    );
  }
  const source = sourceDpi(meta.density, width, height);
  const scale = Math.min(
    upscaleFactor(source, limits.targetDpi),
    Math.max(1, MAX_UPSCALED_LONG_SIDE / Math.max(width, height)),
    Math.sqrt(limits.maxImagePixels / (width * height)),
  );
  const outWidth = Math.max(1, Math.round(width * scale));
  const outHeight = Math.max(1, Math.round(height * scale));
  try {
    // failOn 'error': refuse undecodable data, not the warnings libjpeg/libpng print for harmless quirks.
    let pipeline = sharp(bytes, { page, limitInputPixels: limits.maxImagePixels, failOn: 'error' })
      .rotate()
      .flatten({ background: '#ffffff' })
      .grayscale();
    if (outWidth !== width || outHeight !== height)
      pipeline = pipeline.resize(outWidth, outHeight, { fit: 'fill' });
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return {
      data: firstChannel(data, info.channels),
      width: info.width,
      height: info.height,
      dpi: Math.round(source * scale),
    };
  } catch (err) {
    throw decodeError(err);
  }
}

/** Width and height once EXIF orientation is applied (orientations 5–8 turn the image a quarter). */
function orientedSize(meta: Metadata): { width: number; height: number } {
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (w <= 0 || h <= 0) throw new InvexError('INVEX_E_IMAGE_CORRUPT', 'the image has no dimensions');
  return (meta.orientation ?? 1) >= 5 ? { width: h, height: w } : { width: w, height: h };
}

// Densities outside this range are not a scan's resolution; 72 and 96 are software defaults, not measurements.
const MIN_PLAUSIBLE_DPI = 100;
const MAX_PLAUSIBLE_DPI = 1200;
const DEFAULT_DENSITIES = new Set([72, 96]);
// Page-like images (long/short ≤ this) are taken as A4/Letter pages, longer ones as till receipts.
const PAGE_ASPECT = 1.6;
// A4 is 11.69 in and Letter 11 in long; 80 mm till rolls are about 3.15 in wide.
const PAGE_LONG_SIDE_IN = 11;
const RECEIPT_WIDTH_IN = 3.15;

/** The image's resolution: its density metadata when plausible, else inferred from its size and shape. */
export function sourceDpi(density: number | undefined, width: number, height: number): number {
  if (
    density &&
    density >= MIN_PLAUSIBLE_DPI &&
    density <= MAX_PLAUSIBLE_DPI &&
    !DEFAULT_DENSITIES.has(density)
  ) {
    return density;
  }
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  return long / short <= PAGE_ASPECT ? long / PAGE_LONG_SIDE_IN : short / RECEIPT_WIDTH_IN;
}

// Images at ≥ 75% of the target resolution are left alone; upscaling is capped at 3× (beyond that it only
// magnifies blur, and tesseract's accuracy gains flatten out).
const UPSCALE_BELOW = 0.75;
const MAX_UPSCALE = 3;

// Upscaling never makes the long side longer than this (A4 at about 360 DPI), whatever the density claims.
const MAX_UPSCALED_LONG_SIDE = 4200;

export function upscaleFactor(sourceDpi: number, targetDpi: number): number {
  if (sourceDpi >= UPSCALE_BELOW * targetDpi) return 1;
  return Math.min(MAX_UPSCALE, targetDpi / sourceDpi);
}

/** sharp gives one channel after flatten + grayscale; keep only the first if a format ever yields more. */
function firstChannel(data: Buffer, channels: number): Buffer {
  if (channels === 1) return data;
  const out = Buffer.allocUnsafe(data.length / channels);
  for (let i = 0; i < out.length; i++) out[i] = data[i * channels] as number;
  return out;
}

function decodeError(err: unknown): InvexError {
  if (err instanceof InvexError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) {
    return new InvexError('INVEX_E_IMAGE_TOO_LARGE', `the image is larger than the pixel limit: ${message}`, {
      cause: err,
    });
  }
  return new InvexError('INVEX_E_IMAGE_CORRUPT', `the image cannot be decoded: ${message}`, { cause: err });
}
