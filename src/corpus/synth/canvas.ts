/**
 * A pdfkit page with bookkeeping: every field value drawn is recorded as an entity part with its box, so
 * that words read back from the PDF (or OCR of its raster) can be labeled by position. Text is drawn one
 * line per call, never wrapped by pdfkit, so each line's box is known exactly.
 */

import PDFDocument from 'pdfkit';
import { InvexError } from '../../errors.js';
import type { FieldName } from '../../ner/labels.js';
import { type FontFace, registerFace, safeText } from './fonts.js';

/** x0, y0, x1, y1 in points, origin top-left. */
export type Box = [number, number, number, number];

export interface EntityPart {
  entity: number;
  /** 0-based page index. */
  page: number;
  /** Order of the part within its entity (lines of an address). */
  part: number;
  text: string;
  box: Box;
}

export interface Entity {
  id: number;
  field: FieldName;
  /** Normalised value; text fields leave it unset and take the printed parts joined by ", ". */
  value?: string;
  /** Line-item index for item_* fields. */
  item?: number;
  parts: string[];
}

/** A word as drawn: used to cross-check what ingest reads back. */
export interface DrawnWord {
  page: number;
  text: string;
  box: Box;
}

export interface Tag {
  readonly entity: number;
}

export interface TextOpts {
  size?: number;
  bold?: boolean;
  color?: string;
  /** `left`: x is the left edge; `right`: x is the right edge; `center`: x is the centre. */
  align?: 'left' | 'right' | 'center';
  /** The field entity this text is (part of). */
  tag?: Tag;
  /** Use the mono face's font regardless of the document face. */
  font?: string;
}

const FIXED_DATE = new Date(Date.UTC(2024, 0, 1));

export class Canvas {
  readonly doc: PDFKit.PDFDocument;
  readonly face: FontFace;
  readonly entities: Entity[] = [];
  readonly parts: EntityPart[] = [];
  readonly words: DrawnWord[] = [];
  readonly pageSizes: [number, number][] = [];
  /** Text drawn (partly) outside its page: a layout bug, reported by the generator's checks. */
  readonly overflows: string[] = [];
  /** Every text call's ink-ish box (cap height band), for the overlap check. */
  private readonly drawn: DrawnWord[] = [];
  page = -1;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;

