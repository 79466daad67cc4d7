import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assertValidKey,
  createLocalStore,
  documentKeys,
  getJson,
  putJson,
  SMALL_FILE_BYTES,
  type Store,
} from '../../../src/deliver/store.js';

const HEX = 'ab'.repeat(32);

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'invex-store-'));
  store = createLocalStore(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('local store', () => {
  it('puts and gets bytes and text; a missing key is undefined', async () => {
    await store.put('documents/x/original', new Uint8Array([0, 1, 255]));
    await store.put('documents/x/meta.json', '{"a":"é"}');
    expect(await store.get('documents/x/original')).toEqual(new Uint8Array([0, 1, 255]));
    expect(await store.getText('documents/x/meta.json')).toBe('{"a":"é"}');
    expect(await store.get('documents/x/nope')).toBeUndefined();
    expect(await store.getText('documents/y/meta.json')).toBeUndefined();
    // A folder is not a key.
    expect(await store.get('documents/x')).toBeUndefined();
  });

  it('overwrites atomically and leaves no temp files behind', async () => {
    const big = 'x'.repeat(1_000_000);
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.put('k/v.json', `${i}${big}`)));
    const text = await store.getText('k/v.json');
    expect(text?.length).toBe(1_000_001); // one whole write won, none interleaved
    expect(await readdir(join(dir, 'k'))).toEqual(['v.json']);
  });

  it('reads and writes small files (synchronous calls) and large ones (thread pool) alike', async () => {
    for (const size of [0, 1, SMALL_FILE_BYTES - 1, SMALL_FILE_BYTES, SMALL_FILE_BYTES + 1, 3_000_000]) {
      const bytes = new Uint8Array(size).map((_, i) => (i * 7 + size) % 251);
      await store.put(`sizes/f${size}`, bytes);
      expect(await store.get(`sizes/f${size}`)).toEqual(bytes);
    }
    const small = Array.from({ length: 8 }, (_, i) => `${i}${'y'.repeat(1000)}`);
    await Promise.all(small.map((v) => store.put('k/small.json', v)));
    expect(small).toContain(await store.getText('k/small.json'));
    expect(await readdir(join(dir, 'k'))).toEqual(['small.json']);
  });

  it('a write that died before its rename leaves the old value and an invisible temp file', async () => {
    await store.put('k/v.json', '{"old":true}');
    await writeFile(join(dir, 'k', '.deadbeef.tmp'), '{"half":'); // what a crash mid-put leaves
    expect(await store.getText('k/v.json')).toBe('{"old":true}');
    expect(await store.list('k/')).toEqual(['k/v.json']);
  });

  it('lists by prefix, sorted, without temp files', async () => {
    const k = documentKeys(`sha256:${HEX}`);
    await store.put(k.original, 'pdf');
    await store.put(k.page(2), 'p2');
    await store.put(k.page(1), 'p1');
    await store.put(k.result, '{}');
    await store.put(`documents/${'cd'.repeat(32)}/original`, 'other');
    expect(await store.list(k.prefix)).toEqual([
      `documents/${HEX}/original`,
      `documents/${HEX}/pages/1.png`,
      `documents/${HEX}/pages/2.png`,
      `documents/${HEX}/result.json`,
    ]);
    expect(await store.list(k.pagesPrefix)).toHaveLength(2);
    expect(await store.list('documents/ab')).toHaveLength(4); // partial last segment
    expect(await store.list('')).toHaveLength(5);
    expect(await store.list('nothing/here/')).toEqual([]);
  });

  it('deletes by prefix, counts, and prunes empty folders', async () => {
    const k = documentKeys(HEX);
    await store.put(k.original, 'pdf');
    await store.put(k.page(1), 'p1');
    await putJson(store, k.meta, { status: 'done' });
    await store.put('documents/keep/original', 'k');
    expect(await store.delete(k.prefix)).toBe(3);
    expect(await store.list(k.prefix)).toEqual([]);
    expect((await readdir(join(dir, 'documents'))).sort()).toEqual(['keep']);
    expect(await store.delete(k.prefix)).toBe(0);
    expect(await store.getText('documents/keep/original')).toBe('k');
    await expect(store.delete('')).rejects.toMatchObject({ code: 'INVEX_E_STORE_KEY_INVALID' });
  });

  it('creates missing folders on write, also after a delete pruned them', async () => {
    await store.put('a/b/c/d.json', '1');
    await store.put('a/b/c/e.json', '2'); // the folder exists now
    expect(await store.delete('a/b/')).toBe(2);
    await expect(readdir(join(dir, 'a', 'b'))).rejects.toMatchObject({ code: 'ENOENT' });
    await store.put('a/b/c/d.json', '3');
    expect(await store.getText('a/b/c/d.json')).toBe('3');
    // Writes racing a delete of their folder still land.
    await Promise.all([
      store.delete('a/'),
      ...Array.from({ length: 8 }, (_, i) => store.put(`a/b/x${i}.json`, String(i))),
    ]);
    for (let i = 0; i < 8; i++) {
      const text = await store.getText(`a/b/x${i}.json`);
      expect(text === undefined || text === String(i)).toBe(true);
    }
  });

  it('round-trips JSON, indented or compact', async () => {
    await putJson(store, 'a/b.json', { n: 1, s: ['x'] });
    expect(await getJson(store, 'a/b.json')).toEqual({ n: 1, s: ['x'] });
    expect(await store.getText('a/b.json')).toBe('{\n  "n": 1,\n  "s": [\n    "x"\n  ]\n}\n');
    await putJson(store, 'a/c.json', { n: 1, s: ['x'] }, { compact: true });
    expect(await store.getText('a/c.json')).toBe('{"n":1,"s":["x"]}\n');
    expect(await getJson(store, 'a/c.json')).toEqual({ n: 1, s: ['x'] });
    expect(await getJson(store, 'a/d.json')).toBeUndefined();
  });
});

describe('key validation', () => {
  it.each([
    '',
    '/etc/passwd',
    '../x',
    'a/../../x',
    'a/./b',
    'a//b',
    'a/',
    'a\\b',
    '.hidden',
    'a/.tmp',
    'a/b c',
    'a/\u0000',
    'C:/x',
    `a/${'x'.repeat(300)}`,
  ])('refuses %j', async (key) => {
    expect(() => assertValidKey(key)).toThrow(expect.objectContaining({ code: 'INVEX_E_STORE_KEY_INVALID' }));
    await expect(store.put(key, 'x')).rejects.toMatchObject({ code: 'INVEX_E_STORE_KEY_INVALID' });
    await expect(store.get(key)).rejects.toMatchObject({ code: 'INVEX_E_STORE_KEY_INVALID' });
  });

  it('refuses bad prefixes and bad document ids', async () => {
    await expect(store.list('../')).rejects.toMatchObject({ code: 'INVEX_E_STORE_KEY_INVALID' });
    await expect(store.delete('/')).rejects.toMatchObject({ code: 'INVEX_E_STORE_KEY_INVALID' });
    expect(() => documentKeys('sha256:../../etc')).toThrow(/document id/);
    expect(() => documentKeys(HEX).page(0)).toThrow(/1-based/);
  });

  it('accepts the documented layout', () => {
    const k = documentKeys(`sha256:${HEX}`);
    for (const key of [k.original, k.meta, k.page(12), k.result, k.deliveries]) assertValidKey(key);
    expect(k.deliveries).toBe(`documents/${HEX}/deliveries.json`);
  });
});
