/**
 * `invex corpus stats DIR`: what a corpus directory holds: documents, pages and words, labeled spans and
 * words per field, locales, layout families and splits, overall and per source. Streams the JSONL files, so
 * a large synthetic corpus never has to fit in memory.
 */
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { InvexError } from '../errors.js';
import type { CorpusDoc } from './format.js';

export interface Tally {
  documents: number;
  pages: number;
  words: number;
  /** Words with a tag other than `O`. */
  labeledWords: number;
}

export interface FieldTally {
  /** Labeled spans (B- tags). */
  spans: number;
  /** Words tagged B- or I-. */
  words: number;
  /** Documents with a ground-truth value for the field. */
  documents: number;
}

export interface CorpusStats extends Tally {
  dir: string;
  /** The JSONL files read. */
  files: string[];
  fields: Record<string, FieldTally>;
  locales: Record<string, number>;
  families: Record<string, number>;
  splits: Record<string, number>;
  sources: Record<string, Tally & { splits: Record<string, number>; families: Record<string, number> }>;
  /** Lines that were not valid corpus documents. */
  badLines: number;
}

function bump(rec: Record<string, number>, key: string, by = 1): void {
  rec[key] = (rec[key] ?? 0) + by;
}

function emptyTally(): Tally {
  return { documents: 0, pages: 0, words: 0, labeledWords: 0 };
}

/** Reads every `*.jsonl` directly in `dir` (one CorpusDoc per line) and counts what it holds. */
export async function corpusStats(dir: string): Promise<CorpusStats> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort();
  } catch (err) {
    throw new InvexError('INVEX_E_FILE_NOT_FOUND', `corpus directory not readable: ${dir}`, { cause: err });
  }
  const stats: CorpusStats = {
    dir,
    files: names,
    ...emptyTally(),
    fields: {},
    locales: {},
    families: {},
    splits: {},
    sources: {},
    badLines: 0,
  };
  for (const name of names) {
    const lines = createInterface({
      input: createReadStream(join(dir, name)),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of lines) {
      if (!line.trim()) continue;
      let doc: CorpusDoc;
      try {
        doc = JSON.parse(line) as CorpusDoc;
      } catch {
        stats.badLines++;
        continue;
      }
      if (!Array.isArray(doc.pages)) {
        stats.badLines++;
        continue;
      }
      addDoc(stats, doc);
    }
  }
  return stats;
}

function fieldTally(stats: CorpusStats, field: string): FieldTally {
  const t = stats.fields[field] ?? { spans: 0, words: 0, documents: 0 };
  stats.fields[field] = t;
  return t;
}

function addDoc(stats: CorpusStats, doc: CorpusDoc): void {
  const src = stats.sources[doc.source] ?? { ...emptyTally(), splits: {}, families: {} };
  stats.sources[doc.source] = src;
  for (const t of [stats, src] as Tally[]) t.documents++;
  bump(stats.locales, doc.locale);
  bump(stats.families, doc.family);
  bump(stats.splits, doc.split);
  bump(src.splits, doc.split);
  bump(src.families, doc.family);
  for (const f of Object.keys(doc.fields ?? {})) fieldTally(stats, f).documents++;
  for (const page of doc.pages) {
    stats.pages++;
    src.pages++;
    for (const w of page.words) {
      stats.words++;
      src.words++;
      if (w.label === 'O') continue;
      stats.labeledWords++;
      src.labeledWords++;
      const field = w.label.slice(2);
      const ft = fieldTally(stats, field);
      ft.words++;
      if (w.label.startsWith('B-')) ft.spans++;
    }
  }
}

function table(rows: (string | number)[][], indent = '  '): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => String(r[c] ?? '').length))) ?? [];
  return rows.map(
    (r) =>
      indent +
      r
        .map((cell, c) =>
          typeof cell === 'number' ? String(cell).padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0),
        )
        .join('  ')
        .trimEnd(),
  );
}

function counts(rec: Record<string, number>): string {
  return (
    Object.entries(rec)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || '-'
  );
}

/** A human-readable report of corpusStats. */
export function formatCorpusStats(s: CorpusStats): string {
  const out = [
    `corpus ${s.dir}: ${s.documents} documents, ${s.pages} pages, ${s.words} words (${s.labeledWords} labeled)`,
    `files: ${s.files.join(', ') || '(no *.jsonl)'}${s.badLines ? `; ${s.badLines} bad lines skipped` : ''}`,
    `splits: ${counts(s.splits)}`,
    `locales: ${counts(s.locales)}`,
    `families (${Object.keys(s.families).length}): ${counts(s.families)}`,
    'per source:',
    ...table([
      ['source', 'docs', 'pages', 'words', 'labeled', 'splits'],
      ...Object.entries(s.sources)
        .sort()
        .map(([name, t]) => [name, t.documents, t.pages, t.words, t.labeledWords, counts(t.splits)]),
    ]),
    'labels per field:',
    ...table([
      ['field', 'docs with value', 'spans', 'words'],
      ...Object.entries(s.fields)
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([f, t]) => [f, t.documents, t.spans, t.words]),
    ]),
  ];
  return out.join('\n');
}
