import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyChecker, loadApiKeys, presentedKey } from '../../../src/api/auth.js';

const K1 = 'k1-0123456789abcdef';
const K2 = 'k2-0123456789abcdef';

describe('API keys', () => {
  it('reads keys from the variable and the file (comments and blank lines skipped)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'keys-')), 'keys');
    writeFileSync(file, `# ops team\n${K2}\n\n  ${K2}x  # old\n`);
    expect(loadApiKeys({ apiKeys: [K1], apiKeysFile: file })).toEqual([K1, K2, `${K2}x`]);
  });

  it('refuses short keys and unreadable files', () => {
    expect(() => loadApiKeys({ apiKeys: ['short'], apiKeysFile: undefined })).toThrow(/shorter than 16/);
    expect(() => loadApiKeys({ apiKeys: [], apiKeysFile: '/nonexistent/keys' })).toThrow(/cannot be read/);
  });

  it('takes the key from Bearer or from the Basic password', () => {
    expect(presentedKey(`Bearer ${K1}`)).toBe(K1);
    expect(presentedKey(`bearer  ${K1}`)).toBe(K1);
    expect(presentedKey(`Basic ${Buffer.from(`me:${K1}`).toString('base64')}`)).toBe(K1);
    expect(presentedKey(`Basic ${Buffer.from(K1).toString('base64')}`)).toBeUndefined();
    expect(presentedKey('Token abc')).toBeUndefined();
    expect(presentedKey(undefined)).toBeUndefined();
  });

  it('accepts exactly the configured keys', () => {
    const ok = keyChecker([K1, K2]);
    expect(ok(`Bearer ${K1}`)).toBe(true);
    expect(ok(`Bearer ${K2}`)).toBe(true);
    expect(ok(`Bearer ${K1.slice(0, -1)}`)).toBe(false);
    expect(ok(`Bearer ${K1}0`)).toBe(false);
    expect(ok('Bearer ')).toBe(false);
    expect(ok(undefined)).toBe(false);
    expect(keyChecker([])(`Bearer ${K1}`)).toBe(false);
  });
});
