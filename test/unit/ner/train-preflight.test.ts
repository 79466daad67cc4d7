/** npm run train checks its Python side before anything else: a missing module fails at once, not after training. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { train } from '../../../training/train.js';
import { writeTinyCorpus } from '../../fixtures/ner-corpus.js';

const root = mkdtempSync(join(tmpdir(), 'invex-train-preflight-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('train preflight', () => {
  it('refuses to start when the Python interpreter cannot import torch and onnx', async () => {
    writeTinyCorpus(join(root, 'corpus'), 2);
    const work = join(root, 'work');
    await expect(
      train({
        corpusDir: join(root, 'corpus'),
        outDir: join(root, 'out'),
        workDir: work,
        python: '/bin/false',
        quiet: true,
      }),
    ).rejects.toThrow(/cannot import torch and onnx.*python3-onnx/s);
    // Nothing was exported or trained.
    expect(existsSync(join(work, 'arrays'))).toBe(false);
  });
});
