/**
 * Word labels from recorded field boxes. Text-layer words are labeled by the entity part whose box holds
 * the word's centre; OCR words by the part they overlap most, and an OCR'd entity is kept only when its
 * words still read like the value (fuzzy), since OCR may split, merge or misread words.
 */
import type { BBox } from '../../types.js';
import type { Box, Entity, EntityPart } from './canvas.js';

export interface PlainWord {
  text: string;
  bbox: BBox;
}

export interface EntityIssue {
  entity: number;
  field: string;
  expected: string;
  got: string;
}

export interface PageLabels {
  labels: string[];
  /** Entity id per word, -1 for O. */
  entityOf: number[];
}

const area = (b: Box) => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);

/**
 * Which entity each word belongs to: the smallest part box (points) that holds the word's centre, mapped
 * back to page points by `centre` (identity scaling for the text layer, the inverse scan geometry for OCR).
 * `pad` widens boxes a little for OCR, whose ink boxes sit slightly off the drawn line box.
 */
export function assignWords(
  words: readonly PlainWord[],
  parts: readonly EntityPart[],
  centre: (w: PlainWord) => [number, number],
  pad = 0,
): { entity: number; part: number }[] {
  return words.map((w) => {
    const [cx, cy] = centre(w);
    let best: EntityPart | undefined;
    let bestArea = Number.POSITIVE_INFINITY;
    for (const p of parts) {
      const b = p.box;
      if (cx < b[0] - pad || cx > b[2] + pad || cy < b[1] - pad || cy > b[3] + pad) continue;
      const a = area(b);
      if (a < bestArea) {
        bestArea = a;
        best = p;
      }
    }
    return best ? { entity: best.entity, part: best.part } : { entity: -1, part: -1 };
  });
}

/**
 * Text-layer assignment: each part's words are found as the run of words on its line, in x order, that spell
 * the part exactly, nearest to the drawn box. Readers place words inside merged runs by estimated glyph
 * widths, so a short word next to a separator can drift by a few points; matching the text makes that
 * harmless. Parts with no exact run fall back to centre containment (and then show up in the label check).
 */
export function assignWordsByText(
  words: readonly PlainWord[],
  parts: readonly EntityPart[],
  toPoints: (w: PlainWord) => Box,
): { entity: number; part: number }[] {
  const out = words.map(() => ({ entity: -1, part: -1 }));
  const cost = words.map(() => Number.POSITIVE_INFINITY);
  const boxes = words.map(toPoints);
  const unmatched: EntityPart[] = [];
  for (const p of parts) {
    const tokens = p.text.split(' ');
    const h = p.box[3] - p.box[1];
    const cy = (p.box[1] + p.box[3]) / 2;
    const cands: number[] = [];
    boxes.forEach((b, i) => {
      if (Math.abs((b[1] + b[3]) / 2 - cy) < 0.45 * h) cands.push(i);
    });
    cands.sort((a, b) => (boxes[a]?.[0] ?? 0) - (boxes[b]?.[0] ?? 0));
    let best = -1;
    let bestCost = Number.POSITIVE_INFINITY;
    for (let s = 0; s + tokens.length <= cands.length; s++) {
      let ok = true;
      for (let k = 0; k < tokens.length && ok; k++) ok = words[cands[s + k] ?? -1]?.text === tokens[k];
      if (!ok) continue;
      const first = boxes[cands[s] ?? -1];
      const last = boxes[cands[s + tokens.length - 1] ?? -1];
      const c = Math.abs((first?.[0] ?? 0) - p.box[0]) + Math.abs((last?.[2] ?? 0) - p.box[2]);
      if (c < bestCost) {
        bestCost = c;
        best = s;
      }
    }
    if (best < 0 || bestCost > Math.max(12, 0.5 * (p.box[2] - p.box[0]))) {
      unmatched.push(p);
      continue;
    }
    for (let k = 0; k < tokens.length; k++) {
      const wi = cands[best + k] ?? -1;
      if (bestCost < (cost[wi] ?? 0)) {
        out[wi] = { entity: p.entity, part: p.part };
        cost[wi] = bestCost;
      }
    }
  }
  if (unmatched.length) {
    const centre = (w: PlainWord): [number, number] => {
      const b = toPoints(w);
      return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
    };
    assignWords(words, unmatched, centre).forEach((a, i) => {
      if (a.entity >= 0 && out[i]?.entity === -1) out[i] = a;
    });
  }
  return out;
}

/** BIO labels from word → entity assignments: the first word of an entity (by part, then x) is B-. */
export function bioLabels(
  words: readonly PlainWord[],
  assigned: readonly { entity: number; part: number }[],
  entities: readonly Entity[],
): PageLabels {
  const labels = words.map(() => 'O');
  const entityOf = assigned.map((a) => a.entity);
  const byEntity = new Map<number, number[]>();
  assigned.forEach((a, i) => {
    if (a.entity < 0) return;
    const list = byEntity.get(a.entity) ?? [];
    list.push(i);
    byEntity.set(a.entity, list);
  });
  const byId = new Map(entities.map((e) => [e.id, e]));
  for (const [id, idx] of byEntity) {
    const e = byId.get(id);
    if (!e) continue;
    const ordered = orderWords(idx, assigned, words);
    ordered.forEach((wi, k) => {
      labels[wi] = `${k === 0 ? 'B' : 'I'}-${e.field}`;
    });
  }
  return { labels, entityOf };
}

function orderWords(
  idx: number[],
  assigned: readonly { part: number }[],
  words: readonly PlainWord[],
): number[] {
  return [...idx].sort((a, b) => {
    const pa = assigned[a]?.part ?? 0;
    const pb = assigned[b]?.part ?? 0;
    if (pa !== pb) return pa - pb;
    return (words[a]?.bbox[0] ?? 0) - (words[b]?.bbox[0] ?? 0);
  });
}

/** The words of each entity on a page joined in reading order (part, then x). */
export function entityTexts(
  words: readonly PlainWord[],
  assigned: readonly { entity: number; part: number }[],
): Map<number, string> {
  const byEntity = new Map<number, number[]>();
  assigned.forEach((a, i) => {
    if (a.entity < 0) return;
    const list = byEntity.get(a.entity) ?? [];
    list.push(i);
    byEntity.set(a.entity, list);
  });
  const out = new Map<number, string>();
  for (const [id, idx] of byEntity) {
    out.set(
      id,
      orderWords(idx, assigned, words)
        .map((i) => words[i]?.text ?? '')
        .join(' '),
    );
  }
  return out;
}

/** Entities of a page whose labeled words do not spell exactly what was drawn (text layer check). */
export function exactIssues(
  pageEntities: readonly Entity[],
  texts: ReadonlyMap<number, string>,
  printed: (e: Entity) => string,
): EntityIssue[] {
  const issues: EntityIssue[] = [];
  for (const e of pageEntities) {
    const want = printed(e);
    const got = texts.get(e.id) ?? '';
    if (want.replace(/\s+/g, ' ') !== got) issues.push({ entity: e.id, field: e.field, expected: want, got });
  }
  return issues;
}

/** Levenshtein distance (two rows). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** Similarity 0..1 of two strings after dropping case and everything but letters and digits. */
export function similarity(a: string, b: string): number {
  const norm = (s: string) =>
    s
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toUpperCase()
      .replace(/[^\p{L}\p{N}]/gu, '');
  const x = norm(a);
  const y = norm(b);
  if (!x && !y) return 1;
  return 1 - editDistance(x, y) / Math.max(x.length, y.length);
}
