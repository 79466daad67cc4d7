/**
 * The only module that reads process.env. Parses everything with zod, reports every problem at
 * once, and freezes the result.
 */
import { availableParallelism } from 'node:os';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { InvexError } from './errors.js';

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
  INVEX_OCR_LANG: z
    .string()
    .regex(/^[a-z_]+(\+[a-z_]+)*$/, 'languages joined by +, e.g. eng+deu')
    .default('eng'),
  INVEX_TESSDATA_DIR: z.string().min(1).optional(),
  INVEX_DATA_DIR: z.string().min(1).default('.invex/data'),
  INVEX_CORPUS_DIR: z.string().min(1).default('corpus'),
  INVEX_MODEL_DIR: z.string().min(1).optional(),
  INVEX_NER_THREADS: int(1),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  // HMAC key for webhook signatures; 16+ characters so that it cannot be guessed.
  INVEX_WEBHOOK_SECRET: z.string().min(16).optional(),
  INVEX_WEBHOOK_URL: z.string().url().optional(),
  INVEX_WEBHOOK_ALLOW: allowList,
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
    dataDir: e.INVEX_DATA_DIR,
    corpusDir: e.INVEX_CORPUS_DIR,
    modelDir: e.INVEX_MODEL_DIR,
    nerThreads: e.INVEX_NER_THREADS,
    redisUrl: e.REDIS_URL,
    webhookSecret: e.INVEX_WEBHOOK_SECRET,
    webhookUrl: e.INVEX_WEBHOOK_URL,
    webhookAllow: Object.freeze(e.INVEX_WEBHOOK_ALLOW),
  });
}

let cached: Config | undefined;

/** The process configuration, parsed once from process.env. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
