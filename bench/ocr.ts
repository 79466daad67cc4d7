/**
 * OCR speed on the A4 300-DPI invoice fixture: seconds per page at 1 and 2 workers, and what the
 * orientation check costs on an upright and on a turned page. Run: node bin/run-ts.js bench/ocr.ts
 */
import { availableParallelism } from 'node:os';
import { ocrDocument, ocrRaster } from '../src/ocr/ocr.js';
import { rotateRaster } from '../src/ocr/raster.js';
import { closeOcr } from '../src/ocr/tesseract.js';
import type { IngestedDocument } from '../src/types.js';
import { buildInvoiceImage } from '../test/fixtures/invoice-image.js';

const PAGES = 4;
const { raster } = buildInvoiceImage();
const secs = (t0: number) => (performance.now() - t0) / 1000;

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(secs(t0));
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
}

console.log(
  `cores: ${availableParallelism()}, page: ${raster.width}×${raster.height} px at ${raster.dpi} DPI`,
);
for (const workers of [1, 2]) {
  const opts = { lang: 'eng', workers, recyclePages: 1000, detectRotation: false };
  let t0 = performance.now();
  await ocrRaster(raster, opts);
  const first = secs(t0);
  const doc: IngestedDocument = {
    id: 'sha256:bench',
    mediaType: 'image/png',
    pages: Array.from({ length: PAGES }, (_, i) => ({
      kind: 'raster' as const,
      number: i + 1,
      width: raster.width,
      height: raster.height,
      unit: 'px' as const,
      raster,
    })),
  };
  t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await ocrDocument(doc, opts);
  const perPage = secs(t0) / PAGES;
  // CPU time covers the worker threads too, and stays meaningful on a busy shared machine.
  const cpu = process.cpuUsage(cpu0);
  const cpuPerPage = (cpu.user + cpu.system) / 1e6 / PAGES;
  const single = await median(3, () => ocrRaster(raster, opts));
  console.log(
    `workers ${workers}: first page (incl. worker start) ${first.toFixed(2)} s, ` +
      `one page ${single.toFixed(2)} s, ${PAGES} pages in parallel ${perPage.toFixed(2)} s/page (CPU ${cpuPerPage.toFixed(2)} s/page)`,
  );
  await closeOcr();
}

const opts = { lang: 'eng', workers: 1, recyclePages: 1000 };
await ocrRaster(raster, opts);
const off = await median(3, () => ocrRaster(raster, { ...opts, detectRotation: false }));
const on = await median(3, () => ocrRaster(raster, opts));
const turned = await rotateRaster(raster, 90);
const sideways = await median(3, () => ocrRaster(turned, opts));
const r = await ocrRaster(turned, opts);
console.log(
  `1 worker: upright page ${off.toFixed(2)} s without the orientation check, ${on.toFixed(2)} s with it; ` +
    `page turned 90° ${sideways.toFixed(2)} s (rotation found: ${r.rotation})`,
);
await closeOcr();
