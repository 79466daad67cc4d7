/**
 * `invex batch DIR --out OUT [--queue]`: every file under DIR → OUT/<relative path>.json, plus summary.csv.
 * In-process by default (extractFile, no Redis); with --queue through the service's queue (workers must be
 * running against the same REDIS_URL and INVEX_DATA_DIR). Resumable: a document whose JSON exists is skipped;
 * a failed one leaves <name>.error.json and is tried again on the next run.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Invoice } from '../assemble/schema.js';
import { config } from '../config.js';
import { guardCell } from '../deliver/export-csv.js';
import { createLocalStore, type Store } from '../deliver/store.js';
import { type ErrorInfo, InvexError } from '../errors.js';
import { closePipeline, extractFile } from '../pipeline.js';
import type { QueueRuntime } from '../queue/runtime.js';
import { parseCommandArgs, parseOcrMode } from './args.js';
import { type RunFilesSummary, runFiles } from './run-files.js';

export const BATCH_USAGE = `usage: invex batch DIR --out OUT [--queue] [--concurrency N] [--ocr auto|always|never] [--model DIR]

Extracts every file under DIR (recursively; hidden files skipped) to OUT/<relative path>.json and writes
OUT/summary.csv (one row per file). Documents whose JSON already exists are skipped, so an interrupted run
resumes; failures are written to <name>.error.json and retried next time. Exit status 1 if any file failed.
  --queue        process through the queue (REDIS_URL, INVEX_DATA_DIR; 'invex worker' must be running)
  --concurrency  documents at once (default INVEX_OCR_WORKERS in-process, 64 with --queue)
  --ocr          in-process only: auto (default), always or never
  --model        in-process only: the NER model directory`;

const SUMMARY_COLUMNS = [
  'file',
  'status',
  'id',
  'error_code',
  'error_message',
  'pages',
  'invoice_number',
  'issue_date',
  'supplier_name',
  'total_amount',
  'currency',
  'output',
] as const;

type Row = Record<(typeof SUMMARY_COLUMNS)[number], string>;

/** Every regular, non-hidden file under dir, sorted, except those inside `exclude`. */
async function listFiles(dir: string, exclude: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (p === exclude || p.startsWith(exclude + sep)) continue;
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}

async function writeAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

function rowOf(file: string, output: string, invoice?: Invoice, error?: ErrorInfo, id?: string): Row {
  const f = (name: string) => {
    const field = invoice?.fields[name as keyof Invoice['fields']] as { value: unknown } | undefined;
    return field === undefined ? '' : String(field.value);
  };
  return {
    file,
    status: invoice ? 'done' : 'failed',
    id: invoice?.document.id ?? id ?? '',
    error_code: error?.code ?? '',
    error_message: error?.message ?? '',
    pages: invoice ? String(invoice.document.pages.length) : '',
    invoice_number: f('invoice_number'),
    issue_date: f('issue_date'),
    supplier_name: f('supplier_name'),
    total_amount: f('total_amount'),
    currency: f('currency'),
    output,
  };
}

