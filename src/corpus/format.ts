/**
 * The training corpus format, one for every source (synthetic, SROIE, ZUGFeRD).
 * A corpus directory holds `<source>.jsonl` files, one CorpusDoc per line.
 */
import type { BBox } from '../types.js';

export interface CorpusWord {
  text: string;
  bbox: BBox;
  /** A tag from src/ner/labels.ts LABELS: `O`, `B-<field>` or `I-<field>`. */
  label: string;
}

export interface CorpusPage {
  number: number;
  width: number;
  height: number;
  source: 'text' | 'ocr';
  words: CorpusWord[];
}

export type CorpusSplit = 'train' | 'dev' | 'test';

export interface CorpusDoc {
  id: string;
  source: 'synth' | 'sroie' | 'zugferd';
  split: CorpusSplit;
  /** Layout family (synthetic) or the real set's name. */
  family: string;
  locale: string;
  /** The original document, when one exists on disk (relative to the corpus directory or absolute). */
  file?: string;
  /** Ground-truth values, normalised as in shared EVAL.md. */
  fields: Record<string, string>;
  pages: CorpusPage[];
}
