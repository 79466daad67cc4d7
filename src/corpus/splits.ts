/**
 * Train/dev splits of the real sets. Whole groups (a supplier family: the same shop or seller, hence the
 * same layout) go to one side, so the held-out part measures generalisation to unseen layouts, not memory.
 * Deterministic: groups are visited in the order of a salted SHA-256 of their key and added to `dev`
 * while that brings the held-out share closer to the target; the rest is `train`.
 */
import { createHash } from 'node:crypto';
import type { CorpusSplit } from './format.js';
import { matchKey } from './normalize-text.js';

export interface SplitItem {
  /** The document's identity (a file path relative to its set, or a content hash). */
  key: string;
  /** Documents with the same group always land in the same split. */
  group: string;
}

/** Bumping the salt reshuffles every split; keep it fixed so that held-out sets stay held out. */
const SALT = 'invex-split-v1';

function hashOf(s: string): string {
  return createHash('sha256').update(`${SALT}\0${s}`).digest('hex');
}

/** Maps every item key to `train` or `dev`, holding out about `devFraction` of the items by whole groups. */
export function assignSplits(items: readonly SplitItem[], devFraction: number): Map<string, CorpusSplit> {
  const groups = new Map<string, string[]>();
  for (const it of items) {
    const g = groups.get(it.group);
    if (g) g.push(it.key);
    else groups.set(it.group, [it.key]);
  }
  const target = devFraction * items.length;
  const order = [...groups.keys()].sort((a, b) =>
    hashOf(a) < hashOf(b) ? -1 : hashOf(a) > hashOf(b) ? 1 : 0,
  );
  const dev = new Set<string>();
  let held = 0;
  for (const g of order) {
    const size = groups.get(g)?.length ?? 0;
    if (Math.abs(held + size - target) < Math.abs(held - target)) {
      dev.add(g);
      held += size;
    }
  }
  const out = new Map<string, CorpusSplit>();
  for (const it of items) out.set(it.key, dev.has(it.group) ? 'dev' : 'train');
  return out;
}

/**
 * A supplier family key from a printed supplier name: its first two words, normalised, so that branches of
 * one chain (`MR. D.I.Y. (M) SDN BHD`, `MR D.I.Y. (JOHOR) SDN BHD`) share a group.
 */
export function supplierFamily(name: string | undefined): string {
  const words = (name ?? '')
    .split(/\s+/)
    .map(matchKey)
    .filter((w) => w.length > 0);
  return words.slice(0, 2).join(' ') || '(unknown)';
}

/** The held-out shares of the real sets (fixed: changing them moves documents between train and dev). */
export const DEV_FRACTION = { sroie: 0.25, zugferd: 0.3 } as const;