/** Through the queue: submit, then wait for the document's status to settle. */
async function queueWorker(rt: QueueRuntime, store: Store) {
  const { readMeta, readResult } = await import('../queue/document-meta.js');
  const { documentHex } = await import('../queue/names.js');
  const { admitDocument, submitDocument } = await import('../queue/submit.js');
  const c = config();
  return async (path: string): Promise<Invoice> => {
    const bytes = new Uint8Array(await readFile(path));
    const admission = await admitDocument(bytes, { maxFileBytes: c.maxFileBytes, maxPages: c.maxPages });
    const { meta } = await submitDocument(rt, store, { bytes, admission, fileName: path });
    const hex = documentHex(meta.id);
    for (;;) {
      const m = await readMeta(store, hex);
      if (!m) throw new InvexError('INVEX_E_NOT_FOUND', `${meta.id} was deleted while processing`);
      if (m.status === 'failed') {
        throw new InvexError(m.error?.code ?? 'INVEX_E_INTERNAL', m.error?.message ?? 'failed');
      }
      if (m.status === 'done') {
        const invoice = await readResult(store, hex);
        if (!invoice) throw new InvexError('INVEX_E_INTERNAL', `${meta.id} is done but has no result`);
        return { ...invoice, file: path };
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  };
}

export async function batchCommand(argv: string[]): Promise<RunFilesSummary> {
  const { values, positionals } = parseCommandArgs(argv, {
    out: { type: 'string' },
    queue: { type: 'boolean', default: false },
    concurrency: { type: 'string' },
    ocr: { type: 'string', default: 'auto' },
    model: { type: 'string' },
  });
  if (positionals.length !== 1) throw new InvexError('INVEX_E_USAGE', 'give exactly one input directory');
  if (typeof values.out !== 'string') throw new InvexError('INVEX_E_USAGE', '--out OUT is required');
  const inDir = resolve(positionals[0] as string);
  const outDir = resolve(values.out);
  if (
    !(await stat(inDir).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  ) {
    throw new InvexError('INVEX_E_FILE_NOT_FOUND', `${inDir} is not a directory`);
  }
  const useQueue = values.queue === true;
  const concurrency =
    values.concurrency === undefined ? (useQueue ? 64 : config().ocrWorkers) : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvexError(
      'INVEX_E_USAGE',
      `--concurrency must be a positive integer, got ${values.concurrency}`,
    );
  }

  const files = await listFiles(inDir, outDir);
  const rows = new Map<string, Row>();
  let rt: QueueRuntime | undefined;
  let extract: (path: string) => Promise<Invoice>;
  if (useQueue) {
    // Loaded on use: the in-process mode needs no bullmq.
    const { QueueRuntime } = await import('../queue/runtime.js');
    const { queueSettings } = await import('../queue/settings.js');
    rt = QueueRuntime.open(queueSettings());
    if (!(await rt.waitUntilConnected(10_000))) {
      throw new InvexError('INVEX_E_UNAVAILABLE', `Redis does not answer at ${rt.settings.redisUrl}`);
    }
    if ((await rt.queues.ingest.getWorkersCount()) === 0) {
      process.stderr.write("invex batch: no worker is listening on the queue yet; start 'invex worker'\n");
    }
    extract = await queueWorker(rt, createLocalStore(config().dataDir));
  } else {
    const opts = {
      ocr: parseOcrMode(values.ocr),
      lang: config().ocrLang,
      ...(typeof values.model === 'string' ? { ner: { modelDir: values.model } } : {}),
    };
    extract = (path) => extractFile(path, opts);
  }

  let skipped = 0;
  try {
    const summary = await runFiles(
      files,
      async (path) => {
        const rel = relative(inDir, path);
        const output = join(outDir, `${rel}.json`);
        const errorFile = join(outDir, `${rel}.error.json`);
        if (await exists(output)) {
          skipped++;
          const invoice = JSON.parse(await readFile(output, 'utf8')) as Invoice;
          rows.set(path, rowOf(rel, relative(outDir, output), invoice));
          return {};
        }
        try {
          const invoice = { ...(await extract(path)), file: rel };
          await writeAtomic(output, `${JSON.stringify(invoice, null, 2)}\n`);
          await rm(errorFile, { force: true });
          rows.set(path, rowOf(rel, relative(outDir, output), invoice));
          return {};
        } catch (err) {
          const e = err instanceof InvexError ? err : undefined;
          const error: ErrorInfo = e
            ? { code: e.code, message: e.message }
            : { code: 'INVEX_E_INTERNAL', message: String(err) };
          await writeAtomic(errorFile, `${JSON.stringify({ file: rel, error }, null, 2)}\n`);
          rows.set(path, rowOf(rel, relative(outDir, errorFile), undefined, error));
          throw err;
        }
      },
      { format: 'jsonl', concurrency, write: () => {} },
    );
    const table = files.flatMap((f) => {
      const r = rows.get(f);
      return r ? [SUMMARY_COLUMNS.map((c) => guardCell(r[c]))] : [];
    });
    await writeAtomic(join(outDir, 'summary.csv'), stringify([[...SUMMARY_COLUMNS], ...table]));
    const done = summary.total - summary.failed;
    process.stderr.write(
      `invex batch: ${done} done (${skipped} already there), ${summary.failed} failed; ${join(outDir, 'summary.csv')}\n`,
    );
    return summary;
  } finally {
    await rt?.close();
    await closePipeline();
  }
}
