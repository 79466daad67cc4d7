/**
 * Writes MODEL_CARD.md for a trained model directory from its training.json and the JSON outputs of
 * `invex eval SET_DIR --json` (one per evaluated set):
 *
 *   node bin/run-ts.js training/model-card.ts [--model models/invoice-ner] \
 *     --eval 'zugferd-dev=runs/eval-zugferd.json' --eval 'sroie=runs/eval-sroie.json' [--note TEXT] \
 *     [--appendix training/model-card-notes.md]   (hand-written sections: data recipe, limitations)
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

interface Prf {
  p: number;
  r: number;
  f1: number;
  support: number;
}

interface EvalSplit {
  loss: number;
  entity: Prf;
  token: Prf;
  per_source: Record<string, Prf>;
  per_field: Record<string, Prf>;
}

interface Training {
  name: string;
  version: string;
  created: string;
  corpus: {
    dir: string;
    splits: Record<
      string,
      {
        docs: number;
        pages: number;
        words: number;
        windows: number;
        sources: Record<string, number>;
        families: Record<string, number>;
      }
    >;
  };
  hparams: Record<string, number | boolean>;
  params: number;
  onnx_bytes: number;
  onnx_check: { maxAbsDiff: number };
  /** The optimised graph against the export (training/train.ts optimizeExport); absent before 0.3.1. */
  optimize_check?: { int8: string; maxAbsDiff: number; labelAgreement: number; words: number };
  /** A model optimised after training (training/optimize_onnx.py on a shipped directory). */
  optimized?: { from: string; int8: string; note: string };
  best_epoch: number;
  history: { epoch: number; train_loss: number; dev: EvalSplit; secs: number }[];
  final: Record<string, EvalSplit>;
  train_seconds: number;
  total_seconds: number;
  export_seconds: number;
  train_windows_per_second: number | null;
  args: Record<string, unknown>;
  torch: string;
  device: string;
}

interface EvalJson {
  set: string;
  /** Whether embedded e-invoice XML was used (`invex eval` without `--no-embedded`). */
  embedded?: boolean;
  seconds_per_document: number;
  micro: { precision: number; recall: number; f1: number; labeled: number };
  documents: number;
  failed: number;
  fields: { field: string; precision: number; recall: number; f1: number; labeled: number }[];
}

const f = (x: number) => x.toFixed(3);
const counts = (m: Record<string, number>) =>
  Object.entries(m)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

