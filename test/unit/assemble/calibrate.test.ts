import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyMap,
  calibrateConfidence,
  fieldKind,
  fitCalibration,
  fitIsotonic,
  MIN_SAMPLES,
} from '../../../src/assemble/calibrate.js';
import { crossValidate, foldOf } from '../../../src/cli/calibrate-command.js';

describe('fitIsotonic', () => {
  it('pools violators into a non-decreasing map', () => {
    const m = fitIsotonic([
      { x: 0.1, y: 1 },
      { x: 0.2, y: 0 },
      { x: 0.5, y: 0 },
      { x: 0.9, y: 1 },
    ]);
    // 1 then 0 violate order and pool (mean 0.5); that block is still above the next 0, so all three pool.
    expect(m.y).toHaveLength(2);
    expect(m.y[0]).toBeCloseTo(1 / 3);
    expect(m.y[1]).toBe(1);
    expect(m.x[0]).toBeCloseTo(0.8 / 3);
    expect(applyMap(m, 0.05)).toBeCloseTo(1 / 3);
    expect(applyMap(m, (0.8 / 3 + 0.9) / 2)).toBeCloseTo(2 / 3);
  });

  it('is non-decreasing and within [0, 1] for any data', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ x: fc.double({ min: 0, max: 1, noNaN: true }), y: fc.constantFrom(0, 1) }), {
          minLength: 1,
        }),
        (pts) => {
          const m = fitIsotonic(pts);
          for (let i = 1; i < m.y.length; i++)
            expect(m.y[i] as number).toBeGreaterThanOrEqual(m.y[i - 1] as number);
          for (const x of [0, 0.3, 0.7, 1]) {
            const v = applyMap(m, x);
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('calibration', () => {
  it('maps over-confident scores down to the measured accuracy', () => {
    // Values scored 0.95 are right 70% of the time, values scored 0.5 right 20%.
    const samples = [
      ...Array.from({ length: 100 }, (_, i) => ({
        field: 'total_amount',
        confidence: 0.95,
        correct: i < 70,
      })),
      ...Array.from({ length: 100 }, (_, i) => ({ field: 'tax_amount', confidence: 0.5, correct: i < 20 })),
    ];
    const maps = fitCalibration(samples);
    expect(calibrateConfidence({ maps }, 'subtotal_amount', 0.95)).toBeCloseTo(0.7);
    expect(calibrateConfidence({ maps }, 'total_amount', 0.5)).toBeCloseTo(0.2);
    // No map for dates (no samples): raw confidence stays.
    expect(calibrateConfidence({ maps }, 'issue_date', 0.93)).toBe(0.93);
  });

  it('keeps raw confidence for a kind with too few samples', () => {
    const few = Array.from({ length: MIN_SAMPLES - 1 }, () => ({
      field: 'iban',
      confidence: 0.9,
      correct: false,
    }));
    expect(fitCalibration(few).identifier).toBeUndefined();
    expect(fieldKind('iban')).toBe('identifier');
    expect(fieldKind('supplier_address')).toBe('text');
  });

  it('cross-validates by document: every sample is mapped by folds that never saw its document', () => {
    const samples = Array.from({ length: 200 }, (_, i) => ({
      set: 's',
      file: `doc-${i % 50}`,
      field: 'total_amount',
      confidence: (i % 10) / 10,
      correct: i % 3 === 0,
    }));
    const oof = crossValidate(samples, 5);
    expect(oof).toHaveLength(samples.length);
    expect(new Set(samples.map((s) => foldOf(s.set, s.file, 5))).size).toBe(5);
  });
});

describe('calibrationFor (pipeline)', () => {
  it('loads the file of the same model, ignores one fitted on another model, refuses a broken one', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { calibrationFor, closePipeline } = await import('../../../src/pipeline.js');
    const dir = mkdtempSync(join(tmpdir(), 'invex-cal-'));
    try {
      const cal = {
        version: 1,
        model_sha256: 'aaa',
        fitted_on: ['x'],
        samples: 40,
        maps: { amount: { x: [0.5, 1], y: [0.2, 0.9] } },
      };
      writeFileSync(join(dir, 'calibration.json'), JSON.stringify(cal));
      expect(calibrationFor(dir, 'aaa')?.maps.amount?.y).toEqual([0.2, 0.9]);
      expect(calibrationFor(dir, 'bbb')).toBeUndefined();
      writeFileSync(join(dir, 'calibration.json'), JSON.stringify({ version: 2 }));
      await closePipeline(); // clears the per-process cache
      expect(() => calibrationFor(dir, 'aaa')).toThrow(/not a calibration file/);
      writeFileSync(join(dir, 'calibration.json'), '{ not json');
      await closePipeline();
      expect(() => calibrationFor(dir, 'aaa')).toThrow(/cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
