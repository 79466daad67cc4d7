/** `invex eval`: runs extraction over a labeled set (shared EVAL.md layout) and scores it. */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { InvexError } from '../errors.js';
import type { LabeledDoc, Prediction } from './score.js';

/** Reads `SET_DIR/gt.jsonl`; `file` entries are relative to SET_DIR unless absolute. */
export function readLabeledSet(setDir: string): (LabeledDoc & { path: string })[] {
  const gt = join(setDir, 'gt.jsonl');
  let text: string;
  try {
    text = readFileSync(gt, 'utf8');
  } catch (err) {
    throw new InvexError('INVEX_E_FILE_NOT_FOUND', `${gt}: a labeled set needs gt.jsonl`, { cause: err });
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      let d: LabeledDoc;
      try {
        d = JSON.parse(l) as LabeledDoc;
      } catch (err) {
        throw new InvexError('INVEX_E_USAGE', `${gt}:${i + 1}: not valid JSON`, { cause: err });
      }
      return { ...d, path: isAbsolute(d.file) ? d.file : join(setDir, d.file) };
    });
}

/** The predicted values of one output line (extract output or its error line). */
export function toPrediction(
  file: string,
  out: { fields?: Record<string, { value?: string } | undefined> },
): Prediction {
  return out.fields ? { file, fields: out.fields } : { file };
}
