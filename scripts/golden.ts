/**
 * Regenerates the golden outputs of the bundled samples (`npm run golden`): samples/expected/<name>.json is
 * what `invex extract samples/<name>` prints, without timings. Run it after a deliberate change of the model
 * or of the pipeline, and review the diff.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { closePipeline, defaultFrontEndOptions, extractFile } from '../src/pipeline.js';
import { goldenView, SAMPLE_FILES } from '../test/fixtures/golden.js';

mkdirSync('samples/expected', { recursive: true });
try {
  for (const name of SAMPLE_FILES) {
    const out = await extractFile(`samples/${name}`, defaultFrontEndOptions());
    writeFileSync(`samples/expected/${name}.json`, `${JSON.stringify(goldenView(out), null, 2)}\n`);
    console.log(`samples/expected/${name}.json`);
  }
} finally {
  await closePipeline();
}
