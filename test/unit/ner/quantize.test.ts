/**
 * The shipped graph's int8 weights give the same numbers on every x86 CPU (training/optimize_onnx.py). onnxruntime
 * multiplies uint8 activations by int8 weights with VPMADDUBSW on CPUs without VNNI (AVX2), whose 16-bit sum of
 * two products saturates at 32,767; weights stored as uint8 (zero point 128) take the U8U8 kernels, which do not.
 * The graph here is built to saturate: every activation quantises to 255 and every weight to ±127, so a pair sums to
 * 64,770. On a VNNI CPU every storage is exact; on an AVX2 one (AMD EPYC here) int8 ±127 gave 32.4 for 64, while u8
 * and 7-bit int8 are exact, which is what this test holds to.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeSessions, loadSession } from '../../../src/ner/onnx.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const PYTHON = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'invex-quant-'));
const K = 64;

afterAll(async () => {
  await closeSessions();
  rmSync(dir, { recursive: true, force: true });
});

/** A one-MatMul graph y = x·W (W: K×2, column 0 all +1, column 1 all −1) in `<dir>/model.onnx`. */
function saturatingGraph(at: string): void {
  mkdirSync(at, { recursive: true });
  execFileSync(PYTHON, [
    '-c',
    `import numpy as np, onnx, sys
from onnx import helper, numpy_helper, TensorProto
w = np.stack([np.ones(${K}), -np.ones(${K})], axis=1).astype(np.float32)
g = helper.make_graph([helper.make_node('MatMul', ['x', 'w'], ['y'], name='dense')], 'g',
    [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, ${K}])],
    [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 2])], [numpy_helper.from_array(w, 'w')])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid('', 17)]), sys.argv[1])`,
    join(at, 'model.onnx'),
  ]);
}

async function run(weights: string): Promise<number[]> {
  const src = join(dir, 'fp32');
  saturatingGraph(src);
  const out = join(dir, weights);
  execFileSync(PYTHON, ['training/optimize_onnx.py', src, '--out', out, '--weights', weights], { cwd: ROOT });
  const session = await loadSession(join(out, 'model.onnx'));
  const res = await session.run({ x: { type: 'float32', data: new Float32Array(K).fill(1), dims: [1, K] } });
  return Array.from(res.y?.data as Float32Array);
}

describe('int8 weights (training/optimize_onnx.py)', () => {
  it('u8 weights (the default) compute x·W exactly where int8 products would saturate', async () => {
    const [pos, neg] = await run('u8');
    expect(pos).toBeCloseTo(K, 3);
    expect(neg).toBeCloseTo(-K, 3);
  });

  it('s7 weights stay under the 16-bit sum too (at half the precision)', async () => {
    const [pos, neg] = await run('s7');
    expect(pos).toBeCloseTo(K, 3);
    expect(neg).toBeCloseTo(-K, 3);
  });
});
