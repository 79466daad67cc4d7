/**
 * Webhooks: signed POSTs of a document's result to its callback URL, a URL policy against SSRF, the retry
 * policy, and the per-document delivery log. The queue runs each attempt as a job and schedules the next one
 * with nextRetryDelay(); this module sends one attempt and never sleeps. Documented in docs/webhooks.md.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { type ErrorCode, InvexError } from '../errors.js';
import { documentKeys, getJson, putJson, type Store } from './store.js';

export type WebhookEvent = 'document.done' | 'document.failed' | 'document.corrected';

export const SIGNATURE_HEADER = 'Invex-Signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;
export const DEFAULT_TIMEOUT_MS = 10_000;

// ---------------------------------------------------------------------------------------------------------
// Signatures: HMAC-SHA256 over `${t}.${body}`, header `t=<unix seconds>,v1=<hex>` (the Stripe scheme).

function hmacHex(secret: string, timestamp: number, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The Invex-Signature header value for `body` sent at `now` (ms since the epoch). */
export function signWebhook(secret: string, body: string | Uint8Array, now: number = Date.now()): string {
  if (secret === '') throw new InvexError('INVEX_E_CONFIG', 'webhook secret is empty');
  const t = Math.floor(now / 1000);
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
}

export type VerifyResult =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * Checks an Invex-Signature header against the raw request body. Any `v1=` entry may match (several are
 * sent while secrets rotate). Refuses timestamps more than `toleranceSeconds` away from `now` (replays).
 */
export function verifyWebhook(
  secret: string,
  header: string | undefined,
  body: string | Uint8Array,
  opts: { toleranceSeconds?: number; now?: number } = {},
): VerifyResult {
  const tolerance = opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = opts.now ?? Date.now();
  if (!header || secret === '') return { ok: false, reason: 'malformed' };
  let t: number | undefined;
  const sigs: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't' && /^\d{1,12}$/.test(v)) t = Number(v);
    else if (k === 'v1' && /^[0-9a-f]{64}$/i.test(v)) sigs.push(v.toLowerCase());
  }
  if (t === undefined || sigs.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(now / 1000 - t) > tolerance) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  const match = sigs.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  return match ? { ok: true, timestamp: t } : { ok: false, reason: 'mismatch' };
}

// ---------------------------------------------------------------------------------------------------------
// URL policy: http(s) only; every address the host resolves to must be public unicast, unless allow-listed.

export interface AllowList {
  hosts: ReadonlySet<string>;
  ranges: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][];
}

/** Compiles INVEX_WEBHOOK_ALLOW entries (host names, IP addresses, CIDR ranges). */
export function compileAllowList(entries: readonly string[]): AllowList {
  const hosts = new Set<string>();
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const raw of entries) {
    const e = raw
      .trim()
      .toLowerCase()
      .replace(/^\[(.*)\]$/, '$1');
    if (e === '') continue;
    if (ipaddr.isValidCIDR(e)) ranges.push(ipaddr.parseCIDR(e));
    else if (ipaddr.isValid(e)) {
      const a = ipaddr.process(e);
      ranges.push([a, a.kind() === 'ipv4' ? 32 : 128]);
    } else hosts.add(e.replace(/\.$/, ''));
  }
  return { hosts, ranges };
}

const EMPTY_ALLOW = compileAllowList([]);

function inRanges(addr: ipaddr.IPv4 | ipaddr.IPv6, allow: AllowList): boolean {
  return allow.ranges.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));
}

/**
 * Why an address may not be called back, or undefined when it may. IPv4-mapped IPv6 is judged as IPv4.
 * Only ipaddr.js's `unicast` range passes: private, loopback, link-local, unique-local, multicast,
 * unspecified, CGNAT, documentation and the v4-in-v6 tunnels (6to4, Teredo, NAT64) are all refused.
 */
export function addressRefusal(address: string, allow: AllowList = EMPTY_ALLOW): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const addr = ipaddr.process(address.replace(/%.*$/, '')); // drop an IPv6 zone id
  if (inRanges(addr, allow)) return undefined;
  const range = addr.range();
  return range === 'unicast' ? undefined : `${address} is ${range}`;
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

