import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { calibrateCommand } from '../../src/cli/calibrate-command.js';

// `invex calibrate` end to end on a labeled set made of the two digital samples: one label right (the
// invoice number as printed), one deliberately wrong, so the reliability table must count both.
describe('invex calibrate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'invex-calibrate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('judges the extracted values against the labels and reports cross-validated reliability', async () => {
    const lines = ['invoice-digital.pdf', 'invoice-2-pages.pdf'].map((name) => {
      const expected = JSON.parse(readFileSync(`samples/expected/${name}.json`, 'utf8'));
      return JSON.stringify({
        file: resolve('samples', name),
        fields: { invoice_number: expected.fields.invoice_number.value, total_amount: '0.01' },
      });
    });
    writeFileSync(join(dir, 'gt.jsonl'), `${lines.join('\n')}\n`);
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      out += String(s);
      return true;
    });
    try {
      await calibrateCommand([dir, '--dry-run', '--json', '--folds', '2']);
    } finally {
      spy.mockRestore();
    }
    const report = JSON.parse(out) as { samples: number; raw: { values: number; accuracy?: number }[] };
    expect(report.samples).toBe(4);
    const judged = report.raw.reduce((a, r) => a + r.values, 0);
    const right = report.raw.reduce((a, r) => a + r.values * (r.accuracy ?? 0), 0);
    expect(judged).toBe(4);
    expect(Math.round(right)).toBe(2);
  }, 120_000);
});
