/**
 * NER benchmark (`npm run bench:ner [-- --model DIR --baseline DIR --words 500 --reps 50]`): time per page of 500 words on
 * one ONNX thread, target ≤ 10 ms. Printed as a ratio against the target and against references measured
 * in the same run on the same page: the featurizer alone, and a plain JS matrix multiply of one
 * [words × 128] · [128 × 128] layer (a machine-speed yardstick).
 * `--baseline DIR` also times another model on the same page, alternating with this one run by run, and prints
 * their ratio: on a machine whose speed drifts by ±30% from minute to minute, the one comparison that holds.
 * Without --model it uses models/invoice-ner, or exports an untrained network of the default architecture
 * (speed depends on the architecture, not the weights). Ends with a BENCH_RESULT line (bench/result.ts).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_FEATURIZER_CONFIG, type FeatWord, featurizePage } from '../src/ner/featurize.js';
import { closeNer, DEFAULT_MODEL_DIR, loadNerModel, runNer } from '../src/ner/ner.js';
import type { DocumentWords } from '../src/types.js';
import { writeTinyCorpus } from '../test/fixtures/ner-corpus.js';
import { train } from '../training/train.js';
import { emitResult } from './result.js';

const TARGET_MS = 10;
const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    baseline: { type: 'string' },
    words: { type: 'string', default: '500' },
    reps: { type: 'string', default: '50' },
  },
});
const nWords = Number(values.words);
const reps = Number(values.reps);
const tmp = mkdtempSync(join(tmpdir(), 'invex-bench-ner-'));

async function modelDir(): Promise<string> {
  if (values.model) return values.model;
  if (existsSync(join(DEFAULT_MODEL_DIR, 'model.onnx'))) return DEFAULT_MODEL_DIR;
  console.log('no trained model: exporting an untrained network of the default architecture');
  writeTinyCorpus(join(tmp, 'corpus'), 2);
  const out = join(tmp, 'model');
  await train({
    corpusDir: join(tmp, 'corpus'),
    outDir: out,
    workDir: join(tmp, 'work'),
    smoke: true,
    pythonArgs: ['--init-only'],
    quiet: true,
  });
  return out;
}

/** An invoice-like page: lines of ~10 words, mixed labels, amounts, dates and codes. */
function page(n: number): FeatWord[] {
  const vocab = [
    'Invoice',
    'No.',
    'INV-20931',
    'Date',
    '12.03.2024',
    'Total',
    '1.234,56',
    'EUR',
    'Acme',
    'GmbH',
  ];
  const extra = ['Hauptstr.', '12', '10115', 'Berlin', 'VAT', '19%', 'DE123456789', 'qty', 'Widget', 'x'];
  return Array.from({ length: n }, (_, i) => {
    const line = Math.floor(i / 10);
    const col = i % 10;
    const text = (line % 2 ? extra : vocab)[(col + line) % 10] as string;
    const x = 0.05 + col * 0.09;
    const y = 0.03 + line * (0.94 / Math.ceil(n / 10));
    return { text, bbox: [x, y, x + 0.07, y + 0.012] };
  });
}

function time(fn: () => unknown, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  return (performance.now() - t0) / n;
}

function matmulMs(rows: number, d: number): number {
  const a = Float32Array.from({ length: rows * d }, (_, i) => (i % 7) / 7);
  const b = Float32Array.from({ length: d * d }, (_, i) => (i % 5) / 5);
  const c = new Float32Array(rows * d);
  return time(() => {
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k < d; k++) {
        const av = a[i * d + k] as number;
        for (let j = 0; j < d; j++) c[i * d + j] = (c[i * d + j] as number) + av * (b[k * d + j] as number);
      }
    }
  }, 20);
}

