/**
 * The only module that reads process.env. Parses everything with zod, reports every problem at
 * once, and freezes the result.
 */
import { availableParallelism } from 'node:os';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { InvexError } from './errors.js';

/** OCR languages when INVEX_OCR_LANG is unset (see its entry below). */
export const DEFAULT_OCR_LANG = 'deu+eng';

const int = (def: number, min = 1) => z.coerce.number().int().min(min).default(def);

// A host name, an IP address or a CIDR range (webhook allow-list entries).
const HOST = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;
const allowList = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((e) => e.trim().toLowerCase())
      .filter((e) => e !== ''),
  )
  .refine((list) => list.every((e) => HOST.test(e) || ipaddr.isValid(e) || ipaddr.isValidCIDR(e)), {
    message: 'comma-separated host names, IP addresses or CIDR ranges',
  });

const schema = z.object({
  INVEX_MAX_PAGES: int(50),
  INVEX_MAX_FILE_BYTES: int(100 * 1024 * 1024),
  // sharp's own default is 268M pixels; 100M covers A0 at 300 DPI and stops decompression bombs.
  INVEX_MAX_IMAGE_PIXELS: int(100_000_000),
  INVEX_OCR_DPI: int(300, 72),
  INVEX_OCR_WORKERS: int(availableParallelism()),
  INVEX_OCR_RECYCLE_PAGES: int(100),
  // German's stock network beside invex's English one: tesseract reads each word with both and keeps the surer
  // reading, so umlauts and ß come out (the English network has none) and words one network garbles the other
  // often reads (docs/ocr.md "Languages": SROIE 0.772 → 0.788, synthetic scans 0.887 → 0.907, ~1.5x OCR time).
  INVEX_OCR_LANG: z
    .string()
    .regex(/^[a-z_]+(\+[a-z_]+)*$/, 'languages joined by +, e.g. eng+deu')
    .default(DEFAULT_OCR_LANG),
  INVEX_TESSDATA_DIR: z.string().min(1).optional(),
  // off: read with the stock tesseract model instead of invex's fine-tuned one (models/ocr).
  INVEX_OCR_TUNED: z.enum(['on', 'off']).default('on'),
  // off: ignore the e-invoice XML a PDF carries and read every PDF from its pages (src/document/einvoice.ts).
  INVEX_EMBEDDED: z.enum(['on', 'off']).default('on'),
  INVEX_DATA_DIR: z.string().min(1).default('.invex/data'),
  INVEX_CORPUS_DIR: z.string().min(1).default('corpus'),
  INVEX_MODEL_DIR: z.string().min(1).optional(),
  INVEX_NER_THREADS: int(1),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  // HMAC key for webhook signatures; 16+ characters so that it cannot be guessed.
  INVEX_WEBHOOK_SECRET: z.string().min(16).optional(),
  INVEX_WEBHOOK_URL: z.string().url().optional(),
  INVEX_WEBHOOK_ALLOW: allowList,
  // Queue (BullMQ): key prefix, retries and retention of finished jobs.
  INVEX_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.{}-]+$/, 'letters, digits, _ . - and {} (a Redis Cluster hash tag)')
    .default('invex'),
  INVEX_QUEUE_ATTEMPTS: int(3),
  INVEX_QUEUE_BACKOFF_MS: int(2000),
  INVEX_QUEUE_KEEP_COMPLETED: int(1000, 0),
  INVEX_QUEUE_KEEP_COMPLETED_AGE_S: int(24 * 3600),
  INVEX_QUEUE_KEEP_FAILED: int(10_000, 0),
  INVEX_QUEUE_KEEP_FAILED_AGE_S: int(7 * 24 * 3600),
  // Well above the slowest page (turned scan ≈ 6 s of OCR, docs/ocr.md); the lock is renewed every half of it.
  INVEX_LOCK_DURATION_MS: int(120_000, 1000),
  INVEX_STALLED_INTERVAL_MS: int(30_000, 500),
  INVEX_MAX_STALLED_COUNT: int(2, 0),
  INVEX_WORKER_CONCURRENCY: int(1),
  // HTTP API.
  INVEX_API_KEYS: z.string().optional(),
  INVEX_API_KEYS_FILE: z.string().min(1).optional(),
  INVEX_PORT: int(8080, 0),
  INVEX_HOST: z.string().min(1).default('127.0.0.1'),
  INVEX_MAX_UPLOAD_FILES: int(20),
});

