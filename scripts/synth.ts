/**
 * Standalone entry for the synthetic corpus generator:
 * `node bin/run-ts.js scripts/synth.ts --count 10 --seed 1 --out /tmp/s [--scanned-ratio 0.2] [--families a,b]`.
 */
import { parseArgs } from 'node:util';
import { runSynth } from '../src/corpus/synth/index.js';
import type { LocaleId } from '../src/corpus/synth/locales.js';
import { toInvexError } from '../src/errors.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
    'scanned-ratio': { type: 'string', default: '0' },
    families: { type: 'string' },
    locales: { type: 'string' },
    concurrency: { type: 'string' },
    'ocr-lang': { type: 'string' },
  },
});
if (!values.out) {
  console.error(
    'usage: synth.ts --count N --seed S --out DIR [--scanned-ratio R] [--families a,b] [--locales de-DE,...]',
  );
  process.exit(2);
}
const list = (s: string | undefined) =>
  s
    ?.split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const families = list(values.families);
const locales = list(values.locales) as LocaleId[] | undefined;
const count = Number(values.count);
let last = 0;
let report: Awaited<ReturnType<typeof runSynth>>;
try {
  report = await runSynth({
    count,
    seed: Number(values.seed),
    out: values.out,
    scannedRatio: Number(values['scanned-ratio']),
    ...(families ? { families } : {}),
    ...(locales ? { locales } : {}),
    ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
    ...(values['ocr-lang'] ? { ocrLang: values['ocr-lang'] } : {}),
    onProgress: (done, total) => {
      if (done === total || done - last >= Math.max(1, Math.floor(total / 20))) {
        last = done;
        const mb = (n: number) => Math.round(n / 1048576);
        const mem = process.memoryUsage();
        process.stderr.write(`synth ${done}/${total} rss ${mb(mem.rss)} MB heap ${mb(mem.heapUsed)} MB\n`);
      }
    },
  });
} catch (err) {
  const e = toInvexError(err);
  console.error(`${e.code}: ${e.message}`);
  process.exit(e.code === 'INVEX_E_USAGE' ? 2 : 1);
}
const { issueSamples, missingSamples, ...summary } = report;
console.log(JSON.stringify(summary, null, 2));
if (issueSamples.length) console.error('label issues (first):', JSON.stringify(issueSamples.slice(0, 5)));
if (missingSamples.length)
  console.error('unrecovered values (first):', JSON.stringify(missingSamples.slice(0, 8)));