try {
  const dir = await modelDir();
  const model = await loadNerModel(dir, 1);
  const words = page(nWords);
  const doc: DocumentWords = {
    id: 'sha256:bench',
    mediaType: 'application/pdf',
    pages: [
      {
        number: 1,
        width: 595,
        height: 842,
        unit: 'pt',
        source: 'text',
        rotation: 0,
        words: words.map((w, i) => ({ ...w, confidence: 1, line: Math.floor(i / 10) })),
      },
    ],
  };
  const base = values.baseline;
  const dirs = base ? [dir, base] : [dir];
  for (const d of dirs) for (let i = 0; i < 5; i++) await runNer(doc, { modelDir: d, threads: 1 });
  const timed: number[][] = dirs.map(() => []);
  for (let i = 0; i < reps; i++) {
    for (const [k, d] of dirs.entries()) {
      const t0 = performance.now();
      await runNer(doc, { modelDir: d, threads: 1 });
      timed[k]?.push(performance.now() - t0);
    }
  }
  const [runs, baseRuns] = timed.map((t) => t.sort((a, b) => a - b)) as [number[], number[] | undefined];
  const median = runs[Math.floor(runs.length / 2)] as number;
  const best = runs[0] as number;
  const p90 = runs[Math.floor(runs.length * 0.9)] as number;
  const cfg =
    'cfg' in model ? (model as { cfg: typeof DEFAULT_FEATURIZER_CONFIG }).cfg : DEFAULT_FEATURIZER_CONFIG;
  const featMs = time(() => featurizePage(words, { pageIndex: 0, pageCount: 1 }, cfg), 50);
  const mmMs = matmulMs(nWords, 128);

  console.log(
    `model ${dir} (${model.kind}, sha256 ${model.info.sha256.slice(0, 12)}), 1 thread, ${nWords} words/page`,
  );
  const row = (name: string, ms: number, note: string) =>
    console.log(`${name.padEnd(44)} ${ms.toFixed(2).padStart(8)} ms   ${note}`);
  row(
    'ner per page, median (featurize + onnx + decode)',
    median,
    `${(median / TARGET_MS).toFixed(2)}× the ${TARGET_MS} ms target (≤ 1.00 meets it)`,
  );
  row(
    'ner per page, best',
    best,
    `${(best / TARGET_MS).toFixed(2)}× the target (a loaded machine inflates the median)`,
  );
  row('ner per page, p90', p90, '');
  let baseRow: Parameters<typeof emitResult>[1] = [];
  if (base && baseRuns) {
    const bm = baseRuns[Math.floor(baseRuns.length / 2)] as number;
    const bb = baseRuns[0] as number;
    const info = (await loadNerModel(base, 1)).info;
    row(
      `baseline ${info.name} ${info.version} (${info.sha256.slice(0, 12)}), median`,
      bm,
      `this model = ${(median / bm).toFixed(2)}× the baseline (best ${(best / bb).toFixed(2)}×), runs alternating`,
    );
    baseRow = [
      {
        measure: `NER per ${nWords}-word page, median, vs baseline model (1 thread)`,
        ours: median,
        reference: bm,
        unit: 'ms',
        ratio: median / bm,
        target: '≤ 1.00',
        met: median <= bm,
        note: `baseline ${base}, timed alternately in the same run`,
      },
    ];
  }
  row('reference: featurizer alone', featMs, `ner = ${(median / featMs).toFixed(1)}× the featurizer`);
  row(
    `reference: JS matmul ${nWords}×128·128×128`,
    mmMs,
    `ner = ${(median / mmMs).toFixed(2)}× one plain layer`,
  );
  const references = `featurizer ${featMs.toFixed(2)} ms, JS matmul ${mmMs.toFixed(2)} ms`;
  emitResult('ner', [
    {
      measure: `NER per ${nWords}-word page, median (1 thread)`,
      ours: median,
      reference: TARGET_MS,
      unit: 'ms',
      ratio: median / TARGET_MS,
      target: '≤ 1.00',
      met: median <= TARGET_MS,
      note: `vs the ${TARGET_MS} ms target; ${references}`,
    },
    {
      measure: `NER per ${nWords}-word page, best (1 thread)`,
      ours: best,
      reference: TARGET_MS,
      unit: 'ms',
      ratio: best / TARGET_MS,
      target: '≤ 1.00',
      met: best <= TARGET_MS,
      note: 'a loaded machine inflates the median',
    },
    ...baseRow,
  ]);
} finally {
  await closeNer();
  rmSync(tmp, { recursive: true, force: true });
}
