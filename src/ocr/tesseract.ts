/**
 * The one module that imports tesseract.js. Resolves language data, keeps one worker pool per process and
 * setting (a tesseract.js scheduler, created lazily, recycled every N jobs), and turns a grayscale raster
 * into lines of words in pixel coordinates. DESIGN §4 lists the engine facts this follows.
 */
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker as Thread } from 'node:worker_threads';
import Tesseract from 'tesseract.js';
import { InvexError } from '../errors.js';
import type { Raster } from '../types.js';

/** Debian/Ubuntu package folders, newest first (`apt-get install tesseract-ocr-<lang>`). */
const SYSTEM_TESSDATA = [
  '/usr/share/tesseract-ocr/5/tessdata',
  '/usr/share/tesseract-ocr/4.00/tessdata',
  '/usr/share/tessdata',
];
/** The folder inside `@tesseract.js-data/<lang>` with the LSTM-only integer model (DESIGN §4). */
const NPM_MODEL_DIR = '4.0.0_best_int';
/**
 * invex's own models, tesseract's fine-tuned on receipt and invoice lines (training/ocr, models/ocr/README.md):
 * searched before the npm packages unless INVEX_OCR_TUNED=off. Next to the sources, not the working directory.
 */
export const TUNED_MODEL_DIR = fileURLToPath(new URL('../../models/ocr/', import.meta.url));
/** A worker that does not come up in this time is treated as failed (a bad traineddata never settles). */
const WORKER_START_TIMEOUT_MS = 60_000;

export interface EngineSettings {
  /** Languages joined by `+`, e.g. `eng+deu`. */
  lang: string;
  workers: number;
  /** Recycle (terminate and recreate) the workers after this many jobs. */
  recyclePages: number;
  tessdataDir?: string | undefined;
  /** Read with invex's fine-tuned model where there is one for the language (default true). */
  tuned?: boolean | undefined;
}

export interface EngineWord {
  text: string;
  /** Pixels in the image given, origin top-left. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Tesseract's 0..100. */
  confidence: number;
}

/** Lines in tesseract's reading order (blocks → paragraphs → lines), each with its words left to right. */
export type EngineLines = EngineWord[][];

export interface LanguageData {
  langs: string;
  langPath: string;
  gzip: boolean;
  /** Where each language's traineddata was found. */
  files: Record<string, string>;
}

const require = createRequire(import.meta.url);

