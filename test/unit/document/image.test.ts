import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { sourceDpi, upscaleFactor } from '../../../src/document/image.js';
import { ingestBytes } from '../../../src/document/ingest.js';
import { InvexError } from '../../../src/errors.js';
import type { IngestedPage, Raster } from '../../../src/types.js';
import { textPng } from '../../fixtures/pdf.js';

const opts = { ocr: 'auto' as const, maxPages: 50, maxImagePixels: 100_000_000, dpi: 300 };

function rasters(pages: IngestedPage[]): Raster[] {
  return pages.map((p) => {
    if (p.kind !== 'raster') throw new Error(`page ${p.number} is not a raster`);
    expect(p.unit).toBe('px');
    expect([p.width, p.height]).toEqual([p.raster.width, p.raster.height]);
    expect(p.raster.data.length).toBe(p.raster.width * p.raster.height);
    return p.raster;
  });
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

/** A white A4 page at `dpi` with a black square in the top-left corner (to check orientation). */
function page(dpi: number): Sharp {
  const width = Math.round(8.27 * dpi);
  const height = Math.round(11.69 * dpi);
  const mark = Math.round(dpi / 2);
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite([
    {
      input: { create: { width: mark, height: mark, channels: 3, background: '#000000' } },
      left: 0,
      top: 0,
    },
  ]);
}

const at = (r: Raster, x: number, y: number) =>
  r.data[Math.floor(y * r.height) * r.width + Math.floor(x * r.width)];

describe('image ingest', () => {
  it('reads a PNG page as one grayscale raster', async () => {
    const doc = await ingestBytes(await page(300).png().toBuffer(), opts);
    expect(doc.mediaType).toBe('image/png');
    const [r] = rasters(doc.pages);
    expect(r).toMatchObject({ width: 2481, height: 3507 });
    expect(at(r as Raster, 0.01, 0.01)).toBe(0);
    expect(at(r as Raster, 0.5, 0.5)).toBe(255);
  });

  it('turns a JPEG with EXIF orientation 6 upright', async () => {
    // Stored landscape with the mark top-left; orientation 6 means "turn 90° clockwise to display".
    const stored = await sharp(await page(200).png().toBuffer())
      .rotate(-90)
      .jpeg()
      .toBuffer();
    const jpeg = await sharp(stored).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const meta = await sharp(jpeg).metadata();
    expect(meta.width).toBeGreaterThan(meta.height as number);
    const [r] = rasters((await ingestBytes(jpeg, opts)).pages) as [Raster];
    expect(r.height).toBeGreaterThan(r.width);
    // Stored rotated -90 then displayed +90: the mark is back at the top-left.
    expect(at(r, 0.01, 0.01)).toBeLessThan(40);
    expect(at(r, 0.99, 0.01)).toBeGreaterThan(215);
  });

  it('gives every page of a multi-page TIFF', async () => {
    const a = await textPng(['Page one of the scan'], { width: 1400 });
    const b = await sharp(a).negate({ alpha: false }).png().toBuffer();
    const tiff = await sharp([a, b], { join: { animated: true } })
      .tiff()
      .toBuffer();
    expect((await sharp(tiff).metadata()).pages).toBe(2);
    const doc = await ingestBytes(tiff, opts);
    expect(doc.mediaType).toBe('image/tiff');
    const [one, two] = rasters(doc.pages) as [Raster, Raster];
    expect(doc.pages.map((p) => p.number)).toEqual([1, 2]);
    expect(at(one, 0.99, 0.5)).toBe(255); // white paper
    expect(at(two, 0.99, 0.5)).toBe(0); // the negated page
  });

  it('reads WebP', async () => {
    const doc = await ingestBytes(await page(300).webp().toBuffer(), opts);
    expect(doc.mediaType).toBe('image/webp');
    expect(rasters(doc.pages)).toHaveLength(1);
  });

  it('upscales a low-resolution page towards 300 DPI, capped at 3×', async () => {
    const lowNoDensity = await page(75).png().toBuffer(); // 620 × 877, no usable density
    const [a] = rasters((await ingestBytes(lowNoDensity, opts)).pages) as [Raster];
    expect(a.width).toBe(620 * 3);
    expect(a.dpi).toBeLessThan(300);
    const withDensity = await page(150).withMetadata({ density: 150 }).png().toBuffer();
    const [b] = rasters((await ingestBytes(withDensity, opts)).pages) as [Raster];
    expect(b.dpi).toBe(300);
    expect(b.width).toBe(Math.round(8.27 * 150) * 2);
  });

  it('leaves a page already at scan resolution alone', async () => {
    const [r] = rasters((await ingestBytes(await page(300).jpeg().toBuffer(), opts)).pages) as [Raster];
    expect(r.width).toBe(2481);
    expect(r.dpi).toBeGreaterThanOrEqual(300);
  });

  it('refuses an image above the pixel limit, before decoding', async () => {
    const png = await page(75).png().toBuffer();
    const code = await codeOf(ingestBytes(png, { ...opts, maxImagePixels: 620 * 877 - 1 }));
    expect(code).toBe('INVEX_E_IMAGE_TOO_LARGE');
  });

  it('refuses a TIFF with more pages than maxPages', async () => {
    const a = await textPng(['x'], { width: 300 });
    const tiff = await sharp([a, a, a], { join: { animated: true } })
      .tiff()
      .toBuffer();
    expect(await codeOf(ingestBytes(tiff, { ...opts, maxPages: 2 }))).toBe('INVEX_E_TOO_MANY_PAGES');
  });

  it('refuses an undecodable image (PNG header, then garbage)', async () => {
    const png = await textPng(['x'], { width: 300 });
    const broken = Buffer.concat([png.subarray(0, 33), Buffer.alloc(400, 0x5a)]); // signature + IHDR
    expect(await codeOf(ingestBytes(broken, opts))).toBe('INVEX_E_IMAGE_CORRUPT');
  });

  it("gives an image under ocr 'never' as a page with no words", async () => {
    const doc = await ingestBytes(await page(75).png().toBuffer(), { ...opts, ocr: 'never' });
    expect(doc.pages).toMatchObject([{ kind: 'text', unit: 'pt', words: [] }]);
  });
});

describe('resolution inference', () => {
  it('trusts plausible density, ignores software defaults, infers from shape', () => {
    expect(sourceDpi(200, 1654, 2339)).toBe(200);
    expect(sourceDpi(72, 2550, 3300)).toBeCloseTo(300, 0); // Letter at 300 DPI
    expect(sourceDpi(undefined, 640, 2000)).toBeCloseTo(640 / 3.15, 3); // a till receipt
  });

  it('upscales only clearly low resolutions, at most 3×', () => {
    expect(upscaleFactor(300, 300)).toBe(1);
    expect(upscaleFactor(240, 300)).toBe(1);
    expect(upscaleFactor(150, 300)).toBe(2);
    expect(upscaleFactor(50, 300)).toBe(3);
  });
});
