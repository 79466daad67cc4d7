/**
 * Queue benchmark (`npm run bench:queue [-- --n 200 --workers 2 --warm 30 --model DIR]`): N digital invoices
 * from the synthetic generator, uploaded over HTTP to the API, processed by W `invex worker` processes, each
 * result POSTed to a webhook receiver. Prints documents/s, upload→webhook latency p50/p95, and the queue's
 * overhead per document against in-process extractFile over the same files with the same parallelism
 * (W lanes), measured in the same run: wall time, and CPU of the service (API, workers and their sandboxed
 * children, Redis).                                                                   target ≤ 10 %
 * Both sides first process --warm documents per process (V8 compiles pdfjs, NER and assembly hot paths in
 * each process: the queue has 2W processes to warm, the in-process reference one), so the numbers are the
 * steady state of long-running workers. The client (uploads, webhook receiver) runs in its own process
 * (bench/queue-client.ts); its CPU is shown apart, not counted as the service's.
 * Model: --model, else INVEX_MODEL_DIR, else models/invoice-ner, else the tests' smoke model.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/api/app.js';
import { config } from '../src/config.js';
import { generateDocument } from '../src/corpus/synth/generate.js';
import { createLocalStore } from '../src/deliver/store.js';
import { DEFAULT_MODEL_DIR } from '../src/ner/ner.js';
import { closePipeline, extractFile } from '../src/pipeline.js';
import { QueueRuntime } from '../src/queue/runtime.js';
import { queueSettings } from '../src/queue/settings.js';
import { ensureTestModel } from '../test/fixtures/smoke-model.js';
import type { ClientReport, ClientRun } from './queue-client.js';
import { emitResult, meets } from './result.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '200' },
    workers: { type: 'string', default: '2' },
    model: { type: 'string' },
    warm: { type: 'string', default: '30' },
    seed: { type: 'string', default: '9001' },
  },
});
const N = Number(values.n);
const W = Number(values.workers);
const SEED = Number(values.seed);
/** Warm-up documents per process. */
const WARM = Number(values.warm);
const KEY = randomBytes(16).toString('hex');
const SECRET = randomBytes(16).toString('hex');
const TARGET = 0.1;

async function modelDir(): Promise<string> {
  if (values.model) return resolve(values.model);
  if (config().modelDir) return resolve(config().modelDir as string);
  if (existsSync(join(DEFAULT_MODEL_DIR, 'model.onnx'))) return DEFAULT_MODEL_DIR;
  console.log(
    'bench:queue: no trained model; using the smoke model of the tests (untrained; same architecture as a default-trained one)',
  );
  return ensureTestModel();
}

/** N + warm-up invoices, generated once into tmp/ and reused. */
async function documents(count: number): Promise<string[]> {
  const dir = join(ROOT, 'tmp', `bench-queue-${SEED}`);
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const f = join(dir, `${String(i).padStart(5, '0')}.pdf`);
    if (!existsSync(f)) writeFileSync(f, (await generateDocument(SEED, i)).pdf);
    files.push(f);
  }
  return files;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

/** CPU seconds (user + system) of a process and all its live descendants, from /proc (Linux). */
function treeCpuSeconds(root: number, descendants = true): number {
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the command: state ppid … utime(12) stime(13), 0-based from state.
      parent.set(Number(entry), Number(fields[1]));
      cpu.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / CLK_TCK);
    } catch {
      // exited meanwhile
    }
  }
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop() as number;
    total += cpu.get(pid) ?? 0;
    if (!descendants) break;
    for (const [child, ppid] of parent) if (ppid === pid) stack.push(child);
  }
  return total;
}

const CLK_TCK = 100;
const processCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function redisCpuSeconds(rt: QueueRuntime): Promise<number> {
  const info = await rt.redis.info('cpu');
  const get = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return get('used_cpu_user') + get('used_cpu_sys');
}

async function inProcess(files: string[], warm: string[], lanes: number, model: string): Promise<Measured> {
  const opts = { ocr: 'auto' as const, lang: config().ocrLang, ner: { modelDir: model } };
  const inLanes = async (list: string[]) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (next < list.length) await extractFile(list[next++] as string, opts);
      }),
    );
  };
  await inLanes(warm);
  const cpu0 = processCpuSeconds();
  const t0 = performance.now();
  await inLanes(files);
  return { wallMs: performance.now() - t0, cpuS: processCpuSeconds() - cpu0 };
}

interface Measured {
  wallMs: number;
  /** CPU seconds spent by every process involved (less sensitive to other load on the machine). */
  cpuS: number;
}

function spawnWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/invex.js'), 'worker'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((res, rej) => {
    child.stderr?.on('data', (c: Buffer) => {
      if (c.toString().includes(' running ')) res(child);
    });
    child.on('exit', (code) => rej(new Error(`worker exited with ${code}`)));
  });
}

/** The client process: uploads a batch and waits for every webhook (bench/queue-client.ts). */
interface Client {
  run(batch: ClientRun): Promise<ClientReport>;
  close(): void;
}

async function startClient(): Promise<Client> {
  const child = fork(join(ROOT, 'bin/run-ts.js'), ['bench/queue-client.ts'], { cwd: ROOT, stdio: 'inherit' });
  const next = () =>
    new Promise<{ ready?: true; report?: ClientReport; error?: string }>((res, rej) => {
      const onExit = (code: number | null) => rej(new Error(`bench client exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (m) => {
        child.off('exit', onExit);
        res(m as { report?: ClientReport; error?: string });
      });
    });
  await next();
  return {
    async run(batch) {
      const reply = next();
      child.send(batch);
      const m = await reply;
      if (!m.report) throw new Error(`bench client: ${m.error}`);
      return m.report;
    },
    close: () => child.disconnect(),
  };
}

interface QueueRun extends Measured {
  latencies: number[];
  failed: number;
  parts: Record<string, number>;
  clientCpuS: number;
}

async function throughQueue(
  files: string[],
  warm: string[],
  workers: number,
  model: string,
): Promise<QueueRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'invex-bench-queue-'));
  const settings = queueSettings(undefined, { prefix: `invex-bench-${randomBytes(3).toString('hex')}` });
  const env = {
    ...process.env,
    INVEX_QUEUE_PREFIX: settings.prefix,
    REDIS_URL: settings.redisUrl,
    INVEX_DATA_DIR: dataDir,
    INVEX_MODEL_DIR: model,
    INVEX_WEBHOOK_SECRET: SECRET,
    INVEX_WEBHOOK_ALLOW: '127.0.0.1',
  };
  const rt = QueueRuntime.open(settings, { failFast: true });
  await rt.waitUntilConnected();
  const c = config();
  const app = await buildApp({
    runtime: rt,
    store: createLocalStore(dataDir),
    apiKeys: [KEY],
    limits: {
      maxFileBytes: c.maxFileBytes,
      maxPages: c.maxPages,
      maxImagePixels: c.maxImagePixels,
      maxFiles: 1,
    },
    webhook: { secret: SECRET, allow: ['127.0.0.1'] },
    metricsEvents: false,
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const [client, ...procs] = await Promise.all([
    startClient(),
    ...Array.from({ length: workers }, () => spawnWorker(env)),
  ]);
  const cl = client as Client;
  const workerProcs = procs as ChildProcess[];
  try {
    // Warm-up: every worker starts its sandboxed children and V8 compiles the hot paths before the clock runs.
    await cl.run({ files: warm, base, key: KEY });
    const cpuParts = async () => {
      const mains = workerProcs.reduce((t, p) => t + treeCpuSeconds(p.pid as number, false), 0);
      const trees = workerProcs.reduce((t, p) => t + treeCpuSeconds(p.pid as number), 0);
      return {
        API: processCpuSeconds(),
        redis: await redisCpuSeconds(rt),
        'worker mains': mains,
        'sandboxed children': trees - mains,
      };
    };
    const parts0 = await cpuParts();
    const report = await cl.run({ files, base, key: KEY });
    const parts1 = await cpuParts();
    const parts = Object.fromEntries(
      Object.entries(parts1).map(([k, v]) => [k, v - parts0[k as keyof typeof parts0]]),
    );
    const cpuS = Object.values(parts).reduce((t, v) => t + v, 0);
    const end = Math.max(...report.docs.map((d) => d.doneAt));
    const latencies = report.docs.map((d) => d.doneAt - d.sentAt);
    const failed = report.docs.filter((d) => d.event !== 'document.done').length;
    // Where the time goes: each stage's active time, and the gaps between stages (queue hand-over).
    const stageMs: Record<string, number[]> = {
      ingest: [],
      assemble: [],
      deliver: [],
      'handover ingest→assemble': [],
      'handover assemble→deliver': [],
      'upload→ingest start': [],
    };
    for (const d of report.docs) {
      const hex = d.id.slice(7);
      const [i, a, dl] = await Promise.all([
        rt.queues.ingest.getJob(hex),
        rt.queues.assemble.getJob(hex),
        rt.queues.deliver.getJob(hex),
      ]);
      if (
        !i?.processedOn ||
        !i.finishedOn ||
        !a?.processedOn ||
        !a.finishedOn ||
        !dl?.processedOn ||
        !dl.finishedOn
      )
        continue;
      stageMs.ingest?.push(i.finishedOn - i.processedOn);
      stageMs.assemble?.push(a.finishedOn - a.processedOn);
      stageMs.deliver?.push(dl.finishedOn - dl.processedOn);
      stageMs['handover ingest→assemble']?.push(a.processedOn - i.finishedOn);
      stageMs['handover assemble→deliver']?.push(dl.processedOn - a.finishedOn);
      stageMs['upload→ingest start']?.push(i.processedOn - d.sentAt);
    }
    const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / Math.max(1, xs.length);
    console.log(
      `  per document (mean): ${Object.entries(stageMs)
        .map(([k, v]) => `${k} ${mean(v).toFixed(1)} ms`)
        .join(', ')}`,
    );
    return { wallMs: end - report.startedAt, cpuS, latencies, failed, parts, clientCpuS: report.cpuS };
  } finally {
    cl.close();
    for (const p of workerProcs) p.kill('SIGTERM');
    await Promise.all(
      workerProcs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.on('exit', r)))),
    );
    await app.close();
    for (const q of Object.values(rt.queues)) await q.obliterate({ force: true }).catch(() => {});
    await rt.redis.del(rt.indexKey);
    await rt.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const model = await modelDir();
const all = await documents(N + WARM * W);
const files = all.slice(0, N);
console.log(
  `bench:queue: ${N} digital invoices, ${W} workers, warm-up ${WARM} documents per process, model ${model}`,
);

const inp = await inProcess(files, all.slice(N, N + WARM), W, model);
await closePipeline();
const perDoc = (s: number) => `${((s * 1000) / N).toFixed(1)} ms`;
console.log(
  `  in-process (extractFile, ${W} lanes): ${(N / (inp.wallMs / 1000)).toFixed(2)} docs/s, ` +
    `${(inp.wallMs / N).toFixed(1)} ms/doc wall, ${perDoc(inp.cpuS)}/doc CPU`,
);

const q = await throughQueue(files, all.slice(N), W, model);
console.log(
  `  queue CPU per document: ${Object.entries(q.parts)
    .map(([k, v]) => `${k} ${perDoc(v)}`)
    .join(', ')}; client (uploads, webhook receiver; not counted) ${perDoc(q.clientCpuS)}`,
);
console.log(
  `  queue (API → ${W} workers → webhook): ${(N / (q.wallMs / 1000)).toFixed(2)} docs/s, ` +
    `${(q.wallMs / N).toFixed(1)} ms/doc wall, ${perDoc(q.cpuS)}/doc CPU (API, workers, Redis), ` +
    `upload→webhook p50 ${pct(q.latencies, 50).toFixed(0)} ms, p95 ${pct(q.latencies, 95).toFixed(0)} ms` +
    (q.failed ? `, ${q.failed} failed` : ''),
);
const wallRatio = q.wallMs / inp.wallMs;
const cpuRatio = q.cpuS / inp.cpuS;
const verdict = (r: number) => (r - 1 <= TARGET ? 'met' : 'NOT met');
console.log(
  `  queue overhead per document: wall ${((q.wallMs - inp.wallMs) / N).toFixed(1)} ms (${((wallRatio - 1) * 100).toFixed(1)} %, ` +
    `ratio ${wallRatio.toFixed(3)}), CPU ${perDoc(q.cpuS - inp.cpuS)} (${((cpuRatio - 1) * 100).toFixed(1)} %, ` +
    `ratio ${cpuRatio.toFixed(3)}); target ≤ 10 %: wall ${verdict(wallRatio)}, CPU ${verdict(cpuRatio)}`,
);
const target = `≤ ${(1 + TARGET).toFixed(2)}`;
emitResult('queue', [
  {
    measure: `queue wall per document (${N} docs, ${W} workers)`,
    ours: q.wallMs / N,
    reference: inp.wallMs / N,
    unit: 'ms',
    ratio: wallRatio,
    target,
    met: meets(wallRatio, target),
    note: 'vs in-process extractFile, same lanes',
  },
  {
    measure: 'queue CPU per document (API, workers, Redis)',
    ours: (q.cpuS * 1000) / N,
    reference: (inp.cpuS * 1000) / N,
    unit: 'ms',
    ratio: cpuRatio,
    target,
    met: meets(cpuRatio, target),
    note: 'vs in-process extractFile',
  },
]);
if (q.failed) process.exitCode = 1;
