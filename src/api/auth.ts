/**
 * API keys: from INVEX_API_KEYS (comma-separated) and INVEX_API_KEYS_FILE (one per line, `#` comments).
 * A request carries one as `Authorization: Bearer <key>`, or as the password of HTTP Basic auth (so that
 * browsers can open /docs and /admin/queues). Keys are compared as SHA-256 digests with timingSafeEqual,
 * against every configured key, so neither the match nor the key length shows in the timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';
import { InvexError } from '../errors.js';

/** Shorter keys can be guessed; 16 characters of a random key is ~95 bits (base64). */
const MIN_KEY_LENGTH = 16;

export function loadApiKeys(c: Pick<Config, 'apiKeys' | 'apiKeysFile'>): string[] {
  const keys = [...c.apiKeys];
  if (c.apiKeysFile) {
    let text: string;
    try {
      text = readFileSync(c.apiKeysFile, 'utf8');
    } catch (err) {
      throw new InvexError(
        'INVEX_E_CONFIG',
        `INVEX_API_KEYS_FILE ${c.apiKeysFile} cannot be read: ${String(err)}`,
      );
    }
    for (const line of text.split('\n')) {
      const k = line.replace(/#.*/, '').trim();
      if (k) keys.push(k);
    }
  }
  const short = keys.filter((k) => k.length < MIN_KEY_LENGTH).length;
  if (short > 0) {
    throw new InvexError('INVEX_E_CONFIG', `${short} API key(s) shorter than ${MIN_KEY_LENGTH} characters`);
  }
  return keys;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The key a request presents, from Bearer or Basic credentials. */
export function presentedKey(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const [scheme, value] = authorization.trim().split(/\s+/, 2);
  if (!value) return undefined;
  if (scheme?.toLowerCase() === 'bearer') return value;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

export type KeyCheck = (authorization: string | undefined) => boolean;

export function keyChecker(keys: readonly string[]): KeyCheck {
  const digests = keys.map(digest);
  return (authorization) => {
    const key = presentedKey(authorization);
    if (key === undefined) return false;
    const d = digest(key);
    let ok = false;
    for (const k of digests) ok = timingSafeEqual(d, k) || ok; // no early exit
    return ok;
  };
}
