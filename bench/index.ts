/**
 * Every benchmark, each in its own child process, then one summary table of each target as a ratio against
 * the reference measured in the same run (`npm run bench [-- --quick] [--only queue,ner] [--queue-n 100]`).
 *   --quick        small sizes: a first look in about a minute or two (the ratios are noisier)
 *   --only a,b     run only these benchmarks (front, ner, assemble, queue)
 *   --<bench>-<flag> value   passed to that benchmark as --<flag> value, over the defaults below
 *                  (e.g. --front-ocr-pages 200, --queue-n 200, --queue-warm 50, --ner-model DIR)
 * Each benchmark's own output is shown as it runs; its last line, BENCH_RESULT {json} (bench/result.ts),
 * feeds the summary. Exits 1 when a benchmark fails to run (a target not met is a result, not a failure).
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BenchRow, RESULT_PREFIX } from './result.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Sizes per benchmark: the default run takes a few minutes on 2 cores, --quick about a minute or two. */
const BENCHES: Record<string, { file: string; args: string[]; quick: string[] }> = {
  front: {
    file: 'bench/front.ts',
    args: ['--pages', '20', '--ocr-pages', '40'],
    quick: ['--pages', '5', '--ocr-pages', '0'],
  },
  ner: { file: 'bench/ner.ts', args: ['--reps', '50'], quick: ['--reps', '20'] },
  assemble: { file: 'bench/assemble.ts', args: ['--docs', '60'], quick: ['--docs', '20'] },
  queue: {
    file: 'bench/queue.ts',
    args: ['--n', '200', '--warm', '300'],
    quick: ['--n', '60', '--warm', '20'],
  },
};

const { values, tokens } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
  strict: false,
  tokens: true,
});

/** Overrides like `--queue-n 100`: collected per benchmark, replacing that flag's default. */
function overrides(name: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [i, t] of tokens.entries()) {
    if (t.kind !== 'option' || !t.name.startsWith(`${name}-`)) continue;
    const next = tokens[i + 1];
    const value = t.value ?? (next?.kind === 'positional' ? next.value : undefined);
    if (value === undefined) throw new Error(`--${t.name} needs a value`);
    out.set(`--${t.name.slice(name.length + 1)}`, value);
  }
  return out;
}

function argsFor(name: string): string[] {
  const b = BENCHES[name] as (typeof BENCHES)[string];
  const args = new Map<string, string>();
  const base = values.quick ? b.quick : b.args;
  for (let i = 0; i < base.length; i += 2) args.set(base[i] as string, base[i + 1] as string);
  for (const [k, v] of overrides(name)) args.set(k, v);
  return [...args].flat();
}

interface Outcome {
  name: string;
  args: string[];
  seconds: number;
  rows?: BenchRow[];
  error?: string;
}

/** Runs one benchmark in a child process, echoing its output, and picks up its BENCH_RESULT line. */
function runBench(name: string): Promise<Outcome> {
  const args = argsFor(name);
  const file = (BENCHES[name] as (typeof BENCHES)[string]).file;
  console.log(`\n=== ${name}: node bin/run-ts.js ${file} ${args.join(' ')}`);
  const t0 = performance.now();
  const child = spawn(process.execPath, [resolve(ROOT, 'bin/run-ts.js'), file, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let rows: BenchRow[] | undefined;
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith(RESULT_PREFIX))
        rows = (JSON.parse(line.slice(RESULT_PREFIX.length)) as { rows: BenchRow[] }).rows;
      else console.log(line);
    }
  });
  return new Promise((done) => {
    child.on('close', (code) => {
      if (pending) console.log(pending);
      const seconds = (performance.now() - t0) / 1000;
      const outcome: Outcome = { name, args, seconds };
      if (rows) outcome.rows = rows;
      if (code !== 0 || !rows) outcome.error = `exit code ${code}${rows ? '' : ', no BENCH_RESULT line'}`;
      done(outcome);
    });
  });
}

const fmt = (x: number | undefined, unit: string) =>
  x === undefined ? '-' : `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)} ${unit}`;

function summary(outcomes: Outcome[]): void {
  const table: string[][] = [['benchmark', 'measure', 'ours', 'reference', 'ratio', 'target', '', 'note']];
  for (const o of outcomes) {
    if (o.error && !o.rows) {
      table.push([o.name, `did not run to the end (${o.error})`, '', '', '', '', 'FAILED', '']);
      continue;
    }
    for (const r of o.rows ?? []) {
      table.push([
        o.name,
        r.measure,
        fmt(r.ours, r.unit),
        fmt(r.reference, r.unit),
        r.ratio === null ? '-' : `${r.ratio.toFixed(2)}×`,
        `${r.target}×`,
        r.met === null ? 'not measured' : r.met ? 'met' : 'NOT met',
        r.note ?? '',
      ]);
    }
  }
  const widths = (table[0] as string[]).map((_, c) => Math.max(...table.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((cell, c) => (c >= 2 && c <= 4 ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  console.log(
    `\n=== summary (${values.quick ? 'quick sizes; ' : ''}ratios against references measured in the same run)`,
  );
  console.log(line(table[0] as string[]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of table.slice(1)) console.log(line(row));
  for (const o of outcomes)
    console.log(`${o.name}: ${o.seconds.toFixed(0)} s (${o.args.join(' ') || 'defaults'})`);
}

for (const t of tokens) {
  if (t.kind !== 'option' || t.name === 'quick' || t.name === 'only') continue;
  if (!Object.keys(BENCHES).some((b) => t.name.startsWith(`${b}-`))) {
    console.error(`bench: unknown option --${t.name}; pass a benchmark's flags as --<bench>-<flag> value`);
    process.exit(2);
  }
}
const only =
  typeof values.only === 'string' ? values.only.split(',').map((s) => s.trim()) : Object.keys(BENCHES);
for (const name of only) {
  if (!(name in BENCHES)) {
    console.error(`bench: unknown benchmark ${name}; expected ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
}
const outcomes: Outcome[] = [];
for (const name of only) outcomes.push(await runBench(name));
summary(outcomes);
if (outcomes.some((o) => o.error)) process.exitCode = 1;
