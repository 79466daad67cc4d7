/**
 * Scanned variants: render the generated PDF page, degrade it like a scanner or phone would (skew, quarter
 * turns, blur, noise, JPEG artefacts, low contrast, uneven lighting, 150–300 DPI), OCR it with our OCR stage,
 * and label the OCR words by mapping their centres back through the same geometry onto the drawn boxes.
 */

import sharp from 'sharp';
import { config } from '../../config.js';
import { openPdf, renderPdfPage } from '../../document/pdf.js';
import { InvexError } from '../../errors.js';
import { ocrRaster } from '../../ocr/ocr.js';
import type { Raster, Rotation } from '../../types.js';
import type { CorpusPage } from '../format.js';
import type { Entity } from './canvas.js';
import { type GeneratedDoc, printedText } from './generate.js';
import { assignWords, bioLabels, entityTexts, type PlainWord, similarity } from './label.js';
import type { Rng } from './rng.js';
import { corpusDoc, type LabeledDoc } from './text-doc.js';

export interface ScanParams {
  dpi: number;
  /** Small skew in degrees, clockwise positive. */
  angle: number;
  /** Quarter turn applied to the saved scan; OCR turns it back upright. */
  quarter: Rotation;
  blur: number;
  /** Noise standard deviation in grey levels. */
  noise: number;
  jpegQuality: number;
  /** Output range of the grey levels (low contrast: a dark-ish white and a light-ish black). */
  black: number;
  white: number;
  /** Lighting falloff 0..1 across the page and its direction in radians. */
  lighting: number;
  lightAngle: number;
}

/** Degradation parameters: most scans mild, some harsh. */
export function scanParams(rng: Rng): ScanParams {
  const harsh = rng.chance(0.2);
  return {
    dpi: rng.pick([150, 200, 200, 240, 300, 300, 300]),
    angle: rng.chance(0.8) ? rng.float(-3, 3) : 0,
    // Most scans come upright; a few are fed in turned (about 6%).
    quarter: rng.weighted([
      [0, 45],
      [90, 1],
      [180, 1],
      [270, 1],
    ] as const),
    blur: rng.chance(harsh ? 0.7 : 0.3) ? rng.float(0.4, harsh ? 1.3 : 0.8) : 0,
    noise: rng.chance(0.6) ? rng.float(2, harsh ? 22 : 10) : 0,
    jpegQuality: rng.int(harsh ? 25 : 50, 92),
    black: rng.chance(0.4) ? rng.int(20, harsh ? 90 : 50) : 0,
    white: rng.chance(0.5) ? rng.int(harsh ? 180 : 205, 245) : 255,
    lighting: rng.chance(0.4) ? rng.float(0.05, harsh ? 0.35 : 0.2) : 0,
    lightAngle: rng.float(0, 2 * Math.PI),
  };
}

export interface ScanGeometry {
  /** Page points → pixels of the rendered page. */
  sx: number;
  sy: number;
  /** Rendered size and the skewed (upright) canvas size, pixels. */
  w: number;
  h: number;
  W: number;
  H: number;
  angle: number;
}

/** Upright-frame pixel → page points: undoes the skew (sharp rotates clockwise about the centre, canvas grown). */
export function toPagePoints(g: ScanGeometry, x: number, y: number): [number, number] {
  const t = (g.angle * Math.PI) / 180;
  const dx = x - g.W / 2;
  const dy = y - g.H / 2;
  const ox = dx * Math.cos(t) + dy * Math.sin(t) + g.w / 2;
  const oy = -dx * Math.sin(t) + dy * Math.cos(t) + g.h / 2;
  return [ox / g.sx, oy / g.sy];
}

export interface Degraded {
  /** The scan as saved (quarter turn applied), 8-bit grey. */
  raster: Raster;
  geometry: ScanGeometry;
}