function npmLanguageFile(lang: string): string | undefined {
  try {
    const pkg = require.resolve(`@tesseract.js-data/${lang}/package.json`);
    const file = join(dirname(pkg), NPM_MODEL_DIR, `${lang}.traineddata.gz`);
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

function tessdataFile(dir: string, lang: string): string | undefined {
  const file = resolve(dir, `${lang}.traineddata`);
  return existsSync(file) ? file : undefined;
}

/** Per-process folders of symlinks, for language sets that live in different folders. */
const linkDirs = new Map<string, string>();

function removeLinkDirs(): void {
  for (const dir of linkDirs.values()) rmSync(dir, { recursive: true, force: true });
  linkDirs.clear();
}

function tunedLanguageFile(lang: string): string | undefined {
  const file = join(TUNED_MODEL_DIR, `${lang}.traineddata.gz`);
  return existsSync(file) ? file : undefined;
}

/**
 * Finds every language's traineddata: INVEX_TESSDATA_DIR first (when set), then invex's fine-tuned model (unless
 * `tuned` is false), then the npm package `@tesseract.js-data/<lang>`, then the Debian tessdata folders. Throws
 * INVEX_E_OCR_LANGUAGE_MISSING before any worker exists, because tesseract.js never settles a worker whose language fails to load.
 */
export function resolveLanguageData(lang: string, tessdataDir?: string, tuned = true): LanguageData {
  const codes = lang.split('+');
  const bad = codes.filter((c) => !/^[A-Za-z0-9_]+$/.test(c));
  if (bad.length > 0 || codes.length === 0) {
    throw new InvexError(
      'INVEX_E_USAGE',
      `invalid OCR language "${lang}": use codes joined by +, e.g. eng+deu`,
    );
  }
  const files: Record<string, string> = {};
  const missing: string[] = [];
  for (const code of codes) {
    const file =
      (tessdataDir === undefined ? undefined : tessdataFile(tessdataDir, code)) ??
      (tuned ? tunedLanguageFile(code) : undefined) ??
      npmLanguageFile(code) ??
      SYSTEM_TESSDATA.map((d) => tessdataFile(d, code)).find((f) => f !== undefined);
    if (file === undefined) missing.push(code);
    else files[code] = file;
  }
  if (missing.length > 0) {
    const where = [tessdataDir, ...SYSTEM_TESSDATA].filter((d) => d !== undefined).join(', ');
    throw new InvexError(
      'INVEX_E_OCR_LANGUAGE_MISSING',
      `no traineddata for OCR language ${missing.join(', ')}: run \`npm install @tesseract.js-data/${missing[0]}\`, ` +
        `or install tesseract-ocr-${missing[0]} and set INVEX_TESSDATA_DIR (looked in node_modules, ${where})`,
    );
  }
  const paths = Object.values(files);
  const dirs = new Set(paths.map((f) => dirname(f)));
  const gzips = new Set(paths.map((f) => f.endsWith('.gz')));
  if (dirs.size === 1 && gzips.size === 1) {
    return { langs: lang, langPath: [...dirs][0] as string, gzip: [...gzips][0] as boolean, files };
  }
  // tesseract.js reads every language from one langPath; link them into one folder, named without .gz
  // (it detects gzip data by its magic bytes, so gzip: false reads both kinds).
  const key = JSON.stringify(files);
  let dir = linkDirs.get(key);
  if (dir === undefined) {
    dir = mkdtempSync(join(tmpdir(), 'invex-tessdata-'));
    for (const [code, file] of Object.entries(files)) symlinkSync(file, join(dir, `${code}.traineddata`));
    if (linkDirs.size === 0) process.once('exit', removeLinkDirs);
    linkDirs.set(key, dir);
  }
  return { langs: lang, langPath: dir, gzip: false, files };
}

/** Netpbm P5: raw 8-bit gray with a tiny header, so no PNG encode/decode per page (DESIGN §4). */
export function toPgm(raster: Raster): Buffer {
  return Buffer.concat([Buffer.from(`P5\n${raster.width} ${raster.height}\n255\n`, 'latin1'), raster.data]);
}

function engineError(err: unknown, what: string): InvexError {
  if (err instanceof InvexError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new InvexError('INVEX_E_OCR_FAILED', `${what}: ${detail}`, { cause: err });
}

async function startWorker(data: LanguageData): Promise<Tesseract.Worker> {
  let failStart: ((reason: unknown) => void) | undefined;
  const failed = new Promise<never>((_, reject) => {
    failStart = reject;
  });
  const timer = setTimeout(
    () => failStart?.(new Error(`worker did not start in ${WORKER_START_TIMEOUT_MS} ms`)),
    WORKER_START_TIMEOUT_MS,
  );
  try {
    const worker = await Promise.race([
      Tesseract.createWorker(data.langs, Tesseract.OEM.LSTM_ONLY, {
        langPath: data.langPath,
        gzip: data.gzip,
        // 'none': otherwise tesseract.js caches ./<lang>.traineddata in the working directory (DESIGN §4).
        cacheMethod: 'none',
        // Without an errorHandler tesseract.js throws from its message handler and kills the process;
        // job promises are rejected anyway, and a failure while starting rejects the start here.
        errorHandler: (e: unknown) => failStart?.(e),
      }),
      failed,
    ]);
    failStart = undefined;
    // AUTO (PSM 3): the default single-block mode drops big headings (DESIGN §4). debug_file: tesseract's
    // diagnostics ("Detected 129 diacritics") would otherwise land on the CLI's stderr for every page.
    await worker.setParameters({ tessedit_pageseg_mode: Tesseract.PSM.AUTO, debug_file: '/dev/null' });
    return worker;
  } catch (err) {
    throw engineError(err, `OCR worker for ${data.langs} failed to start`);
  } finally {
    clearTimeout(timer);
  }
}

interface TessWord {
  text: string;
  confidence: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
}

function linesOf(blocks: Tesseract.Block[] | null): EngineLines {
  const lines: EngineLines = [];
  // v7 has no data.words: walk blocks → paragraphs → lines → words.
  for (const block of blocks ?? []) {
    for (const para of block.paragraphs) {
      for (const line of para.lines) {
        const words: EngineWord[] = [];
        for (const w of line.words as TessWord[]) {
          words.push({ text: w.text, confidence: w.confidence, ...w.bbox });
        }
        lines.push(words);
      }
    }
  }
  return lines;
}

/** A scheduler and its workers, replaced wholesale every `recyclePages` jobs to bound wasm heap growth. */
class Pool {
  private scheduler: Tesseract.Scheduler | undefined;
  private workers: Tesseract.Worker[] = [];
  private starting: Promise<void> | undefined;
  private recycling: Promise<void> | undefined;
  private fail: ((err: InvexError) => void) | undefined;
  private failure: Promise<never> = new Promise<never>(() => undefined);
  private jobs = 0;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly settings: EngineSettings,
    private readonly data: LanguageData,
  ) {}

  async recognize(raster: Raster, layout: PageLayout, binarize: Binarization): Promise<EngineLines> {
    const scheduler = await this.acquire();
    this.inFlight++;
    if (this.inFlight === 1) for (const w of this.threads()) w.ref();
    try {
      const job = scheduler.addJob(
        'recognize',
        toPgm(raster),
        // Tesseract parameters passed per job are set for this job only and restored after it.
        // Tesseract warns outside 70..2400 DPI, which only tiny trial copies reach.
        {
          user_defined_dpi: String(Math.min(2400, Math.max(70, Math.round(raster.dpi)))),
          ...(layout === 'block' ? { tessedit_pageseg_mode: Tesseract.PSM.SINGLE_BLOCK } : {}),
          ...(binarize === 'otsu' ? {} : { thresholding_method: binarize === 'tiled' ? '1' : '2' }),
        } as Partial<Tesseract.RecognizeOptions>,
        { blocks: true, text: false },
      );
      // If a crashed worker fails the race first, a later rejection of this job must not go unhandled.
      job.catch(() => undefined);
      const { data } = await Promise.race([job, this.failure]);
      return linesOf(data.blocks);
    } catch (err) {
      // A failed job may leave the wasm instance in a bad state: start fresh workers for the next one.
      this.jobs = this.settings.recyclePages;
      throw engineError(err, 'OCR failed');
    } finally {
      this.inFlight--;
      this.jobs++;
      if (this.inFlight === 0) {
        for (const w of this.threads()) w.unref();
        for (const wake of this.idleWaiters.splice(0)) wake();
      }
      if (this.jobs >= this.settings.recyclePages && this.recycling === undefined && this.scheduler) {
        this.recycling = this.stopWorkers().finally(() => {
          this.recycling = undefined;
        });
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.starting?.catch(() => undefined);
    await this.recycling;
    await this.stopWorkers();
  }

  private async acquire(): Promise<Tesseract.Scheduler> {
    for (;;) {
      if (this.closed) throw new InvexError('INVEX_E_OCR_FAILED', 'OCR engine was closed');
      if (this.recycling) {
        await this.recycling;
        continue;
      }
      if (this.scheduler) return this.scheduler;
      this.starting ??= this.start().finally(() => {
        this.starting = undefined;
      });
      await this.starting;
    }
  }

  private async start(): Promise<void> {
    const settled = await Promise.allSettled(
      Array.from({ length: this.settings.workers }, () => startWorker(this.data)),
    );
    const workers = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw failed.reason;
    }
    const scheduler = Tesseract.createScheduler();
    this.failure = new Promise<never>((_, reject) => {
      this.fail = reject;
    });
    this.failure.catch(() => undefined);
    for (const w of workers) {
      scheduler.addWorker(w);
      // A worker thread that dies would leave its job pending forever: fail the in-flight jobs instead.
      const thread = (w as unknown as { worker: Thread }).worker;
      thread.on('error', (e) => this.fail?.(engineError(e, 'OCR worker crashed')));
      thread.on('exit', () => {
        if (this.workers.includes(w)) this.fail?.(new InvexError('INVEX_E_OCR_FAILED', 'OCR worker exited'));
      });
      // Idle workers must not keep the process alive; they are ref'd while jobs run.
      thread.unref();
    }
    this.workers = workers;
    this.scheduler = scheduler;
    this.jobs = 0;
  }

  private threads(): Thread[] {
    return this.workers.map((w) => (w as unknown as { worker: Thread }).worker);
  }

  private async stopWorkers(): Promise<void> {
    while (this.inFlight > 0) await new Promise<void>((wake) => this.idleWaiters.push(wake));
    const workers = this.workers;
    this.workers = [];
    this.scheduler = undefined;
    this.fail = undefined;
    // Scheduler.terminate() does not await its workers; terminate them directly.
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

const pools = new Map<string, Pool>();

function poolFor(settings: EngineSettings): Pool {
  const key = JSON.stringify([
    settings.lang,
    settings.workers,
    settings.recyclePages,
    settings.tessdataDir,
    settings.tuned,
  ]);
  let pool = pools.get(key);
  if (pool === undefined) {
    pool = new Pool(
      settings,
      resolveLanguageData(settings.lang, settings.tessdataDir, settings.tuned ?? true),
    );
    pools.set(key, pool);
  }
  return pool;
}

/**
 * How tesseract finds the text: 'auto' (PSM 3, the workers' setting) lays the page out in blocks; 'block'
 * (PSM 6) reads it as one block of lines, which keeps faint words that auto layout drops as noise.
 */
export type PageLayout = 'auto' | 'block';

/**
 * How tesseract turns the gray page into black and white before it looks for text: 'otsu' (its default) picks one
 * threshold for the whole page; 'tiled' one Otsu threshold per tile of the page (Leptonica's); 'sauvola' one per
 * neighbourhood. The last two keep text on a page whose lighting or paper tone varies (a photo with a dark
 * background, a faded thermal receipt).
 */
export type Binarization = 'otsu' | 'tiled' | 'sauvola';

/** OCRs one grayscale raster through the process-wide pool for these settings, laid out as `layout` says. */
export async function recognizeRaster(
  raster: Raster,
  settings: EngineSettings,
  layout: PageLayout = 'auto',
  binarize: Binarization = 'otsu',
): Promise<EngineLines> {
  return poolFor(settings).recognize(raster, layout, binarize);
}

/** Terminates every OCR worker; the next call starts new ones. Call on shutdown. */
export async function closeOcr(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.close()));
  removeLinkDirs();
}
