/**
 * The `invex` command line. Each command is a thin adapter over the stage functions, loaded only when
 * it runs (the service and training commands pull in fastify, BullMQ and the generator).
 * Exit status: 0 all good, 1 some input failed, 2 usage or configuration error.
 */
import type { RunFilesSummary } from './cli/run-files.js';
import { InvexError, toInvexError } from './errors.js';

interface CommandModule {
  usage: string;
  run: (argv: string[]) => Promise<RunFilesSummary | undefined>;
}

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  extract: {
    summary: 'extract FILE...        invoice fields, line items and checks, one JSON line per file',
    load: async () => {
      const m = await import('./cli/extract-command.js');
      return { usage: m.EXTRACT_USAGE, run: m.extractCommand };
    },
  },
  ocr: {
    summary: 'ocr FILE...            the words of every page, with boxes',
    load: async () => {
      const m = await import('./cli/ocr-command.js');
      return { usage: m.OCR_USAGE, run: m.ocrCommand };
    },
  },
  eval: {
    summary: 'eval SET_DIR           shared EVAL.md scores on a labeled set',
    load: async () => {
      const m = await import('./cli/eval-command.js');
      return { usage: m.EVAL_USAGE, run: m.evalCommand };
    },
  },
  calibrate: {
    summary: 'calibrate SET_DIR...   fit confidence calibration on labeled sets',
    load: async () => {
      const m = await import('./cli/calibrate-command.js');
      return { usage: m.CALIBRATE_USAGE, run: m.calibrateCommand };
    },
  },
  batch: {
    summary: 'batch DIR --out OUT    a folder of documents, in-process or through the queue',
    load: async () => {
      const m = await import('./cli/batch-command.js');
      return { usage: m.BATCH_USAGE, run: m.batchCommand };
    },
  },
  serve: {
    summary: 'serve                  the HTTP API',
    load: async () => {
      const m = await import('./cli/serve-command.js');
      return { usage: m.SERVE_USAGE, run: m.serveCommand };
    },
  },
  worker: {
    summary: 'worker                 queue workers',
    load: async () => {
      const m = await import('./cli/worker-command.js');
      return { usage: m.WORKER_USAGE, run: m.workerCommand };
    },
  },
  synth: {
    summary: 'synth --out DIR        synthetic labeled invoices',
    load: async () => {
      const m = await import('./cli/synth-command.js');
      return { usage: m.SYNTH_USAGE, run: m.synthCommand };
    },
  },
  corpus: {
    summary: 'corpus import|stats    the real labeled sets as training corpus',
    load: async () => {
      const m = await import('./cli/corpus-command.js');
      return { usage: m.CORPUS_USAGE, run: m.corpusCommand };
    },
  },
  train: {
    summary: 'train                  train the NER model and export it to ONNX',
    load: async () => {
      const m = await import('./cli/train-command.js');
      return { usage: m.TRAIN_USAGE, run: m.trainCommand };
    },
  },
};

const MAIN_USAGE = `usage: invex <command> [options]

commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.summary}`)
  .join('\n')}

Run 'invex <command> --help' for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${MAIN_USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`invex: unknown command '${name}'\n${MAIN_USAGE}\n`);
    return 2;
  }
  const command = await entry.load();
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
}
process.exitCode = code;
