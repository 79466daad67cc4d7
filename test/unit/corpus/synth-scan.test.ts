import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { runSynth } from '../../../src/corpus/synth/index.js';
import { toPagePoints } from '../../../src/corpus/synth/scan.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('scan geometry', () => {
  it.each([-3, -1.2, 0.7, 2.5])(
    'maps a pixel of the %s° skewed page back to its page point',
    async (angle) => {
      // A dark square at a known page point, rendered at 2 px/pt, skewed with sharp like the scan step.
      const [wPt, hPt, s] = [200, 120, 2];
      const w = wPt * s;
      const h = hPt * s;
      const data = Buffer.alloc(w * h, 255);
      const [px, py] = [150, 30];
      for (let y = py * s - 4; y < py * s + 4; y++)
        for (let x = px * s - 4; x < px * s + 4; x++) data[y * w + x] = 0;
      const out = await sharp(data, { raw: { width: w, height: h, channels: 1 } })
        .rotate(angle, { background: { r: 255, g: 255, b: 255 } })
        .toColourspace('b-w')
        .raw()
        .toBuffer({ resolveWithObject: true });
      let sx = 0;
      let sy = 0;
      let n = 0;
      for (let y = 0; y < out.info.height; y++) {
        for (let x = 0; x < out.info.width; x++) {
          if ((out.data[y * out.info.width + x] ?? 255) < 128) {
            sx += x + 0.5;
            sy += y + 0.5;
            n++;
          }
        }
      }
      const g = { sx: s, sy: s, w, h, W: out.info.width, H: out.info.height, angle };
      const [x, y] = toPagePoints(g, sx / n, sy / n);
      expect(Math.abs(x - px)).toBeLessThan(1);
      expect(Math.abs(y - py)).toBeLessThan(1);
    },
  );
});

describe('scanned variants', () => {
  it('renders, degrades and OCRs pages, and recovers ≥ 95% of the values from the OCR labels', async () => {
    const out = await mkdtemp(join(tmpdir(), 'invex-synth-scan-'));
    dirs.push(out);
    const report = await runSynth({
      count: 4,
      seed: 3,
      out,
      scannedRatio: 1,
      families: ['classic', 'receipt', 'band', 'din5008'],
    });
    expect(report.scanned).toBe(4);
    expect(report.recoveryScanned.values).toBeGreaterThan(40);
    expect(report.recoveryScanned.rate, JSON.stringify(report.missingSamples)).toBeGreaterThanOrEqual(0.95);
    const gt = (await readFile(join(out, 'gt.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    for (const g of gt) {
      expect(g.file).toMatch(/^img\/.+\.png$/);
      expect((await stat(join(out, g.file))).size).toBeGreaterThan(10_000);
    }
    const docs = (await readFile(join(out, 'synth.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    for (const d of docs) {
      expect(d.pages[0].source).toBe('ocr');
      expect(d.pages[0].words.some((w: { label: string }) => w.label.startsWith('B-'))).toBe(true);
    }
  }, 300_000);
});