  constructor(face: FontFace, size: [number, number], title: string) {
    // Fixed metadata: pdfkit derives the file /ID from the info dictionary, so this makes bytes reproducible.
    this.doc = new PDFDocument({
      autoFirstPage: false,
      margin: 0,
      compress: true,
      // Kept in memory until the end, so layouts can go back and draw running headers ("Page 1 of 3").
      bufferPages: true,
      info: {
        Title: safeText(title),
        Producer: 'invex synth',
        Creator: 'invex synth',
        CreationDate: FIXED_DATE,
        ModDate: FIXED_DATE,
      },
    });
    this.doc.on('data', (c: Buffer) => this.chunks.push(c));
    this.done = new Promise((resolve, reject) => {
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
    this.face = face;
    registerFace(this.doc, face);
    this.addPage(size);
  }

  get width(): number {
    return this.pageSizes[this.page]?.[0] ?? 0;
  }

  get height(): number {
    return this.pageSizes[this.page]?.[1] ?? 0;
  }

  addPage(size?: [number, number]): void {
    const s = size ?? this.pageSizes[this.page] ?? [595.28, 841.89];
    this.doc.addPage({ size: s, margin: 0 });
    this.pageSizes.push(s);
    this.page = this.pageSizes.length - 1;
  }

  /** Goes back to an earlier page (0-based) to draw on it. */
  switchTo(page: number): void {
    this.doc.switchToPage(page);
    this.page = page;
  }

  get pageCount(): number {
    return this.pageSizes.length;
  }

  /** Starts a new field entity; draw its parts with `{ tag }`. */
  entity(field: FieldName, value?: string, item?: number): Tag {
    const e: Entity = { id: this.entities.length, field, parts: [] };
    if (value !== undefined) e.value = value;
    if (item !== undefined) e.item = item;
    this.entities.push(e);
    return { entity: e.id };
  }

  private fontName(o: TextOpts): string {
    return o.font ?? (o.bold ? this.face.bold : this.face.regular);
  }

  widthOf(s: string, size: number, bold = false, font?: string): number {
    const o: TextOpts = { bold };
    if (font) o.font = font;
    // Not clean(): callers measure spaces for gaps. A gap is at least 0.3 em: some faces (Lato) have
    // spaces under 0.2 em, close enough for a reader to join the words on either side.
    const w = this.doc.font(this.fontName(o)).fontSize(size).widthOfString(safeText(s));
    return /^ +$/.test(s) ? Math.max(w, 0.3 * size * s.length) : w;
  }

  /** Greedy word wrap to lines no wider than maxWidth (a single long word stays whole). */
  wrap(s: string, maxWidth: number, size: number, bold = false): string[] {
    const words = clean(s).split(' ');
    const lines: string[] = [];
    let cur = '';
    for (const w of words) {
      const next = cur ? `${cur} ${w}` : w;
      if (cur && this.widthOf(next, size, bold) > maxWidth) {
        lines.push(cur);
        cur = w;
      } else cur = next;
    }
    if (cur) lines.push(cur);
    return lines;
  }

  /** Draws one line of text with its top at y; returns its width. */
  text(s: string, x: number, y: number, o: TextOpts = {}): number {
    const t = clean(s);
    if (!t) return 0;
    const size = o.size ?? 9;
    const font = this.fontName(o);
    const w = this.doc.font(font).fontSize(size).widthOfString(t);
    const left = o.align === 'right' ? x - w : o.align === 'center' ? x - w / 2 : x;
    this.doc.fillColor(o.color ?? '#000000').text(t, left, y, { lineBreak: false });
    const box: Box = [left, y, left + w, y + size * 1.15];
    if (box[0] < 0 || box[1] < 0 || box[2] > this.width + 0.5 || box[3] > this.height + 0.5) {
      this.overflows.push(`page ${this.page + 1}: ${t}`);
    }
    this.drawn.push({ page: this.page, text: t, box: [box[0], y + size * 0.15, box[2], y + size * 0.95] });
    if (o.tag) {
      const e = this.entities[o.tag.entity];
      if (!e) throw new InvexError('INVEX_E_INTERNAL', `unknown entity ${o.tag.entity}`);
      this.parts.push({ entity: e.id, page: this.page, part: e.parts.length, text: t, box });
      e.parts.push(t);
    }
    let offset = 0;
    const space = this.doc.widthOfString(' ');
    for (const word of t.split(' ')) {
      const ww = this.doc.widthOfString(word);
      this.words.push({
        page: this.page,
        text: word,
        box: [left + offset, y, left + offset + ww, y + size * 1.15],
      });
      offset += ww + space;
    }
    return w;
  }

  rect(
    x: number,
    y: number,
    w: number,
    h: number,
    o: { fill?: string; stroke?: string; lineWidth?: number; radius?: number } = {},
  ): void {
    const d = this.doc;
    d.save();
    if (o.radius) d.roundedRect(x, y, w, h, o.radius);
    else d.rect(x, y, w, h);
    if (o.lineWidth !== undefined) d.lineWidth(o.lineWidth);
    if (o.fill && o.stroke) d.fillAndStroke(o.fill, o.stroke);
    else if (o.fill) d.fill(o.fill);
    else d.stroke(o.stroke ?? '#000000');
    d.restore();
  }

  line(
    x1: number,
    y1: number,
    x2: number,
    y2: number,
    o: { color?: string; width?: number; dash?: number } = {},
  ): void {
    const d = this.doc;
    d.save();
    d.moveTo(x1, y1)
      .lineTo(x2, y2)
      .lineWidth(o.width ?? 0.5);
    if (o.dash) d.dash(o.dash, { space: o.dash });
    d.stroke(o.color ?? '#000000');
    d.restore();
  }

  /**
   * Pairs of text calls whose boxes overlap on the page: a layout bug that would mix words of two values.
   * Boxes are the band between cap height and baseline, so lines set tightly one above the other do not count.
   */
  overlaps(): string[] {
    const out: string[] = [];
    const byPage = new Map<number, DrawnWord[]>();
    for (const d of this.drawn) {
      const list = byPage.get(d.page) ?? [];
      list.push(d);
      byPage.set(d.page, list);
    }
    for (const list of byPage.values()) {
      const sorted = [...list].sort((a, b) => a.box[1] - b.box[1]);
      for (let i = 0; i < sorted.length; i++) {
        const a = sorted[i] as DrawnWord;
        for (let j = i + 1; j < sorted.length; j++) {
          const b = sorted[j] as DrawnWord;
          if (b.box[1] >= a.box[3]) break;
          // Overlapping, or so close that a reader would join them into one word (< ~0.2 em apart).
          const w = Math.min(a.box[2], b.box[2]) - Math.max(a.box[0], b.box[0]);
          const em = Math.min(a.box[3] - a.box[1], b.box[3] - b.box[1]) / 0.8;
          if (w > -0.2 * em) out.push(`page ${a.page + 1}: "${a.text}" overlaps "${b.text}"`);
        }
      }
    }
    return out;
  }

  async finish(): Promise<Buffer> {
    this.doc.end();
    return this.done;
  }
}

/** Text as drawn: folded to the drawable character set, single spaces, trimmed. */
export function clean(s: string): string {
  return safeText(s).replace(/\s+/g, ' ').trim();
}
