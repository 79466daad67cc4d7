/**
 * Front-end benchmark (`npm run bench:front [-- --pages N --ocr-pages M]`). Prints ratios against
 * references measured in the same run, on the same pages:
 *   1. pdfjs word extraction vs `pdftotext -bbox-layout` (poppler-utils)   target ≤ 2.0× its time per page
 *   2. tesseract.js pages/s (default workers) vs native `tesseract`, same traineddata and languages
 *      (INVEX_OCR_LANG), same parallelism
 *                                                                       target ≥ 1.0×
 *   3. peak RSS, and RSS growth from warm-up to the end of a long OCR run target ≤ 10%
 * A reference whose tool is missing is skipped with a message. Ends with a BENCH_RESULT line (bench/result.ts).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { config } from '../src/config.js';
import { defaultIngestOptions, ingestBytes } from '../src/document/ingest.js';
import { ocrRaster } from '../src/ocr/ocr.js';
import { closeOcr, resolveLanguageData } from '../src/ocr/tesseract.js';
import type { Raster } from '../src/types.js';
import { makeDensePdf } from './fixtures.js';
import { type BenchRow, emitResult, meets } from './result.js';

const run = promisify(execFile);
const { values } = parseArgs({
  options: { pages: { type: 'string', default: '20' }, 'ocr-pages': { type: 'string', default: '200' } },
});
const textPages = Number(values.pages);
const ocrPages = Number(values['ocr-pages']);
const workers = config().ocrWorkers;
/** The OCR languages invex reads with by default (INVEX_OCR_LANG), on both sides of the comparison. */
const LANG = config().ocrLang;
const dir = mkdtempSync(join(tmpdir(), 'invex-bench-'));

