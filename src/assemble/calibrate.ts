/**
 * Confidence calibration: maps the assembled confidence of a field (model score moved by the checks) to the
 * share of such values that were right on labeled documents. One monotone map per kind of field, fitted by
 * isotonic regression (pool adjacent violators) in `invex calibrate`, stored as calibration.json next to the
 * model it was measured with, and applied as the assembler's last step. Pure: loading is the caller's job.
 */
import { z } from 'zod';
import { AMOUNT_FIELDS, DATE_FIELDS } from './candidates.js';

export const FIELD_KINDS = ['amount', 'date', 'code', 'identifier', 'text'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

const IDENTIFIERS = new Set([
  'invoice_number',
  'iban',
  'bic',
  'supplier_vat_id',
  'customer_vat_id',
  'supplier_tax_id',
  'customer_id',
  'purchase_order',
  'payment_reference',
]);

export function fieldKind(field: string): FieldKind {
  if (AMOUNT_FIELDS.has(field)) return 'amount';
  if (DATE_FIELDS.has(field)) return 'date';
  if (field === 'currency' || field === 'document_type') return 'code';
  if (IDENTIFIERS.has(field)) return 'identifier';
  return 'text';
}

/** Knots of a monotone piecewise-linear map: confidence x → probability of being right y. */
const MapSchema = z.object({ x: z.array(z.number()), y: z.array(z.number()) });
export type CalibrationMap = z.infer<typeof MapSchema>;

export const CalibrationSchema = z.object({
  version: z.literal(1),
  /** sha256 of the model.onnx the samples came from: a map only holds for the model it was fitted on. */
  model_sha256: z.string(),
  fitted_on: z.array(z.string()),
  samples: z.number().int(),
  maps: z.partialRecord(z.enum(FIELD_KINDS), MapSchema),
});
export type Calibration = z.infer<typeof CalibrationSchema>;

export interface Sample {
  field: string;
  confidence: number;
  correct: boolean;
}

// A kind with fewer judged values than this keeps its raw confidence: a map from a handful of points is noise.
export const MIN_SAMPLES = 30;

/** Isotonic regression by pool adjacent violators; knots at the blocks' mean confidence. */
export function fitIsotonic(points: readonly { x: number; y: number }[]): CalibrationMap {
  const sorted = [...points].sort((a, b) => a.x - b.x);
  const blocks: { sx: number; sy: number; n: number }[] = [];
  for (const p of sorted) {
    blocks.push({ sx: p.x, sy: p.y, n: 1 });
    // Merge while the previous block's mean is above the new one's: the map must not decrease.
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1] as { sx: number; sy: number; n: number };
      const a = blocks[blocks.length - 2] as { sx: number; sy: number; n: number };
      if (a.sy / a.n < b.sy / b.n) break;
      a.sx += b.sx;
      a.sy += b.sy;
      a.n += b.n;
      blocks.pop();
    }
  }
  return { x: blocks.map((b) => b.sx / b.n), y: blocks.map((b) => b.sy / b.n) };
}

/** The map at x: linear between knots, flat beyond the ends. */
export function applyMap(m: CalibrationMap, x: number): number {
  const n = m.x.length;
  if (n === 0) return x;
  if (x <= (m.x[0] as number)) return m.y[0] as number;
  if (x >= (m.x[n - 1] as number)) return m.y[n - 1] as number;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((m.x[mid] as number) <= x) lo = mid;
    else hi = mid;
  }
  const x0 = m.x[lo] as number;
  const x1 = m.x[hi] as number;
  const t = x1 > x0 ? (x - x0) / (x1 - x0) : 0;
  return (m.y[lo] as number) + t * ((m.y[hi] as number) - (m.y[lo] as number));
}

export function fitCalibration(samples: readonly Sample[]): Calibration['maps'] {
  const maps: Calibration['maps'] = {};
  for (const kind of FIELD_KINDS) {
    const pts = samples
      .filter((s) => fieldKind(s.field) === kind)
      .map((s) => ({ x: s.confidence, y: s.correct ? 1 : 0 }));
    if (pts.length >= MIN_SAMPLES) maps[kind] = fitIsotonic(pts);
  }
  return maps;
}

export function calibrateConfidence(
  cal: Pick<Calibration, 'maps'> | undefined,
  field: string,
  confidence: number,
): number {
  const m = cal?.maps[fieldKind(field)];
  return m ? applyMap(m, confidence) : confidence;
}