function refused(url: string, why: string): InvexError {
  return new InvexError('INVEX_E_CALLBACK_REFUSED', `callback URL ${redactUrl(url)} refused: ${why}`);
}

/** Checks what can be checked without DNS: syntax, scheme, credentials-free, literal IP addresses. */
function checkUrlShape(url: string, allow: AllowList): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw refused(url, 'not a valid URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw refused(url, `scheme ${u.protocol} is not http(s)`);
  const host = hostOf(u);
  if (host === '') throw refused(url, 'no host');
  if (!allow.hosts.has(host) && ipaddr.isValid(host)) {
    const why = addressRefusal(host, allow);
    if (why) throw refused(url, why);
  }
  return u;
}

async function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addrs) => (err ? reject(err) : resolve(addrs))),
  );
}

/**
 * Validates a callback URL now (e.g. at upload, to answer 400 early): http(s) only, and the host, or every
 * address it resolves to, allow-listed or public. Throws INVEX_E_CALLBACK_REFUSED. deliverWebhook checks
 * again at connect time, so a DNS answer that changes later (rebinding) cannot slip through.
 */
export async function checkCallbackUrl(
  url: string,
  opts: { allow?: readonly string[] | AllowList } = {},
): Promise<URL> {
  const allow = toAllowList(opts.allow);
  const u = checkUrlShape(url, allow);
  const host = hostOf(u);
  if (allow.hosts.has(host) || ipaddr.isValid(host)) return u;
  let addrs: LookupAddress[];
  try {
    addrs = await resolveAll(host);
  } catch (err) {
    throw refused(url, `host ${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  for (const a of addrs) {
    const why = addressRefusal(a.address, allow);
    if (why) throw refused(url, `${host} resolves to ${why}`);
  }
  return u;
}

function toAllowList(allow: readonly string[] | AllowList | undefined): AllowList {
  if (allow === undefined) return EMPTY_ALLOW;
  return 'hosts' in allow ? allow : compileAllowList(allow);
}

/** A socket lookup that applies the address policy to what DNS answers at connect time. */
function guardedLookup(allow: AllowList): LookupFunction {
  return (hostname, options, callback) => {
    const host = hostname.replace(/\.$/, '').toLowerCase();
    dnsLookup(hostname, { all: true, verbatim: true, family: options.family ?? 0 }, (err, addrs) => {
      if (err) return callback(err, '');
      if (!allow.hosts.has(host)) {
        for (const a of addrs) {
          const why = addressRefusal(a.address, allow);
          if (why) return callback(refused(`http://${hostname}/`, `${hostname} resolves to ${why}`), '');
        }
      }
      const first = addrs[0];
      if (first === undefined) {
        return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
      }
      if (options.all) callback(null, addrs);
      else callback(null, first.address, first.family);
    });
  };
}

/** The URL without user:password, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '';
      u.password = '';
    }
    return u.toString();
  } catch {
    return url.slice(0, 200);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Delivery: one attempt, never throws.

export interface DeliverOptions {
  url: string;
  event: WebhookEvent;
  /** The document id (`sha256:<hex>`). */
  id: string;
  /** Sent as `data`: the Invoice for document.done, `{ error: { code, message } }` for document.failed. */
  payload: unknown;
  secret: string;
  /** Reuse the same id for every attempt of one event, so receivers can drop duplicates. */
  deliveryId?: string;
  /** INVEX_WEBHOOK_ALLOW entries, or a compiled list. */
  allow?: readonly string[] | AllowList;
  timeoutMs?: number;
}

export interface DeliveryResult {
  /** The HTTP status, or 0 when no response came (refused, network error, timeout). */
  status: number;
  ok: boolean;
  /** Whether another attempt can help (network errors, timeouts, 408, 429, 5xx). */
  retryable: boolean;
  durationMs: number;
  deliveryId: string;
  error?: string;
  /** Set when the URL policy refused the call. */
  code?: ErrorCode;
  /** From a Retry-After header on 429 or 503. */
  retryAfterMs?: number;
}