function have(tool: string): boolean {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const ratio = (x: number) => `${x.toFixed(2)}×`;
const rows: BenchRow[] = [];
/** Records a measure for the summary; reference undefined when its tool is missing. */
function record(measure: string, ours: number, reference: number | undefined, unit: string, target: string) {
  const r = reference === undefined ? null : ours / reference;
  rows.push({
    measure,
    ours,
    ...(reference !== undefined ? { reference } : {}),
    unit,
    ratio: r,
    target,
    met: r === null ? null : meets(r, target),
    ...(reference === undefined ? { note: 'reference tool not installed' } : {}),
  });
}
const line = (name: string, ours: string, ref: string, r: string, target: string) =>
  console.log(`${name.padEnd(34)} ${ours.padStart(14)} ${ref.padStart(14)} ${r.padStart(8)}   ${target}`);

async function benchText(pdf: Uint8Array, pages: number) {
  const file = join(dir, 'dense.pdf');
  writeFileSync(file, pdf);
  const opts = { ...defaultIngestOptions(), ocr: 'never' as const };
  await ingestBytes(pdf, opts); // warm-up: module load, font data
  const reps = 5;
  let t0 = performance.now();
  for (let i = 0; i < reps; i++) await ingestBytes(pdf, opts);
  const ours = (performance.now() - t0) / reps / pages;
  if (!have('pdftotext')) {
    line(
      'text layer ms/page',
      ours.toFixed(2),
      'skipped',
      '-',
      'pdftotext not installed (apt-get install poppler-utils)',
    );
    record('text layer per page vs pdftotext', ours, undefined, 'ms', '≤ 2.00');
    return;
  }
  await run('pdftotext', ['-bbox-layout', file, join(dir, 'out.html')]);
  t0 = performance.now();
  for (let i = 0; i < reps; i++) await run('pdftotext', ['-bbox-layout', file, join(dir, 'out.html')]);
  const ref = (performance.now() - t0) / reps / pages;
  line(
    'text layer ms/page (vs pdftotext)',
    ours.toFixed(2),
    ref.toFixed(2),
    ratio(ours / ref),
    'target ≤ 2.00×',
  );
  record('text layer per page vs pdftotext', ours, ref, 'ms', '≤ 2.00');
}

async function rasters(pdf: Uint8Array): Promise<Raster[]> {
  const doc = await ingestBytes(pdf, { ...defaultIngestOptions(), ocr: 'always' });
  return doc.pages.flatMap((p) => (p.kind === 'raster' ? [p.raster] : []));
}

function nativeTessdata(langs: string): string {
  // The very traineddata tesseract.js reads (invex's own model, else the npm package's), unpacked.
  const { files } = resolveLanguageData(langs, config().tessdataDir, config().ocrTuned);
  const out = join(dir, 'tessdata');
  execFileSync('mkdir', ['-p', out]);
  for (const [lang, file] of Object.entries(files)) {
    const data = readFileSync(file);
    writeFileSync(join(out, `${lang}.traineddata`), file.endsWith('.gz') ? gunzipSync(data) : data);
  }
  return out;
}

async function benchOcr(pages: Raster[]) {
  const sample = pages.slice(0, Math.min(pages.length, 8));
  await ocrRaster(sample[0] as Raster, { lang: LANG }); // warm-up: workers and language data
  let t0 = performance.now();
  await Promise.all(sample.map((r) => ocrRaster(r, { lang: LANG })));
  const oursPps = sample.length / ((performance.now() - t0) / 1000);
  if (!have('tesseract')) {
    line(
      'OCR pages/s',
      oursPps.toFixed(3),
      'skipped',
      '-',
      'tesseract not installed (apt-get install tesseract-ocr)',
    );
    record('OCR pages/s vs native tesseract', oursPps, undefined, 'pages/s', '≥ 1.00');
    return;
  }
  const tessdata = nativeTessdata(LANG);
  const files = sample.map((r, i) => {
    const f = join(dir, `p${i}.pgm`);
    writeFileSync(f, Buffer.concat([Buffer.from(`P5\n${r.width} ${r.height}\n255\n`), r.data]));
    return f;
  });
  const env = { ...process.env, OMP_THREAD_LIMIT: '1' };
  const native = (f: string) =>
    run('tesseract', [f, '-', '--tessdata-dir', tessdata, '-l', LANG, '--psm', '3', '--dpi', '300', 'tsv'], {
      env,
      maxBuffer: 64 << 20,
    });
  t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < files.length) await native(files[next++] as string);
    }),
  );
  const refPps = sample.length / ((performance.now() - t0) / 1000);
  line(
    `OCR pages/s (${workers} workers vs ${workers} procs)`,
    oursPps.toFixed(3),
    refPps.toFixed(3),
    ratio(oursPps / refPps),
    'target ≥ 1.00×',
  );
  record(`OCR pages/s vs native tesseract (${workers} workers)`, oursPps, refPps, 'pages/s', '≥ 1.00');
}

async function benchMemory(pages: Raster[], total: number) {
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  const warmup = Math.min(20, Math.floor(total / 4));
  let afterWarmup = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < total) {
        const i = next++;
        await ocrRaster(pages[i % pages.length] as Raster, { lang: LANG });
        if (i === warmup) afterWarmup = process.memoryUsage().rss;
      }
    }),
  );
  clearInterval(timer);
  const end = process.memoryUsage().rss;
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
  line(
    `RSS after ${total} OCR pages`,
    mb(end),
    mb(afterWarmup),
    ratio(end / afterWarmup),
    'target ≤ 1.10× (vs after warm-up)',
  );
  record(
    `RSS after ${total} OCR pages vs after warm-up`,
    end / 2 ** 20,
    afterWarmup / 2 ** 20,
    'MB',
    '≤ 1.10',
  );
  console.log(`peak RSS during the run: ${mb(peak)}`);
}

try {
  console.log(
    `invex front-end benchmark: ${textPages} text pages, ${ocrPages} OCR pages, ${workers} OCR workers`,
  );
  line('measure', 'invex', 'reference', 'ratio', '');
  const pdf = await makeDensePdf(textPages);
  await benchText(pdf, textPages);
  const pages = await rasters(await makeDensePdf(4));
  await benchOcr(pages);
  if (ocrPages > 0) await benchMemory(pages, ocrPages);
  emitResult('front', rows);
} finally {
  await closeOcr();
  rmSync(dir, { recursive: true, force: true });
}