/** Renders page 1 and degrades it. */
export async function degradePage(
  pdf: Uint8Array,
  pageSize: [number, number],
  p: ScanParams,
  rng: Rng,
): Promise<Degraded> {
  const doc = await openPdf(pdf);
  let page: Raster;
  try {
    page = await renderPdfPage(doc, 1, p.dpi);
  } finally {
    await doc.close();
  }
  let img = sharp(page.data, { raw: { width: page.width, height: page.height, channels: 1 } });
  if (p.angle) img = img.rotate(p.angle, { background: { r: 255, g: 255, b: 255 } });
  if (p.blur) img = img.blur(p.blur);
  const skewed = await img.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  const { width: W, height: H } = skewed.info;
  const px = skewed.data;
  const range = (p.white - p.black) / 255;
  const lx = Math.cos(p.lightAngle);
  const ly = Math.sin(p.lightAngle);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      // Linear falloff along the light direction, 0 at the lit edge, `lighting` at the far one.
      const g = p.lighting ? p.lighting * (0.5 + 0.5 * (((x / W - 0.5) * lx + (y / H - 0.5) * ly) * 1.4)) : 0;
      let v = p.black + (px[i] ?? 255) * range;
      v *= 1 - Math.min(0.6, Math.max(0, g));
      if (p.noise) v += rng.normal(0, p.noise);
      px[i] = Math.max(0, Math.min(255, v));
    }
  }
  let out = sharp(px, { raw: { width: W, height: H, channels: 1 } });
  if (p.quarter) out = out.rotate(p.quarter);
  const jpeg = await out.jpeg({ quality: p.jpegQuality }).toBuffer();
  const back = await sharp(jpeg).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return {
    raster: { data: back.data, width: back.info.width, height: back.info.height, dpi: p.dpi },
    geometry: {
      sx: page.width / pageSize[0],
      sy: page.height / pageSize[1],
      w: page.width,
      h: page.height,
      W,
      H,
      angle: p.angle,
    },
  };
}

export interface ScanResult extends LabeledDoc {
  png: Buffer;
  params: ScanParams;
  /** Entities whose OCR words did not read like the value and were set to O. */
  rejected: number;
  /** Entities with OCR words that were kept. */
  accepted: number;
  /** Orientation the OCR stage detected (the truth is params.quarter). */
  detectedRotation: Rotation;
}

/** Below this similarity an OCR'd entity is treated as misaligned and left unlabeled. */
export const ACCEPT_SIMILARITY = 0.7;

/** Scans, OCRs and labels a single-page generated document. */
export async function scanDocument(
  gen: GeneratedDoc,
  file: string,
  opts: { lang?: string } = {},
): Promise<ScanResult> {
  const size = gen.pageSizes[0];
  if (!size || gen.pageSizes.length !== 1)
    throw new InvexError('INVEX_E_INTERNAL', `${gen.id}: scanned variants are single-page`);
  const rng = gen.rng.fork('scan');
  const params = scanParams(rng);
  const { raster, geometry } = await degradePage(gen.pdf, size, params, rng);
  const png = await sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 1 } })
    .png({ compressionLevel: 6 })
    .withMetadata({ density: raster.dpi })
    .toBuffer();
  const r = await ocrRaster(raster, { lang: opts.lang ?? config().ocrLang });
  // OCR words are fractions of the upright raster, which is the skewed canvas before the quarter turn.
  const toPt = (w: PlainWord): [number, number] =>
    toPagePoints(geometry, ((w.bbox[0] + w.bbox[2]) / 2) * r.width, ((w.bbox[1] + w.bbox[3]) / 2) * r.height);
  const words = r.words;
  const assigned = assignWords(words, gen.parts, toPt, 1.5);
  const texts = entityTexts(words, assigned);
  let rejected = 0;
  let accepted = 0;
  const byId = new Map<number, Entity>(gen.entities.map((e) => [e.id, e]));
  for (const [id, text] of texts) {
    const e = byId.get(id);
    if (!e) continue;
    if (similarity(text, printedText(e)) >= ACCEPT_SIMILARITY) {
      accepted++;
      continue;
    }
    rejected++;
    assigned.forEach((a, i) => {
      if (a.entity === id) assigned[i] = { entity: -1, part: -1 };
    });
  }
  const { labels } = bioLabels(words, assigned, gen.entities);
  const page: CorpusPage = {
    number: 1,
    width: r.width,
    height: r.height,
    source: 'ocr',
    words: words.map((w, k) => ({ text: w.text, bbox: w.bbox, label: labels[k] ?? 'O' })),
  };
  return {
    doc: corpusDoc(gen, file, [page]),
    issues: [],
    spans: [],
    png,
    params,
    rejected,
    accepted,
    detectedRotation: r.rotation,
  };
}
