/** `invex synth`: generates synthetic labeled invoices (PDFs, scans, gt.jsonl, corpus lines). */

import { runSynth } from '../corpus/synth/index.js';
import type { LocaleId } from '../corpus/synth/locales.js';
import { InvexError } from '../errors.js';
import { parseCommandArgs } from './args.js';

export const SYNTH_USAGE = `usage: invex synth --count N --seed S --out DIR [--scanned-ratio R] [--families a,b] [--locales de-DE,...] [--concurrency N]

Writes DIR/pdf/*.pdf (and DIR/img/*.png scans), DIR/gt.jsonl (shared EVAL.md format) and DIR/synth.jsonl (corpus
documents with per-word labels), plus DIR/synth-report.json. The same seed gives the same bytes.`;

const list = (s: unknown) =>
  typeof s === 'string'
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : undefined;

export async function synthCommand(argv: string[]): Promise<undefined> {
  const { values } = parseCommandArgs(argv, {
    count: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
    'scanned-ratio': { type: 'string', default: '0' },
    families: { type: 'string' },
    locales: { type: 'string' },
    concurrency: { type: 'string' },
    'ocr-lang': { type: 'string' },
  });
  if (typeof values.out !== 'string') throw new InvexError('INVEX_E_USAGE', '--out DIR is required');
  const families = list(values.families);
  const locales = list(values.locales) as LocaleId[] | undefined;
  let last = 0;
  const report = await runSynth({
    count: Number(values.count),
    seed: Number(values.seed),
    out: values.out,
    scannedRatio: Number(values['scanned-ratio']),
    ...(families ? { families } : {}),
    ...(locales ? { locales } : {}),
    ...(typeof values.concurrency === 'string' ? { concurrency: Number(values.concurrency) } : {}),
    ...(typeof values['ocr-lang'] === 'string' ? { ocrLang: values['ocr-lang'] } : {}),
    onProgress: (done, total) => {
      if (done === total || done - last >= Math.max(1, Math.floor(total / 20))) {
        last = done;
        process.stderr.write(`synth ${done}/${total}\n`);
      }
    },
  });
  const { issueSamples, missingSamples, ...summary } = report;
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  if (issueSamples.length)
    process.stderr.write(`label issues (first): ${JSON.stringify(issueSamples.slice(0, 5))}\n`);
  if (missingSamples.length)
    process.stderr.write(`unrecovered values (first): ${JSON.stringify(missingSamples.slice(0, 8))}\n`);
  return undefined;
}
