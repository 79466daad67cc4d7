/** Shapes inside the assemble stage: NER spans in, candidates, then the contract's fields out. */
import type { Region } from './schema.js';

/** One labeled span from the NER stage, as the assembler needs it. */
export interface NerSpan {
  /** A field name of src/ner/labels.ts (document field or item_* cell). */
  field: string;
  /** Mean softmax probability of the span's words. */
  score: number;
  /** 1-based page number. */
  page: number;
  /** Indices into that page's words, in reading order. */
  wordIndices: number[];
}

/** A span turned into a typed, normalised value for its field. */
export interface Candidate {
  field: string;
  value: string;
  raw: string;
  /** Model score × OCR reliability, before validation adjusts it. */
  score: number;
  regions: Region[];
  page: number;
  /** Top of the span (fraction of its page), for geometry: line items, tax lines. */
  y: number;
  wordIndices: number[];
  /** Set when the text needed evidence to read (ambiguous day/month order, decimal separator...). */
  note?: string;
  /** For identifiers: the check result. */
  valid?: boolean;
}
