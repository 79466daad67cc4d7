/**
 * The `invex` command line. Each command is a thin adapter over the stage functions.
 * Exit status: 0 all good, 1 some input failed, 2 usage or configuration error.
 */
import { BATCH_USAGE, batchCommand } from './cli/batch-command.js';
import { EVAL_USAGE, evalCommand } from './cli/eval-command.js';
import { EXTRACT_USAGE, extractCommand } from './cli/extract-command.js';
import { OCR_USAGE, ocrCommand } from './cli/ocr-command.js';
import type { RunFilesSummary } from './cli/run-files.js';
import { SERVE_USAGE, serveCommand } from './cli/serve-command.js';
import { WORKER_USAGE, workerCommand } from './cli/worker-command.js';
import { InvexError, toInvexError } from './errors.js';
import { closePipeline } from './pipeline.js';

interface Command {
  usage: string;
  run: (argv: string[]) => Promise<RunFilesSummary | undefined>;
}

const COMMANDS: Record<string, Command> = {
  extract: { usage: EXTRACT_USAGE, run: extractCommand },
  ocr: { usage: OCR_USAGE, run: ocrCommand },
  eval: { usage: EVAL_USAGE, run: evalCommand },
  batch: { usage: BATCH_USAGE, run: batchCommand },
  worker: { usage: WORKER_USAGE, run: workerCommand },
  serve: { usage: SERVE_USAGE, run: serveCommand },
};

const MAIN_USAGE = `usage: invex <command> [options]

commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage.split('\n')[0]?.replace('usage: ', '')}`)
  .join('\n')}

Run 'invex <command> --help' for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${MAIN_USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`invex: unknown command '${name}'\n${MAIN_USAGE}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  const summary = await command.run(rest);
  return summary && summary.failed > 0 ? 1 : 0;
}

let code: number;
try {
  code = await main(process.argv.slice(2));
} catch (err) {
  const e = toInvexError(err);
  process.stderr.write(`invex: ${e.code}: ${e.message}\n`);
  code = e instanceof InvexError && (e.code === 'INVEX_E_USAGE' || e.code === 'INVEX_E_CONFIG') ? 2 : 1;
} finally {
  await closePipeline();
}
process.exitCode = code;
