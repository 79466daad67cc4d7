/**
 * A generated PDF read back through our ingest stage (text layer) and labeled word by word.
 */

import { ingestBytes } from '../../document/ingest.js';
import { InvexError } from '../../errors.js';
import type { BBox } from '../../types.js';
import type { CorpusDoc, CorpusPage } from '../format.js';
import { type GeneratedDoc, groundTruth } from './generate.js';
import { assignWordsByText, bioLabels, type EntityIssue, entityTexts, exactIssues } from './label.js';

export interface EntitySpan {
  entity: number;
  field: string;
  /** Line-item index for item_* fields. */
  item?: number;
  /** The entity's labeled words, joined in drawing order (part, then x). */
  text: string;
}

export interface LabeledDoc {
  doc: CorpusDoc;
  /** Entities whose labeled words do not spell what was drawn (should be none). */
  issues: EntityIssue[];
  /** The labeled words of every entity found on the pages. */
  spans: EntitySpan[];
}

const INGEST = { ocr: 'never' as const, maxPages: 50, maxImagePixels: 100_000_000, dpi: 300 };

/** A word's centre in page points, from its page-fraction box. */
export function centreIn(width: number, height: number): (w: { bbox: BBox }) => [number, number] {
  return (w) => [((w.bbox[0] + w.bbox[2]) / 2) * width, ((w.bbox[1] + w.bbox[3]) / 2) * height];
}

/** The CorpusDoc skeleton for a generated document (pages filled by the caller). */
export function corpusDoc(gen: GeneratedDoc, file: string, pages: CorpusPage[]): CorpusDoc {
  return {
    id: gen.id,
    source: 'synth',
    split: gen.split,
    family: gen.family,
    locale: gen.locale,
    file,
    fields: groundTruth(gen).fields,
    pages,
  };
}

export async function labelTextDocument(gen: GeneratedDoc, file: string): Promise<LabeledDoc> {
  const ingested = await ingestBytes(gen.pdf, INGEST);
  const pages: CorpusPage[] = [];
  const issues: EntityIssue[] = [];
  const spans: EntitySpan[] = [];
  const byId = new Map(gen.entities.map((e) => [e.id, e]));
  for (const [i, p] of ingested.pages.entries()) {
    if (p.kind !== 'text')
      throw new InvexError('INVEX_E_INTERNAL', `page ${p.number} of ${gen.id} has no text layer`);
    const parts = gen.parts.filter((x) => x.page === i);
    const assigned = assignWordsByText(p.words, parts, (w) => [
      w.bbox[0] * p.width,
      w.bbox[1] * p.height,
      w.bbox[2] * p.width,
      w.bbox[3] * p.height,
    ]);
    const { labels } = bioLabels(p.words, assigned, gen.entities);
    const onPage = new Set(parts.map((x) => x.entity));
    const texts = entityTexts(p.words, assigned);
    issues.push(
      ...exactIssues(
        gen.entities.filter((e) => onPage.has(e.id)),
        texts,
        (e) => e.parts.join(' '),
      ),
    );
    for (const [id, text] of texts) {
      const e = byId.get(id);
      if (e)
        spans.push({ entity: id, field: e.field, text, ...(e.item !== undefined ? { item: e.item } : {}) });
    }
    pages.push({
      number: p.number,
      width: p.width,
      height: p.height,
      source: 'text',
      words: p.words.map((w, k) => ({ text: w.text, bbox: w.bbox, label: labels[k] ?? 'O' })),
    });
  }
  return { doc: corpusDoc(gen, file, pages), issues, spans };
}
