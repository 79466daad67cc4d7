/**
 * The result store: a small key → bytes interface, with a local-directory implementation (INVEX_DATA_DIR).
 * A deployment on several machines shares the directory (a volume) or swaps in an S3-compatible Store.
 *
 * Key layout, one folder per document (`<hex>` is the document's SHA-256, the id without `sha256:`):
 *   documents/<hex>/original          the uploaded bytes
 *   documents/<hex>/meta.json         upload metadata (file name, media type, callback URL, status...)
 *   documents/<hex>/pages/<n>.png     page images for review, n = 1..pages
 *   documents/<hex>/result.json       the output contract (Invoice) once done
 *   documents/<hex>/deliveries.json   the webhook delivery log (see webhook.ts)
 */
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rmdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InvexError } from '../errors.js';

export interface Store {
  /** Writes atomically: readers see the old value or the new one, never half of it. */
  put(key: string, data: Uint8Array | string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  getText(key: string): Promise<string | undefined>;
  /** Every key that starts with `prefix` (plain string prefix), sorted. */
  list(prefix: string): Promise<string[]>;
  /** Removes every key that starts with `prefix` (not empty); returns how many were removed. */
  delete(prefix: string): Promise<number>;
}

// Segments start with a letter or digit, so temp files (leading dot) can never collide with a key.
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
const MAX_KEY = 1024;

function refuse(key: string, why: string): never {
  throw new InvexError('INVEX_E_STORE_KEY_INVALID', `invalid store key ${JSON.stringify(key)}: ${why}`);
}

/** Throws INVEX_E_STORE_KEY_INVALID unless `key` is `seg/seg/...` with safe segments (no `..`, not absolute). */
export function assertValidKey(key: string): void {
  if (key.length === 0 || key.length > MAX_KEY) refuse(key, 'empty or too long');
  if (key.startsWith('/')) refuse(key, 'absolute');
  for (const seg of key.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') refuse(key, 'empty, . or .. segment');
    if (!SEGMENT.test(seg)) refuse(key, 'segments are [A-Za-z0-9._-] and start with a letter or digit');
  }
}

/** A prefix is a valid key, a valid key plus a trailing `/`, or a key whose last segment is cut short. */
function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  const body = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  assertValidKey(body);
}

/** Store keys of one document; `id` is `sha256:<hex>` or the bare hex. */
export function documentKeys(id: string) {
  const hex = id.startsWith('sha256:') ? id.slice(7) : id;
  if (!/^[0-9a-f]{64}$/.test(hex)) refuse(id, 'a document id is sha256:<64 lowercase hex>');
  const base = `documents/${hex}`;
  return {
    /** With the trailing slash: use it for list() and delete() so `documents/ab` never matches `documents/abc`. */
    prefix: `${base}/`,
    original: `${base}/original`,
    meta: `${base}/meta.json`,
    page: (n: number) => {
      if (!Number.isInteger(n) || n < 1)
        refuse(`${base}/pages/${n}.png`, 'page numbers are 1-based integers');
      return `${base}/pages/${n}.png`;
    },
    pagesPrefix: `${base}/pages/`,
    result: `${base}/result.json`,
    deliveries: `${base}/deliveries.json`,
  };
}

/** Indented for people who read the store; compact for files only the stages read (half the bytes). */
export async function putJson(
  store: Store,
  key: string,
  value: unknown,
  opts: { compact?: boolean } = {},
): Promise<void> {
  await store.put(key, `${opts.compact ? JSON.stringify(value) : JSON.stringify(value, null, 2)}\n`);
}

export async function getJson<T = unknown>(store: Store, key: string): Promise<T | undefined> {
  const text = await store.getText(key);
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/**
 * Opens a new temp file. The folder usually exists (a document's later writes), so it is created only when
 * the open says it is missing: one mkdir per folder instead of one per write. Creates it again once if a
 * concurrent delete pruned it in between.
 */
async function openFresh(tmp: string) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await open(tmp, 'wx');
    } catch (err) {
      if (attempt > 1 || (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await mkdir(dirname(tmp), { recursive: true });
  }
}

export function createLocalStore(dir: string): Store {
  const pathOf = (key: string) => {
    assertValidKey(key);
    return join(dir, ...key.split('/'));
  };

  async function get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(pathOf(key)));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async function walk(folder: string, keyPrefix: string, out: string[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue; // temp files of writes in progress
      const key = `${keyPrefix}${e.name}`;
      if (e.isDirectory()) await walk(join(folder, e.name), `${key}/`, out);
      else if (e.isFile()) out.push(key);
    }
  }

  async function list(prefix: string): Promise<string[]> {
    assertValidPrefix(prefix);
    // Walk only the deepest folder the prefix names in full, then filter on the rest.
    const cut = prefix.lastIndexOf('/');
    const folderKey = cut < 0 ? '' : prefix.slice(0, cut + 1);
    const out: string[] = [];
    await walk(join(dir, ...folderKey.split('/').filter(Boolean)), folderKey, out);
    return out.filter((k) => k.startsWith(prefix)).sort();
  }

  return {
    async put(key, data) {
      const path = pathOf(key);
      const tmp = join(dirname(path), `.${randomBytes(8).toString('hex')}.tmp`);
      const fh = await openFresh(tmp);
      try {
        await fh.writeFile(data);
        await fh.sync(); // the bytes are on disk before the rename makes them visible
      } catch (err) {
        await fh.close();
        await unlink(tmp).catch(() => {});
        throw err;
      }
      await fh.close();
      try {
        await rename(tmp, path);
      } catch (err) {
        await unlink(tmp).catch(() => {});
        throw err;
      }
    },
    get,
    async getText(key) {
      const bytes = await get(key);
      return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
    },
    list,
    async delete(prefix) {
      if (prefix === '') refuse(prefix, 'delete needs a non-empty prefix');
      const keys = await list(prefix);
      let removed = 0;
      for (const key of keys) {
        try {
          await unlink(pathOf(key));
          removed++;
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      // Prune folders left empty, deepest first, never the store root.
      const folders = new Set<string>();
      for (const key of keys) {
        const segs = key.split('/');
        for (let i = segs.length - 1; i > 0; i--) folders.add(segs.slice(0, i).join('/'));
      }
      for (const f of [...folders].sort((a, b) => b.length - a.length)) {
        await rmdir(join(dir, ...f.split('/'))).catch(() => {}); // fails while not empty: fine
      }
      return removed;
    },
  };
}
