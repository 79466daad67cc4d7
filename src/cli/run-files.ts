/**
 * Runs one command over many input files: bounded concurrency, output in input order, a progress
 * bar on a TTY, and a bad file never stops the batch (its line carries the coded error).
 */
import cliProgress from 'cli-progress';
import { type ErrorInfo, errorInfo } from '../errors.js';

export type OutputFormat = 'json' | 'jsonl';

export interface RunFilesOptions {
  format: OutputFormat;
  concurrency: number;
  /** Where results go; defaults to stdout. */
  write?: (text: string) => void;
  /** Where messages go; defaults to stderr. */
  warn?: (text: string) => void;
  progress?: boolean;
}

export interface RunFilesSummary {
  total: number;
  failed: number;
}

type Line = { file: string; error?: ErrorInfo } & Record<string, unknown>;

export async function runFiles(
  files: readonly string[],
  work: (file: string) => Promise<Record<string, unknown>>,
  opts: RunFilesOptions,
): Promise<RunFilesSummary> {
  const write = opts.write ?? ((t: string) => process.stdout.write(t));
  const warn = opts.warn ?? ((t: string) => process.stderr.write(t));
  const showBar = opts.progress ?? (process.stderr.isTTY === true && files.length > 1);
  const bar = showBar
    ? new cliProgress.SingleBar(
        { stream: process.stderr, format: 'invex [{bar}] {value}/{total} files | {file}', hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(files.length, 0, { file: '' });

  const lines: (Line | undefined)[] = new Array(files.length);
  const collected: Line[] = [];
  let flushed = 0;
  let failed = 0;
  let done = 0;
  const held: string[] = [];

  // jsonl lines leave as soon as every earlier file is done, so output order = input order.
  const flush = () => {
    while (flushed < files.length && lines[flushed] !== undefined) {
      const line = lines[flushed] as Line;
      if (opts.format === 'jsonl') write(`${JSON.stringify(line)}\n`);
      else collected.push(line);
      lines[flushed] = undefined;
      flushed++;
    }
  };

  const one = async (index: number) => {
    const file = files[index] as string;
    let line: Line;
    try {
      line = { file, ...(await work(file)) };
    } catch (err) {
      const info = errorInfo(err);
      failed++;
      line = { file, error: info };
      const message = `invex: ${file}: ${info.code}: ${info.message}\n`;
      // A message printed under a live progress bar would be overwritten: hold it until the bar ends.
      if (bar) held.push(message);
      else warn(message);
    }
    lines[index] = line;
    done++;
    bar?.update(done, { file });
    flush();
  };

  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(opts.concurrency, files.length)) }, async () => {
    while (next < files.length) await one(next++);
  });
  await Promise.all(lanes);
  bar?.stop();
  for (const message of held) warn(message);

  if (opts.format === 'json') {
    write(`${JSON.stringify(files.length === 1 ? collected[0] : collected, null, 2)}\n`);
  }
  if (failed > 0 && files.length > 1) warn(`invex: ${failed} of ${files.length} files failed\n`);
  return { total: files.length, failed };
}