export type Config = Readonly<{
  maxPages: number;
  maxFileBytes: number;
  maxImagePixels: number;
  ocrDpi: number;
  ocrWorkers: number;
  ocrRecyclePages: number;
  ocrLang: string;
  tessdataDir: string | undefined;
  /** Read with invex's fine-tuned OCR model where there is one (INVEX_OCR_TUNED). */
  ocrTuned: boolean;
  /** Take the values of an embedded e-invoice XML (INVEX_EMBEDDED). */
  embedded: boolean;
  dataDir: string;
  corpusDir: string;
  modelDir: string | undefined;
  nerThreads: number;
  redisUrl: string;
  webhookSecret: string | undefined;
  /** Default callback URL for documents uploaded without one. */
  webhookUrl: string | undefined;
  /** Hosts, IPs and CIDRs that webhooks may reach even though they are private or loopback. */
  webhookAllow: readonly string[];
  queuePrefix: string;
  queueAttempts: number;
  queueBackoffMs: number;
  keepCompleted: { count: number; age: number };
  keepFailed: { count: number; age: number };
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  workerConcurrency: number;
  /** Inline keys (INVEX_API_KEYS, comma-separated); the file's keys are read by the API at start. */
  apiKeys: readonly string[];
  apiKeysFile: string | undefined;
  port: number;
  host: string;
  maxUploadFiles: number;
}>;

/** Pure: parse an environment object. Throws INVEX_E_CONFIG listing every invalid variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = schema.safeParse(cleaned);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new InvexError('INVEX_E_CONFIG', `invalid configuration: ${problems}`);
  }
  const e = r.data;
  return Object.freeze({
    maxPages: e.INVEX_MAX_PAGES,
    maxFileBytes: e.INVEX_MAX_FILE_BYTES,
    maxImagePixels: e.INVEX_MAX_IMAGE_PIXELS,
    ocrDpi: e.INVEX_OCR_DPI,
    ocrWorkers: e.INVEX_OCR_WORKERS,
    ocrRecyclePages: e.INVEX_OCR_RECYCLE_PAGES,
    ocrLang: e.INVEX_OCR_LANG,
    tessdataDir: e.INVEX_TESSDATA_DIR,
    ocrTuned: e.INVEX_OCR_TUNED === 'on',
    embedded: e.INVEX_EMBEDDED === 'on',
    dataDir: e.INVEX_DATA_DIR,
    corpusDir: e.INVEX_CORPUS_DIR,
    modelDir: e.INVEX_MODEL_DIR,
    nerThreads: e.INVEX_NER_THREADS,
    redisUrl: e.REDIS_URL,
    webhookSecret: e.INVEX_WEBHOOK_SECRET,
    webhookUrl: e.INVEX_WEBHOOK_URL,
    webhookAllow: Object.freeze(e.INVEX_WEBHOOK_ALLOW),
    queuePrefix: e.INVEX_QUEUE_PREFIX,
    queueAttempts: e.INVEX_QUEUE_ATTEMPTS,
    queueBackoffMs: e.INVEX_QUEUE_BACKOFF_MS,
    keepCompleted: { count: e.INVEX_QUEUE_KEEP_COMPLETED, age: e.INVEX_QUEUE_KEEP_COMPLETED_AGE_S },
    keepFailed: { count: e.INVEX_QUEUE_KEEP_FAILED, age: e.INVEX_QUEUE_KEEP_FAILED_AGE_S },
    lockDurationMs: e.INVEX_LOCK_DURATION_MS,
    stalledIntervalMs: e.INVEX_STALLED_INTERVAL_MS,
    maxStalledCount: e.INVEX_MAX_STALLED_COUNT,
    workerConcurrency: e.INVEX_WORKER_CONCURRENCY,
    apiKeys: Object.freeze(
      (e.INVEX_API_KEYS ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter((k) => k !== ''),
    ),
    apiKeysFile: e.INVEX_API_KEYS_FILE,
    port: e.INVEX_PORT,
    host: e.INVEX_HOST,
    maxUploadFiles: e.INVEX_MAX_UPLOAD_FILES,
  });
}

let cached: Config | undefined;

/** The process configuration, parsed once from process.env. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
