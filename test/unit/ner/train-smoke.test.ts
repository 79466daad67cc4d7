/**
 * Smoke training (CI): tiny corpus → arrays → train.py --smoke (a few steps) → ONNX checked against torch
 * in onnxruntime-node → the model loads through runNer and gives outputs of the right shape.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CorpusDoc } from '../../../src/corpus/format.js';
import type { GroupedEntity } from '../../../src/ner/decode.js';
import {
  DEFAULT_FEATURIZER_CONFIG as CFG,
  featurizePage,
  type Rel2dTable,
  rel2dLuts,
  relBias,
  relPairs,
  windowBatch,
  windowSpans,
} from '../../../src/ner/featurize.js';
import { FIELD_NAMES, LABELS } from '../../../src/ner/labels.js';
import { closeNer, loadNerModel, runNer } from '../../../src/ner/ner.js';
import { loadSession } from '../../../src/ner/onnx.js';
import type { DocumentWords } from '../../../src/types.js';
import { MAX_MODEL_BYTES, optimizeExport, type TrainResult, train } from '../../../training/train.js';
import { makeDoc, writeTinyCorpus } from '../../fixtures/ner-corpus.js';

const root = mkdtempSync(join(tmpdir(), 'invex-ner-smoke-'));
const outDir = join(root, 'model');
let result: TrainResult;

beforeAll(async () => {
  writeTinyCorpus(join(root, 'corpus'));
  result = await train({
    corpusDir: join(root, 'corpus'),
    outDir,
    workDir: join(root, 'work'),
    smoke: true,
    quiet: true,
  });
}, 120_000);

afterAll(async () => {
  await closeNer();
  rmSync(root, { recursive: true, force: true });
});

function asDocument(doc: CorpusDoc): DocumentWords {
  return {
    id: `sha256:${doc.id}`,
    mediaType: 'application/pdf',
    pages: doc.pages.map((p) => ({
      number: p.number,
      width: p.width,
      height: p.height,
      unit: 'pt' as const,
      source: p.source,
      rotation: 0 as const,
      words: p.words.map((w, i) => ({ text: w.text, bbox: w.bbox, confidence: 1, line: i })),
    })),
  };
}

describe('smoke training', () => {
  it('writes the model files, within budget, with ONNX matching torch', () => {
    for (const f of ['model.onnx', 'labels.json', 'featurizer.json', 'training.json', 'rel2d.json']) {
      expect(existsSync(join(outDir, f))).toBe(true);
    }
    expect(result.onnxCheck.ok).toBe(true);
    expect(result.onnxCheck.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    // The shipped graph is the optimised one (int8 weights by default): it keeps the export's labels.
    expect(result.optimizeCheck).toMatchObject({ int8: 'column', ok: true });
    expect(result.optimizeCheck.words).toBeGreaterThan(100);
    expect(result.optimizeCheck.labelAgreement).toBeGreaterThanOrEqual(0.97);
    expect(statSync(join(outDir, 'model.onnx')).size).toBeLessThanOrEqual(MAX_MODEL_BYTES);
    expect(JSON.parse(readFileSync(join(outDir, 'labels.json'), 'utf8'))).toEqual(LABELS);
    const training = JSON.parse(readFileSync(join(outDir, 'training.json'), 'utf8'));
    expect(training.history).toHaveLength(1);
    expect(training.history[0].dev.entity).toHaveProperty('f1');
    expect(training.corpus.splits.train.docs).toBeGreaterThan(0);
  });

  it('runs in onnxruntime-node with dynamic batch and sequence axes', async () => {
    const session = await loadSession(join(outDir, 'model.onnx'));
    expect(session.inputs.map((i) => i.name)).toEqual([
      'ngram_ids',
      'word_ids',
      'shape',
      'bbox',
      'mask',
      'rel_bias',
    ]);
    const rel2d = JSON.parse(readFileSync(join(outDir, 'rel2d.json'), 'utf8')) as Rel2dTable;
    const doc = makeDoc(4242, 'test', 'left', 90);
    const page = doc.pages[0] as CorpusDoc['pages'][number];
    const fp = featurizePage(page.words, { pageIndex: 0, pageCount: doc.pages.length }, CFG);
    const spans = windowSpans(fp.length, CFG);
    expect(spans.length).toBeGreaterThan(1);
    const b = windowBatch(fp, spans, CFG);
    const out = await session.run({
      ngram_ids: { type: 'int32', data: b.ngramIds, dims: [b.batch, b.seq, CFG.ngramsPerWord] },
      word_ids: { type: 'int32', data: b.wordIds, dims: [b.batch, b.seq] },
      shape: { type: 'float32', data: b.shape, dims: [b.batch, b.seq, CFG.shapeFeatures] },
      bbox: { type: 'int32', data: b.bbox, dims: [b.batch, b.seq, 6] },
      mask: { type: 'int32', data: b.mask, dims: [b.batch, b.seq] },
      rel_bias: {
        type: 'float32',
        data: relBias(b, rel2dLuts(rel2d)),
        dims: [b.batch, rel2d.weights?.[0]?.length ?? 0, b.seq, b.seq],
      },
    });
    expect(out.logits?.dims).toEqual([spans.length, CFG.window, LABELS.length]);
  });

  it('optimises without int8 to the same logits: relBias in JS, fused attention in ONNX', async () => {
    const check = await optimizeExport(join(root, 'work'), 'off');
    expect(check.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(check.labelAgreement).toBe(1);
    expect(check.ok).toBe(true);
    // The rewritten graph: bias as an input, one fused attention op per layer, no int8.
    const session = await loadSession(join(root, 'work', 'optimized', 'model.onnx'));
    expect(session.inputs.map((i) => i.name)).toContain('rel_bias');
    expect(session.inputs.map((i) => i.name)).not.toContain('rel_pair');
  });

  it('still runs a rel_pair export (model 0.3.0 and older), with the probabilities of the optimised graph', async () => {
    const legacy = join(root, 'legacy');
    cpSync(outDir, legacy, { recursive: true });
    copyFileSync(join(root, 'work', 'model.onnx'), join(legacy, 'model.onnx'));
    copyFileSync(join(root, 'work', 'rel2d.json'), join(legacy, 'rel2d.json'));
    const fp32 = join(root, 'fp32');
    cpSync(outDir, fp32, { recursive: true });
    copyFileSync(join(root, 'work', 'optimized', 'model.onnx'), join(fp32, 'model.onnx'));
    copyFileSync(join(root, 'work', 'optimized', 'rel2d.json'), join(fp32, 'rel2d.json'));
    // A page longer than one window, so that the batch has padding and several windows.
    const page = makeDoc(91, 'test', 'left', 90).pages[0] as CorpusDoc['pages'][number];
    const probs = async (dir: string) =>
      (await loadNerModel(dir, 1)).predictPage(page.words, { pageIndex: 0, pageCount: 1 }, 'simple');
    const [a, b] = [await probs(legacy), await probs(fp32)];
    expect(Array.from(a.order)).toEqual(Array.from(b.order));
    expect(a.probs.length).toBe(page.words.length * LABELS.length);
    let diff = 0;
    for (let i = 0; i < a.probs.length; i++)
      diff = Math.max(diff, Math.abs((a.probs[i] as number) - (b.probs[i] as number)));
    expect(diff).toBeLessThan(1e-5);
  });

  it('refuses a rel_bias graph whose rel2d.json has no weights', async () => {
    const broken = join(root, 'broken');
    cpSync(outDir, broken, { recursive: true });
    copyFileSync(join(root, 'work', 'rel2d.json'), join(broken, 'rel2d.json'));
    await expect(
      runNer(asDocument(makeDoc(5, 'test', 'left', 20)), { modelDir: broken }),
    ).rejects.toMatchObject({
      code: 'INVEX_E_MODEL_MISSING',
    });
  });

  it('computes rel_pair in JS exactly as torch does', () => {
    const check = join(root, 'work', 'check');
    const spec = JSON.parse(readFileSync(join(check, 'check.json'), 'utf8')) as {
      inputs: Record<string, { file: string; shape: number[] }>;
    };
    const ints = (name: string) => {
      const buf = readFileSync(join(check, spec.inputs[name]?.file ?? ''));
      return new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    };
    const [batch, seq] = spec.inputs.bbox?.shape ?? [];
    const rel2d = JSON.parse(readFileSync(join(outDir, 'rel2d.json'), 'utf8')) as Rel2dTable;
    if (batch === undefined || seq === undefined) throw new Error('no check batch');
    const fromTorch = ints('rel_pair');
    expect(fromTorch.length).toBe(batch * seq * seq);
    // Words at many distances: a check batch of real windows covers most buckets of both axes.
    expect(new Set(fromTorch).size).toBeGreaterThan(50);
    expect(relPairs({ batch, seq, bbox: ints('bbox') }, rel2dLuts(rel2d))).toEqual(fromTorch);
  });

  it('trains to a float16 checkpoint on one machine and exports it on another (--checkpoint-only, --from-checkpoint)', async () => {
    // What a lent GPU machine runs: train.py alone on the exported arrays, stopping at the checkpoint.
    const elsewhere = join(root, 'elsewhere');
    const args = [
      '--arrays',
      join(root, 'work', 'arrays'),
      '--out',
      elsewhere,
      '--smoke',
      '--checkpoint-only',
      'float16',
    ];
    execFileSync('/usr/bin/python3', [join('training', 'train.py'), ...args], { stdio: 'pipe' });
    const ckpt = join(elsewhere, 'checkpoint.pt');
    expect(existsSync(ckpt)).toBe(true);
    expect(existsSync(join(elsewhere, 'model.onnx'))).toBe(false);
    const dtypes = execFileSync('/usr/bin/python3', [
      '-c',
      "import sys, torch; c = torch.load(sys.argv[1]); print(sorted({str(t.dtype) for t in c['state_dict'].values() if t.is_floating_point()}), c['run']['checkpoint_dtype'], len(c['run']['history']))",
      ckpt,
    ]).toString();
    expect(dtypes.trim()).toBe("['torch.float16'] float16 1");
    // Back here: scored, exported and optimised from the checkpoint, its history kept.
    const r = await train({
      corpusDir: join(root, 'corpus'),
      outDir: join(root, 'from-checkpoint'),
      workDir: join(root, 'work-from-checkpoint'),
      quiet: true,
      pythonArgs: ['--from-checkpoint', ckpt],
    });
    expect(r.onnxCheck.ok).toBe(true);
    expect(r.optimizeCheck.ok).toBe(true);
    const training = JSON.parse(readFileSync(join(root, 'from-checkpoint', 'training.json'), 'utf8'));
    expect(training.history).toHaveLength(1);
    expect(training.exported_by.from_checkpoint).toBe(ckpt);
  }, 120_000);

  it('loads through runNer: entities per page, with the model sha256', async () => {
    const doc = asDocument(makeDoc(77, 'test', 'right', 90));
    const res = await runNer(doc, { modelDir: outDir, aggregation: 'none' });
    expect(res.pages.map((p) => p.number)).toEqual(doc.pages.map((p) => p.number));
    expect(res.model.sha256).toBe(
      createHash('sha256')
        .update(readFileSync(join(outDir, 'model.onnx')))
        .digest('hex'),
    );
    expect(res.model.name).toBe('model');
    for (const [i, p] of res.pages.entries()) {
      const n = doc.pages[i]?.words.length ?? 0;
      expect(p.text.split(' ')).toHaveLength(n);
      for (const e of p.entities) {
        expect(p.text.slice(e.start, e.end)).toBe(e.word);
        expect(e.score).toBeGreaterThan(0);
        expect(e.score).toBeLessThanOrEqual(1);
      }
    }
    const grouped = await runNer(doc, { modelDir: outDir });
    for (const e of grouped.pages.flatMap((p) => p.entities) as GroupedEntity[]) {
      expect(FIELD_NAMES).toContain(e.entity_group);
    }
  });
});