export function modelCard(
  modelDir: string,
  evals: Record<string, EvalJson>,
  note = '',
  appendix = '',
): string {
  const t = JSON.parse(readFileSync(join(modelDir, 'training.json'), 'utf8')) as Training;
  const onnx = join(modelDir, 'model.onnx');
  const sha = createHash('sha256').update(readFileSync(onnx)).digest('hex');
  const size = statSync(onnx).size;
  const h = t.hparams;
  const L: string[] = [];
  L.push(`# ${t.name} ${t.version}`, '');
  L.push(
    'Token classification over the words of a page (text + box): BIO tags for the invoice fields of the',
    'output contract (DESIGN §2). Trained from scratch here; no pretrained weights.',
    '',
  );
  if (note) L.push(note, '');
  L.push('| | |', '|---|---|');
  L.push(`| model.onnx sha256 | \`${sha}\` |`);
  const int8 = t.optimize_check?.int8 ?? t.optimized?.int8 ?? 'off';
  const weights =
    int8 === 'off' ? 'fp32' : `int8 weights per ${int8} in the dense layers, fp32 embeddings and attention`;
  L.push(
    `| size | ${(size / 1e6).toFixed(2)} MB (${weights}; ${t.params.toLocaleString('en')} parameters) |`,
  );
  L.push(`| created | ${t.created} (torch ${t.torch}, ${t.device}) |`);
  L.push(
    `| training time | ${(t.train_seconds / 60).toFixed(1)} min training, ${(t.total_seconds / 60).toFixed(1)} min in train.py, ${t.export_seconds} s array export |`,
  );
  L.push(`| throughput | ${t.train_windows_per_second ?? '-'} windows/s |`);
  L.push(
    `| ONNX vs torch | max abs logit difference ${t.onnx_check.maxAbsDiff.toExponential(2)} (limit 1e-4) |`,
  );
  if (t.optimize_check) {
    const c = t.optimize_check;
    L.push(
      `| optimised vs export | max abs logit difference ${c.maxAbsDiff.toExponential(2)}; best label kept for ${(c.labelAgreement * 100).toFixed(2)}% of ${c.words} check words (training/optimize_onnx.py) |`,
    );
  }
  if (t.optimized) L.push(`| optimised | from ${t.optimized.from}: ${t.optimized.note} |`);
  L.push('');

  L.push('## Architecture', '');
  L.push(
    `Inputs from src/ner/featurize.ts (featurizer.json): per word, up to K hashed character 2–4-gram ids (mean of`,
    `${h.emb}-d embeddings), a hashed whole-word id (${h.emb}-d), ${h.shape_features} shape and layout features, and the`,
    `box quantised to 0..1000 (x0, y0, x1, y1, w, h; ${h.coord}-d LayoutLM-style embeddings), projected to ${h.d},`,
    `plus a 1D position embedding. Then ${h.layers} pre-norm transformer layers (width ${h.d}, ${h.heads} heads,`,
    `feed-forward ${h.ff}) and a linear classifier over ${h.num_labels} BIO labels. Pages longer than ${h.max_len} words`,
    'are cut into overlapping windows; each word takes the prediction of the window where it is most central.',
    ...(h.rel2d
      ? [
          'Attention gets a learned bias per head from the 2D relative position of each word pair (signed log-scale',
          'buckets of the horizontal and vertical centre distance, LayoutLMv2-style), shared by the layers.',
        ]
      : []),
    '',
  );

  L.push('## Training data', '');
  L.push('| split | docs | pages | words | sources | families |', '|---|---|---|---|---|---|');
  for (const [s, c] of Object.entries(t.corpus.splits)) {
    const fam = Object.keys(c.families);
    const famText = fam.length > 8 ? `${fam.length} families` : counts(c.families);
    L.push(`| ${s} | ${c.docs} | ${c.pages} | ${c.words} | ${counts(c.sources)} | ${famText} |`);
  }
  L.push(
    '',
    'Train = the train splits of every source; dev = the dev splits; test = the held-out synthetic layout',
    'families (never seen in training).',
    '',
  );

  L.push('## Training run', '');
  L.push(
    '| epoch | train loss | dev loss | dev entity F1 | dev token F1 | seconds |',
    '|---|---|---|---|---|---|',
  );
  for (const e of t.history) {
    const best = e.epoch === t.best_epoch ? ' (kept)' : '';
    L.push(
      `| ${e.epoch}${best} | ${e.train_loss.toFixed(4)} | ${e.dev.loss.toFixed(4)} | ${f(e.dev.entity.f1)} | ${f(e.dev.token.f1)} | ${e.secs} |`,
    );
  }
  L.push('', `Flags: \`${JSON.stringify(t.args)}\``, '');

  L.push('## Entity scores of the kept checkpoint (seqeval-style, exact spans)', '');
  L.push('| split | source | precision | recall | F1 | entities |', '|---|---|---|---|---|---|');
  for (const [s, ev] of Object.entries(t.final)) {
    L.push(
      `| ${s} | all | ${f(ev.entity.p)} | ${f(ev.entity.r)} | ${f(ev.entity.f1)} | ${ev.entity.support} |`,
    );
    for (const [src, v] of Object.entries(ev.per_source)) {
      L.push(`| ${s} | ${src} | ${f(v.p)} | ${f(v.r)} | ${f(v.f1)} | ${v.support} |`);
    }
  }
  L.push('');

  if (Object.keys(evals).length > 0) {
    L.push('## `invex eval` (shared EVAL.md: extract → per-field P/R/F1, micro average)', '');
    L.push('| set | documents | micro P | micro R | micro F1 | s/doc |', '|---|---|---|---|---|---|');
    for (const [name, e] of Object.entries(evals)) {
      L.push(
        `| ${name} | ${e.documents}${e.failed ? ` (${e.failed} failed)` : ''} | ${f(e.micro.precision)} | ${f(e.micro.recall)} | ${f(e.micro.f1)} | ${e.seconds_per_document.toFixed(2)} |`,
      );
    }
    L.push('');
    for (const [name, e] of Object.entries(evals)) {
      L.push(`<details><summary>${name}: per field</summary>`, '');
      L.push('| field | labeled | P | R | F1 |', '|---|---|---|---|---|');
      for (const x of e.fields)
        L.push(`| ${x.field} | ${x.labeled} | ${f(x.precision)} | ${f(x.recall)} | ${f(x.f1)} |`);
      L.push('', '</details>', '');
    }
  }

  L.push('## Reproduce', '');
  L.push('```sh');
  L.push(
    `npm run train -- --corpus ${t.corpus.dir}   # arrays → train.py → ONNX check → optimise + check → models/invoice-ner/`,
  );
  for (const [name, e] of Object.entries(evals))
    L.push(`npx invex eval ${e.set} --no-embedded --json   # ${name}`);
  L.push(`npx invex eval --tokens ${t.corpus.dir} --split dev`);
  L.push('npm run bench:ner');
  L.push('```', '');
  if (appendix) L.push(appendix.trim(), '');
  return L.join('\n');
}

function main(): void {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: fileURLToPath(new URL('../models/invoice-ner/', import.meta.url)) },
      eval: { type: 'string', multiple: true, default: [] },
      note: { type: 'string', default: '' },
      appendix: { type: 'string' },
    },
  });
  const evals: Record<string, EvalJson> = {};
  for (const spec of values.eval) {
    const [name, file] = spec.split('=');
    if (!name || !file) throw new Error(`--eval wants NAME=FILE.json, got ${spec}`);
    const e = JSON.parse(readFileSync(file, 'utf8')) as EvalJson;
    // The card measures the model and the assembler; values copied from an embedded XML would say nothing of them.
    if (e.embedded !== false) throw new Error(`${file}: not an \`invex eval --no-embedded --json\` run`);
    evals[name] = e;
  }
  const out = join(values.model, 'MODEL_CARD.md');
  const appendix = values.appendix ? readFileSync(values.appendix, 'utf8') : '';
  writeFileSync(out, modelCard(values.model, evals, values.note, appendix));
  console.log(`wrote ${out}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
