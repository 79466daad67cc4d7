/** Data shapes that flow between the stages: ingest → ocr → ner → assemble → deliver. */
import type { EmbeddedInvoice } from './document/einvoice.js';

/** x0, y0, x1, y1 as fractions of the page, origin top-left. */
export type BBox = [number, number, number, number];

export interface Word {
  text: string;
  bbox: BBox;
  /** 0..1; 1 for words from a PDF text layer. */
  confidence: number;
  /** Index of the text line on its page, in reading order (0-based). */
  line: number;
}

export type Rotation = 0 | 90 | 180 | 270;

export interface Page {
  /** 1-based. */
  number: number;
  width: number;
  height: number;
  /** `pt` for PDF pages, `px` for images. */
  unit: 'pt' | 'px';
  source: 'text' | 'ocr';
  /** Clockwise degrees the page was turned to read it upright. */
  rotation: Rotation;
  words: Word[];
}

/** A grayscale 8-bit raster, one byte per pixel, row-major. */
export interface Raster {
  data: Buffer;
  width: number;
  height: number;
  dpi: number;
}

/** A page as ingest leaves it: words from the text layer, or a raster that OCR still has to read. */
export type IngestedPage =
  | { kind: 'text'; number: number; width: number; height: number; unit: 'pt'; words: Word[] }
  | { kind: 'raster'; number: number; width: number; height: number; unit: 'pt' | 'px'; raster: Raster };

export interface IngestedDocument {
  /** `sha256:<hex>` of the bytes. */
  id: string;
  mediaType: string;
  pages: IngestedPage[];
  /** The e-invoice XML a PDF carries (ZUGFeRD, Factur-X, XRechnung CII), parsed. */
  embedded?: EmbeddedInvoice;
}

/** The front end's output: every page with words. */
export interface DocumentWords {
  id: string;
  mediaType: string;
  pages: Page[];
  /** Passed on from ingest. */
  embedded?: EmbeddedInvoice;
}
