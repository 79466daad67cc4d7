/**
 * Scores predictions against a labeled set exactly as shared EVAL.md defines it: per field precision
 * (over documents where the label exists and a non-empty value was predicted), recall (over labeled),
 * F1, and micro averages over all labeled (document, field) pairs.
 */
import { valuesEqual } from '../corpus/normalize-text.js';

export interface LabeledDoc {
  file: string;
  fields: Record<string, string>;
}

export interface Prediction {
  file: string;
  /** `fields.<name>.value` of the extraction output; absent on error lines. */
  fields?: Record<string, { value?: string; confidence?: number } | undefined>;
}

export interface FieldScore {
  field: string;
  labeled: number;
  predicted: number;
  correct: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface SetScore {
  fields: FieldScore[];
  micro: Omit<FieldScore, 'field'>;
  documents: number;
  /** Documents whose output line was an error. */
  failed: number;
  /** (file, field, predicted, label) of every wrong or missing labeled value, for error analysis. */
  misses: { file: string; field: string; predicted?: string; label: string }[];
  /** Confidence and correctness of every predicted labeled value, for the reliability table. */
  judged: { file: string; field: string; confidence: number; correct: boolean }[];
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

function finish(labeled: number, predicted: number, correct: number) {
  const precision = ratio(correct, predicted);
  const recall = ratio(correct, labeled);
  return { labeled, predicted, correct, precision, recall, f1: f1(precision, recall) };
}

export function scoreSet(labels: readonly LabeledDoc[], predictions: readonly Prediction[]): SetScore {
  const byFile = new Map(predictions.map((p) => [p.file, p]));
  const counts = new Map<string, { labeled: number; predicted: number; correct: number }>();
  const misses: SetScore['misses'] = [];
  const judged: SetScore['judged'] = [];
  let failed = 0;
  for (const doc of labels) {
    const pred = byFile.get(doc.file);
    if (!pred?.fields) failed++;
    for (const [field, label] of Object.entries(doc.fields)) {
      const c = counts.get(field) ?? { labeled: 0, predicted: 0, correct: 0 };
      counts.set(field, c);
      c.labeled++;
      const value = pred?.fields?.[field]?.value;
      if (value === undefined || value.trim() === '') {
        misses.push({ file: doc.file, field, label });
        continue;
      }
      c.predicted++;
      const correct = valuesEqual(field, value, label);
      if (correct) c.correct++;
      else misses.push({ file: doc.file, field, predicted: value, label });
      const confidence = pred?.fields?.[field]?.confidence;
      if (confidence !== undefined) judged.push({ file: doc.file, field, confidence, correct });
    }
  }
  const fields = [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([field, c]) => ({ field, ...finish(c.labeled, c.predicted, c.correct) }));
  const sum = (k: 'labeled' | 'predicted' | 'correct') => fields.reduce((a, f) => a + f[k], 0);
  return {
    fields,
    micro: finish(sum('labeled'), sum('predicted'), sum('correct')),
    documents: labels.length,
    failed,
    misses,
    judged,
  };
}

/** Reliability table: for each confidence bin, how often the predicted values were right. */
export function reliability(
  judged: readonly { confidence: number; correct: boolean }[],
  edges = [0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001],
) {
  return edges.slice(0, -1).map((lo, i) => {
    const hi = edges[i + 1] as number;
    const inBin = judged.filter((j) => j.confidence >= lo && j.confidence < hi);
    const right = inBin.filter((j) => j.correct).length;
    return {
      from: lo,
      to: Math.min(1, hi),
      values: inBin.length,
      accuracy: inBin.length ? right / inBin.length : undefined,
    };
  });
}

export function formatReliability(rows: ReturnType<typeof reliability>): string {
  return [
    'confidence   values  accuracy',
    ...rows.map(
      (r) =>
        `[${r.from.toFixed(2)}, ${r.to.toFixed(2)}${r.to === 1 ? ']' : ')'} ${String(r.values).padStart(7)}  ${r.accuracy === undefined ? '   -' : r.accuracy.toFixed(3)}`,
    ),
  ].join('\n');
}

export function formatScore(s: SetScore, secondsPerDoc?: number): string {
  const pct = (x: number) => x.toFixed(3);
  const rows = [
    `${'field'.padEnd(20)} ${'labeled'.padStart(7)} ${'pred'.padStart(6)} ${'correct'.padStart(7)} ${'P'.padStart(6)} ${'R'.padStart(6)} ${'F1'.padStart(6)}`,
    ...s.fields.map(
      (f) =>
        `${f.field.padEnd(20)} ${String(f.labeled).padStart(7)} ${String(f.predicted).padStart(6)} ${String(f.correct).padStart(7)} ${pct(f.precision).padStart(6)} ${pct(f.recall).padStart(6)} ${pct(f.f1).padStart(6)}`,
    ),
    `${'micro'.padEnd(20)} ${String(s.micro.labeled).padStart(7)} ${String(s.micro.predicted).padStart(6)} ${String(s.micro.correct).padStart(7)} ${pct(s.micro.precision).padStart(6)} ${pct(s.micro.recall).padStart(6)} ${pct(s.micro.f1).padStart(6)}`,
    `documents ${s.documents}, failed ${s.failed}${secondsPerDoc === undefined ? '' : `, ${secondsPerDoc.toFixed(2)} s/document`}`,
  ];
  return rows.join('\n');
}
