/**
 * `invex calibrate SET_DIR...`: measures how often values of each confidence were right on labeled sets and
 * writes the monotone maps (src/assemble/calibrate.ts) as calibration.json beside the model. The reliability it
 * reports is cross-validated: each document's calibrated confidence comes from maps fitted without it.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { type Calibration, calibrateConfidence, fitCalibration, type Sample } from '../assemble/calibrate.js';
import { InvexError } from '../errors.js';
import { formatReliability, reliability, scoreSet } from '../eval/score.js';
import { defaultModelDir } from '../ner/ner.js';
import { closePipeline } from '../pipeline.js';
import { parseCommandArgs } from './args.js';
import { extractSet } from './eval-command.js';

export const CALIBRATE_USAGE = `usage: invex calibrate SET_DIR... [--model DIR] [--folds N] [--check SET_DIR] [--dry-run] [--json]
                           [--words-cache DIR]

Runs extraction with raw confidences over labeled sets (SET_DIR/gt.jsonl), fits one isotonic map per kind of
field (amount, date, code, identifier, text) and writes DIR/calibration.json for the model in DIR (default: the
shipped model). Prints the reliability table before and after calibration, cross-validated over N folds of
documents (default 5); --check scores a set the maps were not fitted on. --words-cache: as for invex eval.`;

export interface Judged extends Sample {
  set: string;
  file: string;
}

/** Deterministic fold of a document: the same split on every run and machine. */
export function foldOf(set: string, file: string, folds: number): number {
  return createHash('sha256').update(`${set}\0${file}`).digest().readUInt32BE(0) % folds;
}

/** Out-of-fold calibrated confidences: each fold is mapped by a calibration fitted on the other folds. */
export function crossValidate(samples: readonly Judged[], folds: number): Judged[] {
  const out: Judged[] = [];
  for (let k = 0; k < folds; k++) {
    const inFold = (s: Judged) => foldOf(s.set, s.file, folds) === k;
    const maps = fitCalibration(samples.filter((s) => !inFold(s)));
    for (const s of samples.filter(inFold)) {
      out.push({ ...s, confidence: calibrateConfidence({ maps }, s.field, s.confidence) });
    }
  }
  return out;
}

async function judge(dir: string, modelDir: string | undefined, calibrate: boolean, wordsCache?: string) {
  const r = await extractSet(dir, {
    calibrate,
    // The maps are for confidences of values read off pages; embedded XML values are exact (confidence 1).
    embedded: false,
    ...(modelDir ? { modelDir } : {}),
    ...(wordsCache ? { wordsCache } : {}),
  });
  const score = scoreSet(r.set, r.predictions);
  const set = basename(resolve(dir));
  return { set, modelSha: r.modelSha, judged: score.judged.map((j) => ({ ...j, set })) as Judged[] };
}

export async function calibrateCommand(argv: string[]): Promise<undefined> {
  try {
    await calibrate(argv);
  } finally {
    await closePipeline();
  }
  return undefined;
}

async function calibrate(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(argv, {
    model: { type: 'string' },
    folds: { type: 'string', default: '5' },
    check: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'words-cache': { type: 'string' },
  });
  const wordsCache = typeof values['words-cache'] === 'string' ? values['words-cache'] : undefined;
  if (positionals.length === 0)
    throw new InvexError('INVEX_E_USAGE', 'give at least one labeled set directory');
  const folds = Number(values.folds);
  if (!Number.isInteger(folds) || folds < 2)
    throw new InvexError('INVEX_E_USAGE', '--folds must be an integer ≥ 2');
  const modelDir = typeof values.model === 'string' ? values.model : undefined;
  const samples: Judged[] = [];
  let modelSha: string | undefined;
  for (const dir of positionals) {
    const r = await judge(dir, modelDir, false, wordsCache);
    modelSha ??= r.modelSha;
    samples.push(...r.judged);
  }
  if (!modelSha) throw new InvexError('INVEX_E_USAGE', 'no document of the sets could be extracted');
  const oof = crossValidate(samples, folds);
  const cal: Calibration = {
    version: 1,
    model_sha256: modelSha,
    fitted_on: positionals.map((d) => basename(resolve(d))),
    samples: samples.length,
    maps: fitCalibration(samples),
  };
  const path = join(resolve(modelDir ?? defaultModelDir()), 'calibration.json');
  if (!values['dry-run']) writeFileSync(path, `${JSON.stringify(cal, null, 1)}\n`);
  // A set the maps never saw: extraction now applies the file just written.
  const check =
    typeof values.check === 'string' && !values['dry-run']
      ? await judge(values.check, modelDir, true, wordsCache)
      : undefined;
  const report = {
    calibration: values['dry-run'] ? undefined : path,
    samples: samples.length,
    folds,
    raw: reliability(samples),
    cross_validated: reliability(oof),
    per_set: Object.fromEntries(
      cal.fitted_on.map((set) => [set, reliability(oof.filter((s) => s.set === set))]),
    ),
    ...(check ? { check: { set: check.set, reliability: reliability(check.judged) } } : {}),
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const parts = [
    `${samples.length} judged values from ${cal.fitted_on.join(', ')}${report.calibration ? `; wrote ${report.calibration}` : ''}`,
    `\nraw confidence\n${formatReliability(report.raw)}`,
    `\ncalibrated, ${folds}-fold cross-validated (all sets)\n${formatReliability(report.cross_validated)}`,
    ...Object.entries(report.per_set).map(
      ([set, rows]) => `\ncalibrated, cross-validated: ${set}\n${formatReliability(rows)}`,
    ),
    ...(check
      ? [`\ncalibrated, unseen set ${check.set}\n${formatReliability(report.check?.reliability ?? [])}`]
      : []),
  ];
  process.stdout.write(`${parts.join('\n')}\n`);
}
