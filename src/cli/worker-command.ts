/** `invex worker`: BullMQ workers for some or all stages, until SIGTERM or SIGINT. */

import { InvexError } from '../errors.js';
import { STAGES, type Stage } from '../queue/names.js';
import { parseCommandArgs } from './args.js';

export const WORKER_USAGE = `usage: invex worker [--stages ingest,ocr,assemble,deliver] [--concurrency N]

Processes queued documents (REDIS_URL, INVEX_DATA_DIR shared with the API). Run as many as you like, on as
many machines: pages of one document spread over all of them.
  --stages       stages to run (default all; 'ner' is an alias of assemble, which runs NER then assembly;
                 ingest also runs them for a document whose every page has a text layer)
  --concurrency  jobs at once per stage (default INVEX_WORKER_CONCURRENCY or 1); ingest, OCR and assemble
                 run in that many child processes
SIGTERM or SIGINT: finish the current jobs, then exit; a second signal exits at once (the jobs are taken
over by another worker when their lock expires).`;

export function parseStages(text: string): Stage[] {
  const out = new Set<Stage>();
  for (const raw of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const s = raw === 'ner' ? 'assemble' : raw;
    if (!(STAGES as readonly string[]).includes(s)) {
      throw new InvexError('INVEX_E_USAGE', `unknown stage ${raw}: expected ${STAGES.join(', ')} (or ner)`);
    }
    out.add(s as Stage);
  }
  if (out.size === 0) throw new InvexError('INVEX_E_USAGE', '--stages is empty');
  return [...out];
}

export async function workerCommand(argv: string[]): Promise<undefined> {
  const { values, positionals } = parseCommandArgs(argv, {
    stages: { type: 'string' },
    concurrency: { type: 'string' },
  });
  if (positionals.length > 0) throw new InvexError('INVEX_E_USAGE', `unexpected argument ${positionals[0]}`);
  const stages = typeof values.stages === 'string' ? parseStages(values.stages) : [...STAGES];
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw new InvexError(
      'INVEX_E_USAGE',
      `--concurrency must be a positive integer, got ${values.concurrency}`,
    );
  }
  // Loaded on use, so that other commands start without bullmq.
  const { startWorkers } = await import('../../workers/start.js');
  const running = await startWorkers({
    stages,
    ...(concurrency !== undefined ? { concurrency } : {}),
    onEvent: (e) => {
      const ms = e.ms !== undefined ? ` in ${e.ms} ms` : '';
      process.stderr.write(
        `invex worker: ${e.stage} ${e.jobId} ${e.event}${ms}${e.reason ? `: ${e.reason}` : ''}\n`,
      );
    },
  });
  process.stderr.write(`invex worker: ${process.pid} running ${stages.join(', ')}\n`);
  await new Promise<void>((done) => {
    let signals = 0;
    const stop = () => {
      signals++;
      if (signals === 1) {
        process.stderr.write('invex worker: finishing the current jobs (signal again to stop at once)\n');
        running.close().then(done, done);
      } else {
        // The locks of the current jobs expire and another worker takes them over (stalled-job recovery).
        process.stderr.write('invex worker: stopping now; the current jobs will be picked up again\n');
        process.exit(130);
      }
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  // Ingest runs in this process: release its engines so that the process can exit.
  const { closePipeline } = await import('../pipeline.js');
  await closePipeline();
  return undefined;
}
