/**
 * One synthetic document: pick family, locale, kind and face, build the invoice model, draw it, and derive
 * the ground truth (EVAL.md normalisation) from what was actually drawn.
 */
import { DOCUMENT_FIELDS, type DocumentField } from '../../ner/labels.js';
import { Canvas, type DrawnWord, type Entity, type EntityPart } from './canvas.js';
import { fontFaces } from './fonts.js';
import { type DocKind, type Invoice, makeInvoice } from './invoice.js';
import { type Ctx, Labels, makeStyle } from './layouts/common.js';
import { FAMILIES, type Family, familyByName } from './layouts/index.js';
import { LOCALES, type LocaleId } from './locales.js';
import { Rng, seedOf } from './rng.js';

/** Layout families never used for training: the model card reports generalisation to them. */
export const TEST_FAMILIES: readonly string[] = ['boxed', 'right-header'];

/** Share of non-test documents that go to the dev split. */
export const DEV_SHARE = 0.1;

const LOCALE_WEIGHTS: readonly (readonly [LocaleId, number])[] = [
  ['en-US', 14],
  ['en-GB', 12],
  ['de-DE', 16],
  ['de-CH', 5],
  ['fr-FR', 13],
  ['es-ES', 10],
  ['it-IT', 10],
  ['nl-NL', 10],
  ['en-MY', 2],
];

const RECEIPT_LOCALES: readonly (readonly [LocaleId, number])[] = [
  ['en-MY', 12],
  ['en-US', 2],
  ['en-GB', 2],
  ['de-DE', 2],
  ['fr-FR', 1],
  ['es-ES', 1],
  ['it-IT', 1],
  ['nl-NL', 1],
];

export interface GeneratedDoc {
  id: string;
  index: number;
  family: string;
  locale: LocaleId;
  kind: DocKind;
  split: 'train' | 'dev' | 'test';
  pdf: Buffer;
  pageSizes: [number, number][];
  entities: Entity[];
  parts: EntityPart[];
  drawnWords: DrawnWord[];
  /** Text drawn outside the page (a layout bug; checked by the tests). */
  overflows: string[];
  invoice: Invoice;
  /** The document's own random stream, for later stages (scan degradation). */
  rng: Rng;
}

export interface GenerateOptions {
  /** Restrict to these family names. */
  families?: readonly string[];
  locales?: readonly LocaleId[];
}

export function docId(seed: number, index: number): string {
  return `synth-${seed}-${String(index).padStart(6, '0')}`;
}

export function splitOf(id: string, family: string): 'train' | 'dev' | 'test' {
  if (TEST_FAMILIES.includes(family)) return 'test';
  return seedOf('split', id) % 1000 < DEV_SHARE * 1000 ? 'dev' : 'train';
}

function pickFamily(rng: Rng, names: readonly string[] | undefined): Family {
  const pool = names?.length ? names.map(familyByName) : FAMILIES;
  return rng.pick(pool);
}

export async function generateDocument(
  seed: number,
  index: number,
  opts: GenerateOptions = {},
  attempt = 0,
): Promise<GeneratedDoc> {
  // A retry (attempt > 0) draws a different document for the same slot, still deterministically.
  const rng = new Rng(attempt ? seedOf(seed, 'doc', index, 'retry', attempt) : seedOf(seed, 'doc', index));
  const family = pickFamily(rng, opts.families);
  const isReceipt = family.kinds.includes('receipt');
  const weights = (isReceipt ? RECEIPT_LOCALES : LOCALE_WEIGHTS).filter(
    ([l]) => !opts.locales || opts.locales.includes(l),
  );
  const locale = weights.length ? rng.weighted(weights) : (opts.locales?.[0] ?? 'en-US');
  const kind = rng.pick(family.kinds);
  const invRng = rng.fork('invoice');
  const invoice = makeInvoice(invRng, locale, { kind, minItems: family.items[0], maxItems: family.items[1] });
  const layoutRng = rng.fork('layout');
  const faces = fontFaces();
  const face = family.face ? family.face(faces, layoutRng) : layoutRng.pick(faces);
  const st = makeStyle(layoutRng, face);
  // pdf.js draws the standard Times '€' wider than its metrics say, so '€56' renders with the 5 under the €.
  if (
    face.regular === 'Times-Roman' &&
    invoice.currency.symbol === '€' &&
    invoice.money.placement === 'symbol-before'
  ) {
    invoice.money.placement = 'symbol-before-space';
  }
  const size = family.pageSize
    ? family.pageSize(invoice, layoutRng, st)
    : ([595.28, 841.89] as [number, number]);
  const id = docId(seed, index);
  const c = new Canvas(face, size, `${invoice.kind} ${invoice.number}`);
  const ctx: Ctx = { c, inv: invoice, rng: layoutRng, st, L: new Labels(invoice, layoutRng, st) };
  family.draw(ctx);
  const pdf = await c.finish();
  return {
    id,
    index,
    family: family.name,
    locale,
    kind: invoice.kind,
    split: splitOf(id, family.name),
    pdf,
    pageSizes: c.pageSizes,
    entities: c.entities.filter((e) => e.parts.length > 0),
    parts: c.parts,
    drawnWords: c.words,
    overflows: [...c.overflows, ...c.overlaps()],
    invoice,
    rng: rng.fork('post'),
  };
}

/** The printed text of an entity: its parts joined as EVAL.md joins lines. */
export function printedText(e: Entity): string {
  return e.parts.join(', ');
}

/** The normalised value of an entity. */
export function entityValue(e: Entity): string {
  return e.value ?? printedText(e);
}

export interface GroundTruth {
  fields: Record<string, string>;
  line_items: Record<string, string>[];
}

const DOC_FIELDS = new Set<string>(DOCUMENT_FIELDS);

/** Ground truth from what was drawn: each document field's fullest occurrence, plus the line items. */
export function groundTruth(doc: GeneratedDoc): GroundTruth {
  const fields: Record<string, string> = {};
  const best = new Map<string, Entity>();
  const items: Record<string, string>[] = [];
  for (const e of doc.entities) {
    if (DOC_FIELDS.has(e.field)) {
      // The fullest occurrence: a sender line or footer may print the address without its country line.
      const prev = best.get(e.field);
      if (!prev || printedText(e).length > printedText(prev).length) {
        best.set(e.field, e);
        fields[e.field as DocumentField] = entityValue(e);
      }
    } else if (e.item !== undefined) {
      const row = items[e.item] ?? {};
      const key = e.field.replace(/^item_/, '');
      if (!(key in row)) row[key] = entityValue(e);
      items[e.item] = row;
    }
  }
  const cur = doc.invoice.currency;
  // Currency counts as printed when a code is printed or an amount carries its symbol or code.
  if (!fields.currency) {
    const shown = doc.entities.some(
      (e) =>
        /amount|price/.test(e.field) &&
        (printedText(e).includes(cur.symbol) || printedText(e).includes(cur.code)),
    );
    if (shown) fields.currency = cur.code;
  }
  return { fields, line_items: items.filter((r) => r !== undefined) };
}

export { LOCALES };