/** Retry on 408, 429 and 5xx; other 4xx and 3xx (redirects are not followed) are permanent. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

const MAX_RESPONSE_BYTES = 64 * 1024;

function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The JSON body of a webhook. */
export function webhookBody(event: WebhookEvent, id: string, payload: unknown): string {
  return JSON.stringify({ event, id, data: payload });
}

/**
 * POSTs `{event, id, data}` to `url`, signed, with a timeout, without following redirects. Delivery failures
 * never throw: the result says whether it worked and whether a retry can help. Only an empty secret (a
 * configuration bug) throws, INVEX_E_CONFIG.
 */
export async function deliverWebhook(opts: DeliverOptions): Promise<DeliveryResult> {
  const deliveryId = opts.deliveryId ?? randomUUID();
  const t0 = performance.now();
  const done = (r: Omit<DeliveryResult, 'durationMs' | 'deliveryId'>): DeliveryResult => ({
    ...r,
    durationMs: Math.round(performance.now() - t0),
    deliveryId,
  });
  const allow = toAllowList(opts.allow);
  let u: URL;
  try {
    u = checkUrlShape(opts.url, allow);
  } catch (err) {
    const e = err as InvexError;
    return done({ status: 0, ok: false, retryable: false, error: e.message, code: e.code });
  }
  const body = Buffer.from(webhookBody(opts.event, opts.id, opts.payload));
  const headers = {
    'Content-Type': 'application/json',
    'Content-Length': String(body.length),
    'User-Agent': 'invex',
    'Invex-Event': opts.event,
    'Invex-Delivery': deliveryId,
    [SIGNATURE_HEADER]: signWebhook(opts.secret, body),
  };
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  const client = u.protocol === 'https:' ? https : http;
  return new Promise<DeliveryResult>((resolve) => {
    const req = client.request(
      u,
      // agent false: a fresh connection per attempt, so every attempt goes through guardedLookup.
      { method: 'POST', headers, lookup: guardedLookup(allow), signal, agent: false },
      (res) => {
        const status = res.statusCode ?? 0;
        let seen = 0;
        res.on('data', (chunk: Buffer) => {
          seen += chunk.length;
          if (seen > MAX_RESPONSE_BYTES) res.destroy(); // we only need the status
        });
        const finish = () => {
          const ok = status >= 200 && status <= 299;
          const r: Omit<DeliveryResult, 'durationMs' | 'deliveryId'> = {
            status,
            ok,
            retryable: !ok && isRetryableStatus(status),
          };
          if (!ok) {
            r.error =
              status >= 300 && status <= 399
                ? `redirect (${status}) not followed${res.headers.location ? ` to ${redactUrl(res.headers.location)}` : ''}`
                : `HTTP ${status}`;
          }
          const ra =
            status === 429 || status === 503
              ? parseRetryAfter(res.headers['retry-after'], Date.now())
              : undefined;
          if (ra !== undefined) r.retryAfterMs = ra;
          resolve(done(r));
        };
        res.on('end', finish);
        res.on('close', finish); // destroyed early, or the server hung up mid-body: the status stands
        res.on('error', () => {});
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof InvexError) {
        resolve(done({ status: 0, ok: false, retryable: false, error: err.message, code: err.code }));
      } else if (signal.aborted) {
        resolve(done({ status: 0, ok: false, retryable: true, error: `timeout after ${timeoutMs} ms` }));
      } else {
        const what = err.code ? `${err.code}: ${err.message}` : err.message;
        resolve(done({ status: 0, ok: false, retryable: true, error: what }));
      }
    });
    req.end(body);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Retry policy: exponential backoff with jitter, 30 s doubling to a 1 h cap, for 24 h after the first attempt.

export const RETRY_BASE_MS = 30_000;
export const RETRY_CAP_MS = 60 * 60_000;
export const RETRY_WINDOW_MS = 24 * 60 * 60_000;

/**
 * Milliseconds to wait before the next attempt, or undefined when the 24 h window is over.
 * `attempt` is how many attempts were made so far (1 after the first failure). Jitter is ±20 % so that
 * many failed deliveries do not retry in lockstep; a Retry-After (capped at 1 h) is a lower bound.
 */
export function nextRetryDelay(
  attempt: number,
  firstAttemptAt: number,
  now: number,
  opts: { retryAfterMs?: number; random?: () => number } = {},
): number | undefined {
  const left = firstAttemptAt + RETRY_WINDOW_MS - now;
  if (left <= 0) return undefined;
  const exp = Math.min(RETRY_BASE_MS * 2 ** Math.max(0, attempt - 1), RETRY_CAP_MS);
  const jittered = exp * (0.8 + 0.4 * (opts.random ?? Math.random)());
  const floor = Math.min(opts.retryAfterMs ?? 0, RETRY_CAP_MS);
  return Math.round(Math.min(Math.max(jittered, floor), RETRY_CAP_MS, left));
}

// ---------------------------------------------------------------------------------------------------------
// Delivery log: documents/<hex>/deliveries.json, an array of attempts, oldest first.

export interface DeliveryEntry {
  /** ISO 8601 time of the attempt. */
  time: string;
  url: string;
  event: WebhookEvent;
  deliveryId: string;
  attempt: number;
  status: number;
  ok: boolean;
  error?: string;
  durationMs: number;
  /** ISO time of the next attempt, when one is planned. */
  nextAttemptAt?: string;
}

const MAX_LOG_ENTRIES = 500;
const appending = new Map<string, Promise<unknown>>();

/**
 * Appends one attempt to a document's delivery log (read, append, atomic write). Appends in this process
 * are serialised per document; attempts for one document come from one job at a time, so this suffices.
 */
export async function appendDelivery(store: Store, docId: string, entry: DeliveryEntry): Promise<void> {
  const key = documentKeys(docId).deliveries;
  const previous = appending.get(key) ?? Promise.resolve();
  const next = previous
    .catch(() => {})
    .then(async () => {
      const log = (await getJson<DeliveryEntry[]>(store, key)) ?? [];
      log.push({ ...entry, url: redactUrl(entry.url) });
      await putJson(store, key, log.slice(-MAX_LOG_ENTRIES));
    });
  appending.set(key, next);
  try {
    await next;
  } finally {
    if (appending.get(key) === next) appending.delete(key);
  }
}

export async function readDeliveries(store: Store, docId: string): Promise<DeliveryEntry[]> {
  return (await getJson<DeliveryEntry[]>(store, documentKeys(docId).deliveries)) ?? [];
}

export interface AttemptOptions extends DeliverOptions {
  store: Store;
  /** 1 for the first attempt. */
  attempt: number;
  /** ms since the epoch of the first attempt of this event (the start of the 24 h window). */
  firstAttemptAt: number;
  now?: () => number;
}

/**
 * One queue job's worth of work: deliver, log the attempt, and say when to retry (undefined: do not).
 * Pass the same deliveryId and firstAttemptAt to every attempt of one event.
 */
export async function attemptDelivery(
  opts: AttemptOptions,
): Promise<{ result: DeliveryResult; entry: DeliveryEntry; retryInMs: number | undefined }> {
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const result = await deliverWebhook(opts);
  const retryInMs = result.retryable
    ? nextRetryDelay(
        opts.attempt,
        opts.firstAttemptAt,
        now(),
        result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {},
      )
    : undefined;
  const entry: DeliveryEntry = {
    time: new Date(startedAt).toISOString(),
    url: opts.url,
    event: opts.event,
    deliveryId: result.deliveryId,
    attempt: opts.attempt,
    status: result.status,
    ok: result.ok,
    durationMs: result.durationMs,
  };
  if (result.error !== undefined) entry.error = result.error;
  if (retryInMs !== undefined) entry.nextAttemptAt = new Date(now() + retryInMs).toISOString();
  await appendDelivery(opts.store, opts.id, entry);
  return { result, entry, retryInMs };
}
