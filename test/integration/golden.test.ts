import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { validateInvoice } from '../../src/assemble/validate.js';
import { closePipeline, defaultFrontEndOptions, extractFile } from '../../src/pipeline.js';
import { goldenView, SAMPLE_FILES } from '../fixtures/golden.js';

// Golden outputs: the shipped model on the bundled samples must give exactly the committed results
// (regenerate deliberately with `npm run golden` and review the diff).
describe('golden outputs of samples/', () => {
  afterAll(() => closePipeline());

  it.each(SAMPLE_FILES)('%s', async (name) => {
    const out = await extractFile(`samples/${name}`, defaultFrontEndOptions());
    expect(validateInvoice(out).success).toBe(true);
    const expected = JSON.parse(readFileSync(`samples/expected/${name}.json`, 'utf8'));
    expect(goldenView(out)).toEqual(expected);
  });
});
