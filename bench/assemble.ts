/**
 * Assembly benchmark (`npm run bench:assemble [-- --docs N]`): time per page of the assemble stage on
 * generated invoices, with the gold labels as the NER spans (every field present, worst case for the
 * combination search). Target ≤ 5 ms per page; printed as a ratio to the target and to the featurizer
 * on the same pages, measured in the same run. Ends with a BENCH_RESULT line (bench/result.ts).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { assemble } from '../src/assemble/assemble.js';
import type { NerSpan } from '../src/assemble/types.js';
import type { CorpusDoc } from '../src/corpus/format.js';
import { runSynth } from '../src/corpus/synth/index.js';
import { entitiesFromTags } from '../src/eval/tokens.js';
import { DEFAULT_FEATURIZER_CONFIG, featurizePage } from '../src/ner/featurize.js';
import type { DocumentWords } from '../src/types.js';
import { emitResult } from './result.js';

const { values } = parseArgs({ options: { docs: { type: 'string', default: '60' } } });
const dir = await mkdtemp(join(tmpdir(), 'invex-bench-assemble-'));
try {
  await runSynth({ count: Number(values.docs), seed: 4242, out: dir });
  const docs = readFileSync(join(dir, 'synth.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CorpusDoc);
  const inputs = docs.map((d) => {
    const words: DocumentWords = {
      id: `sha256:${'0'.repeat(64)}`,
      mediaType: 'application/pdf',
      pages: d.pages.map((p) => ({
        number: p.number,
        width: p.width,
        height: p.height,
        unit: 'pt',
        source: p.source,
        rotation: 0,
        words: p.words.map((w, i) => ({ text: w.text, bbox: w.bbox, confidence: 1, line: i })),
      })),
    };
    const spans: NerSpan[] = d.pages.flatMap((p) =>
      entitiesFromTags(p.words.map((w) => w.label)).map((e) => ({
        field: e.type,
        score: 0.9,
        page: p.number,
        wordIndices: e.words,
      })),
    );
    return { words, spans };
  });
  const pages = inputs.reduce((a, i) => a + i.words.pages.length, 0);
  const time = (fn: () => void, reps: number) => {
    fn();
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    return (performance.now() - t0) / reps / pages;
  };
  const assembleMs = time(() => {
    for (const i of inputs) assemble(i.words, i.spans);
  }, 5);
  const featurizeMs = time(() => {
    for (const i of inputs) {
      const pageCount = i.words.pages.length;
      for (const [k, p] of i.words.pages.entries()) {
        featurizePage(p.words, { pageIndex: k, pageCount }, DEFAULT_FEATURIZER_CONFIG);
      }
    }
  }, 5);
  console.log(`invex assemble benchmark: ${docs.length} generated documents, ${pages} pages`);
  console.log(`assemble ms/page              ${assembleMs.toFixed(3)}`);
  console.log(`  vs target 5 ms/page         ${(assembleMs / 5).toFixed(2)}×   target ≤ 1.00×`);
  console.log(
    `  vs featurizer on same pages ${(assembleMs / featurizeMs).toFixed(2)}×   (featurizer ${featurizeMs.toFixed(3)} ms/page)`,
  );
  emitResult('assemble', [
    {
      measure: 'assembly per page (gold spans)',
      ours: assembleMs,
      reference: 5,
      unit: 'ms',
      ratio: assembleMs / 5,
      target: '≤ 1.00',
      met: assembleMs <= 5,
      note: `vs the 5 ms target; ${(assembleMs / featurizeMs).toFixed(2)}× the featurizer on the same pages`,
    },
  ]);
} finally {
  await rm(dir, { recursive: true, force: true });
}
