/** Argument parsing shared by the commands (node:util parseArgs), with usage errors as coded errors. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { InvexError } from '../errors.js';
import type { OutputFormat } from './run-files.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs(argv: string[], options: Options) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new InvexError('INVEX_E_USAGE', err instanceof Error ? err.message : String(err));
  }
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new InvexError(
    'INVEX_E_USAGE',
    `--${name} must be one of ${allowed.join('|')}, got ${String(value)}`,
  );
}

export const parseFormat = (v: unknown): OutputFormat => oneOf('format', v, ['json', 'jsonl'] as const);
export const parseOcrMode = (v: unknown) => oneOf('ocr', v, ['auto', 'always', 'never'] as const);
