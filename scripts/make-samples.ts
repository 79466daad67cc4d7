/**
 * Writes the bundled samples (`npm run samples`): invoices the project generates itself with the
 * synthetic generator, fixed seeds, so the files and their golden outputs are reproducible.
 *   samples/invoice-digital.pdf   one-page PDF with a text layer
 *   samples/invoice-2-pages.pdf   two-page PDF, totals on the last page
 *   samples/invoice-scanned.png   a page rendered at 200 DPI, skewed, noisy, JPEG-degraded (OCR route)
 */
import { writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { type GeneratedDoc, type GenerateOptions, generateDocument } from '../src/corpus/synth/generate.js';
import { Rng } from '../src/corpus/synth/rng.js';
import { degradePage } from '../src/corpus/synth/scan.js';

const out = (name: string) => new URL(`../samples/${name}`, import.meta.url);

/** The first document of a seed that matches `accept` (the generator picks families and sizes itself). */
async function first(
  seed: number,
  opts: GenerateOptions,
  accept: (d: GeneratedDoc) => boolean,
): Promise<GeneratedDoc> {
  for (let i = 0; i < 200; i++) {
    const d = await generateDocument(seed, i, opts);
    if (accept(d) && d.overflows.length === 0) return d;
  }
  throw new Error(`no document of seed ${seed} matches`);
}

const digital = await first(
  101,
  { families: ['classic'], locales: ['en-GB'] },
  (d) => d.pageSizes.length === 1 && d.invoice.items.length >= 3,
);
writeFileSync(out('invoice-digital.pdf'), digital.pdf);

const twoPages = await first(
  102,
  { families: ['multipage'], locales: ['de-DE'] },
  (d) => d.pageSizes.length === 2,
);
writeFileSync(out('invoice-2-pages.pdf'), twoPages.pdf);

const scanned = await first(
  103,
  { families: ['din5008'], locales: ['de-DE'] },
  (d) => d.pageSizes.length === 1,
);
const page = await degradePage(
  scanned.pdf,
  scanned.pageSizes[0] as [number, number],
  {
    dpi: 200,
    angle: 1.2,
    quarter: 0,
    blur: 0.5,
    noise: 2,
    jpegQuality: 70,
    black: 30,
    white: 235,
    lighting: 0.12,
    lightAngle: 0.8,
  },
  new Rng(103),
);
const png = await sharp(page.raster.data, {
  raw: { width: page.raster.width, height: page.raster.height, channels: 1 },
})
  .withMetadata({ density: 200 })
  .png({ compressionLevel: 9, palette: true, colours: 16, dither: 0 })
  .toBuffer();
writeFileSync(out('invoice-scanned.png'), png);

console.log(
  `samples: invoice-digital.pdf (${digital.family}, ${digital.locale}), invoice-2-pages.pdf (${twoPages.family}, ${twoPages.locale}), invoice-scanned.png (${scanned.family}, ${scanned.locale}, ${page.raster.width}×${page.raster.height})`,
);
