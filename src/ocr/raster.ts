/** Grayscale raster helpers for OCR: validation, quarter-turn rotation and downscaling with sharp. */
import sharp, { type Sharp } from 'sharp';
import { InvexError } from '../errors.js';
import type { Raster, Rotation } from '../types.js';

/** Throws INVEX_E_IMAGE_CORRUPT unless the raster is a non-empty 8-bit gray buffer of width × height bytes. */
export function assertRaster(raster: Raster): void {
  const { width, height, dpi, data } = raster;
  const ok =
    Number.isInteger(width) &&
    Number.isInteger(height) &&
    width > 0 &&
    height > 0 &&
    Buffer.isBuffer(data) &&
    data.length === width * height &&
    Number.isFinite(dpi) &&
    dpi > 0;
  if (!ok) {
    throw new InvexError(
      'INVEX_E_IMAGE_CORRUPT',
      `invalid raster for OCR: ${width}×${height} px at ${dpi} DPI with ${data?.length ?? 0} bytes (want 1 byte per pixel)`,
    );
  }
}

function pipeline(raster: Raster): Sharp {
  return sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 1 } });
}

async function toRaster(img: Sharp, dpi: number): Promise<Raster> {
  // sharp turns a rotated/resized 1-channel image into sRGB unless told to stay gray.
  const { data, info } = await img.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1)
    throw new InvexError('INVEX_E_INTERNAL', `expected 1 channel, got ${info.channels}`);
  return { data, width: info.width, height: info.height, dpi };
}

/** Turns the raster clockwise by a quarter-turn multiple. */
export async function rotateRaster(raster: Raster, degrees: Rotation): Promise<Raster> {
  if (degrees === 0) return raster;
  return toRaster(pipeline(raster).rotate(degrees), raster.dpi);
}

/** Shrinks the raster so its long side is at most maxSide px, scaling dpi along with it. */
export async function downscaleRaster(raster: Raster, maxSide: number): Promise<Raster> {
  const scale = maxSide / Math.max(raster.width, raster.height);
  if (scale >= 1) return raster;
  const img = pipeline(raster).resize(maxSide, maxSide, { fit: 'inside', kernel: 'lanczos3' });
  return toRaster(img, Math.max(1, Math.round(raster.dpi * scale)));
}

/**
 * Stretches the raster's gray levels so that its darkest and lightest pixels (a few outliers aside) span 0..255:
 * faint print on gray paper gets the contrast tesseract's binarization needs.
 */
export async function stretchContrast(raster: Raster): Promise<Raster> {
  return toRaster(pipeline(raster).normalise(), raster.dpi);
}
