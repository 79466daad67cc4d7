/**
 * The machine-readable last line of every benchmark: `BENCH_RESULT {json}`, one per run, which
 * bench/index.ts gathers into its summary. The human-readable output above it stays as it is.
 */

export interface BenchRow {
  /** What is measured, e.g. "queue CPU per document". */
  measure: string;
  /** Ours and the reference measured in the same run, in `unit`; reference absent for a fixed target. */
  ours: number;
  reference?: number;
  unit: string;
  /** ours / reference (or / the target value): what the target is stated on; null when not measured. */
  ratio: number | null;
  /** The target on the ratio, e.g. "≤ 1.10". */
  target: string;
  /** null when the reference could not be measured (a missing tool). */
  met: boolean | null;
  note?: string;
}

export const RESULT_PREFIX = 'BENCH_RESULT ';

export function emitResult(bench: string, rows: BenchRow[]): void {
  console.log(`${RESULT_PREFIX}${JSON.stringify({ bench, rows })}`);
}

/** `target` as "≤ x" or "≥ x": whether ratio meets it. */
export function meets(ratio: number, target: string): boolean {
  const m = /^(≤|≥)\s*([\d.]+)/.exec(target);
  if (!m) return false;
  const limit = Number(m[2]);
  return m[1] === '≤' ? ratio <= limit : ratio >= limit;
}
