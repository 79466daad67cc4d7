/**
 * Queue benchmark (`npm run bench:queue [-- --n 200 --rounds 3 --workers 2 --warm 300 --model DIR --scanned --cpu-prof DIR]`):
 * ROUNDS × N digital invoices (with --scanned: one-page scans as PNG, which OCR reads; use a smaller --n and --warm)
 * from the synthetic generator, uploaded over HTTP to an `invex serve` process, processed by W `invex worker`
 * processes, each result POSTed to a webhook receiver. Prints documents/s, upload→webhook latency p50/p95,
 * and the queue's overhead per document against in-process extractFile over the same files with the same
 * parallelism (W lanes): wall time, and CPU of the service (API, workers and their sandboxed children,
 * Redis).                                                                                target ≤ 10 %
 * Each round measures the in-process reference and then the queue on the same N new documents; the ratios
 * are taken within a round and the median over rounds is reported, since a shared machine's speed drifts by
 * ±20 % over a minute. Both sides stay up across rounds, after first processing --warm documents per
 * process (V8 compiles the pdfjs, NER and assembly hot paths in each process: the queue has 2W of them to
 * warm, the in-process reference one), so the numbers are those of long-running processes. The client
 * (uploads, webhook receiver) is this process: its CPU is shown apart, not counted as the service's. Ends
 * with a BENCH_RESULT line (bench/result.ts).
 * --data DIR: the folder the service's store is made in (default: the system's temp folder).
 * Model: --model, else INVEX_MODEL_DIR, else models/invoice-ner, else the tests' smoke model.
 * --cpu-prof DIR: the API and worker processes (and the sandboxed children, which inherit the flag) write V8 CPU
 * profiles there when they exit, to see where the service's time goes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
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
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { config } from '../src/config.js';
import { generateDocument } from '../src/corpus/synth/generate.js';
import { degradePage, scanParams } from '../src/corpus/synth/scan.js';
import { DEFAULT_MODEL_DIR } from '../src/ner/ner.js';
import { closePipeline, extractFile } from '../src/pipeline.js';
import { QueueRuntime } from '../src/queue/runtime.js';
import { queueSettings } from '../src/queue/settings.js';
import { ensureTestModel } from '../test/fixtures/smoke-model.js';
import { emitResult, meets } from './result.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '200' },
    workers: { type: 'string', default: '2' },
    model: { type: 'string' },
    warm: { type: 'string', default: '300' },
    seed: { type: 'string', default: '9001' },
    rounds: { type: 'string', default: '3' },
    scanned: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    data: { type: 'string' },
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
const SCANNED = values.scanned === true;
/**
 * Where the service's store is made (--data; default: the system's temp folder). Its writes are part of what is
 * measured: on the twelfth session's virtual machine creating and renaming a small file took 0.1-1 ms of kernel
 * CPU, in /tmp and in the project's folder alike and varying from run to run, and a digital invoice's trip creates five.
 */
const DATA_ROOT = resolve(values.data ?? tmpdir());
/** Rounds of N new documents, each measured in-process then through the queue. */
const ROUNDS = Number(values.rounds);

async function modelDir(): Promise<string> {
  if (values.model) return resolve(values.model);
  if (config().modelDir) return resolve(config().modelDir as string);
  if (existsSync(join(DEFAULT_MODEL_DIR, 'model.onnx'))) return DEFAULT_MODEL_DIR;
  console.log(
    'bench:queue: no trained model; using the smoke model of the tests (untrained; same architecture as a default-trained one)',
  );
  return ensureTestModel();
}

/** N + warm-up invoices, generated once into tmp/ and reused: PDFs, or with --scanned one-page scans (PNG). */
async function documents(count: number): Promise<string[]> {
  const dir = join(ROOT, 'tmp', `bench-queue-${SCANNED ? 'scan-' : ''}${SEED}`);
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; files.length < count; i++) {
    const f = join(dir, `${String(i).padStart(5, '0')}.${SCANNED ? 'png' : 'pdf'}`);
    if (!existsSync(f)) {
      const gen = await generateDocument(SEED, i);
      if (SCANNED) {
        // Scans are one page, as the synthetic corpus makes them (src/corpus/synth/scan.ts).
        const size = gen.pageSizes[0];
        if (!size || gen.pageSizes.length !== 1) continue;
        const rng = gen.rng.fork('scan');
        const { raster } = await degradePage(gen.pdf, size, scanParams(rng), rng);
        const png = await sharp(raster.data, {
          raw: { width: raster.width, height: raster.height, channels: 1 },
        })
          .png()
          .withMetadata({ density: raster.dpi })
          .toBuffer();
        writeFileSync(f, png);
      } else writeFileSync(f, gen.pdf);
    }
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

/** In-process extraction over W lanes in this process; `measure` gives its wall time and CPU. */
function inProcess(lanes: number, model: string) {
  const opts = { ocr: 'auto' as const, lang: config().ocrLang, ner: { modelDir: model } };
  const inLanes = async (list: string[]) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (next < list.length) await extractFile(list[next++] as string, opts);
      }),
    );
  };
  return {
    warm: inLanes,
    async measure(files: string[]): Promise<Measured> {
      const cpu0 = processCpuSeconds();
      const t0 = performance.now();
      await inLanes(files);
      return { wallMs: performance.now() - t0, cpuS: processCpuSeconds() - cpu0 };
    },
  };
}

interface Measured {
  wallMs: number;
  /** CPU seconds spent by every process involved (less sensitive to other load on the machine). */
  cpuS: number;
}

/** Starts `invex <command>` and resolves once its stderr shows `ready` (a regex with the line it needs). */
function spawnInvex(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<[ChildProcess, string]> {
  const prof = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(values['cpu-prof'])}`] : [];
  const child = spawn(process.execPath, [...prof, join(ROOT, 'bin/invex.js'), ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((res, rej) => {
    let seen = '';
    child.stderr?.on('data', (c: Buffer) => {
      seen += c.toString();
      const m = ready.exec(seen);
      if (m) res([child, m[1] ?? '']);
    });
    child.on('exit', (code) => rej(new Error(`invex ${args[0]} exited with ${code}: ${seen}`)));
  });
}

const now = () => performance.timeOrigin + performance.now();

/** The client: uploads one file after the other, and receives the webhooks. Times in epoch ms. */
async function startClient(base: string) {
  const arrivals = new Map<string, { at: number; event: string }>();
  const hooks = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { id: string; event: string };
      arrivals.set(body.id, { at: now(), event: body.event });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
  const upload = async (file: string): Promise<string> => {
    const form = new FormData();
    form.append('file', new Blob([readFileSync(file)]), file);
    form.append('callback_url', hookUrl);
    const r = await fetch(`${base}/v1/documents`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${KEY}` },
    });
    if (r.status !== 202) throw new Error(`upload: HTTP ${r.status} ${await r.text()}`);
    return ((await r.json()) as { id: string }[])[0]?.id as string;
  };
  return {
    /** Uploads every file in turn, then waits for all their webhooks. */
    async run(files: string[]) {
      const startedAt = now();
      const sent: [string, number][] = [];
      for (const f of files) {
        const at = now();
        sent.push([await upload(f), at]);
      }
      while (!sent.every(([id]) => arrivals.has(id))) await new Promise((r) => setTimeout(r, 20));
      return {
        startedAt,
        docs: sent.map(([id, sentAt]) => {
          const a = arrivals.get(id) as { at: number; event: string };
          return { id, sentAt, doneAt: a.at, event: a.event };
        }),
      };
    },
    close: () => new Promise<void>((r) => hooks.close(() => r())),
  };
}

interface QueueRun extends Measured {
  latencies: number[];
  failed: number;
  parts: Record<string, number>;
  clientCpuS: number;
  /** Per stage (and hand-over), one time per document in ms. */
  stages: Record<string, number[]>;
}

/** `invex serve` and W `invex worker` processes on a fresh prefix and data folder, with the client. */
async function startService(workers: number, model: string) {
  mkdirSync(DATA_ROOT, { recursive: true });
  const dataDir = mkdtempSync(join(DATA_ROOT, 'invex-bench-queue-'));
  const settings = queueSettings(undefined, { prefix: `invex-bench-${randomBytes(3).toString('hex')}` });
  const env = {
    ...process.env,
    INVEX_QUEUE_PREFIX: settings.prefix,
    REDIS_URL: settings.redisUrl,
    INVEX_DATA_DIR: dataDir,
    INVEX_MODEL_DIR: model,
    INVEX_API_KEYS: KEY,
    INVEX_WEBHOOK_SECRET: SECRET,
    INVEX_WEBHOOK_ALLOW: '127.0.0.1',
  };
  const rt = QueueRuntime.open(settings, { failFast: true });
  await rt.waitUntilConnected();
  const started = await Promise.allSettled([
    spawnInvex(['serve', '--port', '0'], env, /serving on (\S+)/),
    ...Array.from({ length: workers }, () => spawnInvex(['worker'], env, /( running )/)),
  ]);
  const procs = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value[0]] : []));
  const [api, ...workerProcs] = procs;
  let client: Awaited<ReturnType<typeof startClient>> | undefined;
  const close = async () => {
    await client?.close();
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(
      procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.on('exit', r)))),
    );
    for (const q of Object.values(rt.queues)) await q.obliterate({ force: true }).catch(() => {});
    await rt.redis.del(rt.indexKey, rt.metricsKey);
    await rt.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const base = (started[0] as PromiseFulfilledResult<[ChildProcess, string]>).value[1];
    client = await startClient(base);
  } catch (err) {
    await close();
    throw err;
  }
  const cpuParts = async () => {
    const mains = (workerProcs as ChildProcess[]).reduce(
      (t, p) => t + treeCpuSeconds(p.pid as number, false),
      0,
    );
    const trees = (workerProcs as ChildProcess[]).reduce((t, p) => t + treeCpuSeconds(p.pid as number), 0);
    return {
      API: treeCpuSeconds((api as ChildProcess).pid as number),
      redis: await redisCpuSeconds(rt),
      'worker mains': mains,
      'sandboxed children': trees - mains,
      client: processCpuSeconds(),
    };
  };
  const theClient = client as NonNullable<typeof client>;
  return {
    close,
    /** Every worker starts its sandboxed children and V8 compiles the hot paths before the clock runs. */
    warm: (files: string[]) => theClient.run(files),
    async measure(files: string[]): Promise<QueueRun> {
      const parts0 = await cpuParts();
      const report = await theClient.run(files);
      const parts1 = await cpuParts();
      const { client: clientCpuS, ...parts } = Object.fromEntries(
        Object.entries(parts1).map(([k, v]) => [k, v - parts0[k as keyof typeof parts0]]),
      ) as Record<string, number>;
      return {
        wallMs: Math.max(...report.docs.map((d) => d.doneAt)) - report.startedAt,
        cpuS: Object.values(parts).reduce((t, v) => t + v, 0),
        latencies: report.docs.map((d) => d.doneAt - d.sentAt),
        failed: report.docs.filter((d) => d.event !== 'document.done').length,
        parts,
        clientCpuS: clientCpuS as number,
        stages: await stageTimes(rt, report.docs),
      };
    },
  };
}

/**
 * Where a document's time goes: each stage's active time, and the waits between them (queue hand-overs).
 * A digital invoice has no assemble job: its ingest job assembles it.
 */
async function stageTimes(rt: QueueRuntime, docs: { id: string; sentAt: number }[]) {
  const stageMs: Record<string, number[]> = {
    'upload→ingest start': [],
    ingest: [],
    assemble: [],
    'hand-over to deliver': [],
    deliver: [],
  };
  for (const d of docs) {
    const hex = d.id.slice(7);
    const [i, a, dl] = await Promise.all([
      rt.queues.ingest.getJob(hex),
      rt.queues.assemble.getJob(hex),
      rt.queues.deliver.getJob(hex),
    ]);
    if (!i?.processedOn || !i.finishedOn || !dl?.processedOn || !dl.finishedOn) continue;
    stageMs['upload→ingest start']?.push(i.processedOn - d.sentAt);
    stageMs.ingest?.push(i.finishedOn - i.processedOn);
    if (a?.processedOn && a.finishedOn) stageMs.assemble?.push(a.finishedOn - a.processedOn);
    stageMs['hand-over to deliver']?.push(dl.processedOn - (a?.finishedOn ?? i.finishedOn));
    stageMs.deliver?.push(dl.finishedOn - dl.processedOn);
  }
  return stageMs;
}

const model = await modelDir();
const all = await documents(N * ROUNDS + WARM * W);
const warmFiles = all.slice(N * ROUNDS);
console.log(
  `bench:queue: ${ROUNDS} rounds of ${N} ${SCANNED ? 'scanned (one-page PNG)' : 'digital'} invoices, ${W} workers, ` +
    `warm-up ${WARM} documents per process, model ${model}`,
);

// Both sides stay up for every round, and each round measures one then the other on the same new files:
// the machine's load drifts (shared hosts), so a ratio is taken within a round and the median reported.
const reference = inProcess(W, model);
await reference.warm(warmFiles.slice(0, WARM));
const service = await startService(W, model);
const rounds: { inp: Measured; q: QueueRun }[] = [];
try {
  await service.warm(warmFiles);
  for (let r = 0; r < ROUNDS; r++) {
    const files = all.slice(r * N, (r + 1) * N);
    const inp = await reference.measure(files);
    const q = await service.measure(files);
    rounds.push({ inp, q });
    console.log(
      `  round ${r + 1}: in-process ${(inp.wallMs / N).toFixed(1)} ms/doc wall, ${perDoc(inp.cpuS)} CPU; ` +
        `queue ${(q.wallMs / N).toFixed(1)} ms/doc wall, ${perDoc(q.cpuS)} CPU; ` +
        `ratios wall ${(q.wallMs / inp.wallMs).toFixed(3)}, CPU ${(q.cpuS / inp.cpuS).toFixed(3)}` +
        (q.failed ? `; ${q.failed} failed` : ''),
    );
  }
} finally {
  await service.close();
  await closePipeline();
}

function perDoc(s: number): string {
  return `${((s * 1000) / N).toFixed(1)} ms`;
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const qs = rounds.map((r) => r.q);
const parts = Object.keys(qs[0]?.parts ?? {});
console.log(
  `  queue CPU per document (mean of rounds): ${parts
    .map((k) => `${k} ${perDoc(mean(qs.map((q) => q.parts[k] ?? 0)))}`)
    .join(
      ', ',
    )}; client (uploads, webhook receiver; not counted) ${perDoc(mean(qs.map((q) => q.clientCpuS)))}`,
);
// Stages no document went through (assemble, for digital invoices) are left out.
const stages = Object.keys(qs[0]?.stages ?? {}).filter((k) => qs.some((q) => q.stages[k]?.length));
console.log(
  `  per document (mean): ${stages
    .map((k) => `${k} ${mean(qs.flatMap((q) => q.stages[k] ?? [])).toFixed(1)} ms`)
    .join(', ')}`,
);
const latencies = qs.flatMap((q) => q.latencies);
const failed = qs.reduce((t, q) => t + q.failed, 0);
const wallRatio = median(rounds.map((r) => r.q.wallMs / r.inp.wallMs));
const cpuRatio = median(rounds.map((r) => r.q.cpuS / r.inp.cpuS));
const qWall = median(qs.map((q) => q.wallMs)) / N;
const inWall = median(rounds.map((r) => r.inp.wallMs)) / N;
const qCpu = (median(qs.map((q) => q.cpuS)) * 1000) / N;
const inCpu = (median(rounds.map((r) => r.inp.cpuS)) * 1000) / N;
console.log(
  `  queue (API → ${W} workers → webhook): ${(1000 / qWall).toFixed(2)} docs/s, upload→webhook p50 ` +
    `${pct(latencies, 50).toFixed(0)} ms, p95 ${pct(latencies, 95).toFixed(0)} ms` +
    (failed ? `, ${failed} failed` : ''),
);
const verdict = (r: number) => (r - 1 <= TARGET ? 'met' : 'NOT met');
console.log(
  `  queue overhead per document (medians of ${ROUNDS} rounds): wall ${qWall.toFixed(1)} vs ${inWall.toFixed(1)} ms ` +
    `(ratio ${wallRatio.toFixed(3)}), CPU ${qCpu.toFixed(1)} vs ${inCpu.toFixed(1)} ms (ratio ${cpuRatio.toFixed(3)}); ` +
    `target ≤ 10 %: wall ${verdict(wallRatio)}, CPU ${verdict(cpuRatio)}`,
);
const target = `≤ ${(1 + TARGET).toFixed(2)}`;
emitResult('queue', [
  {
    measure: `queue wall per document (${N} ${SCANNED ? 'scanned ' : ''}docs × ${ROUNDS} rounds, ${W} workers)`,
    ours: qWall,
    reference: inWall,
    unit: 'ms',
    ratio: wallRatio,
    target,
    met: meets(wallRatio, target),
    note: 'vs in-process extractFile, same lanes; median of the rounds',
  },
  {
    measure: `queue CPU per ${SCANNED ? 'scanned ' : ''}document (API, workers, Redis)`,
    ours: qCpu,
    reference: inCpu,
    unit: 'ms',
    ratio: cpuRatio,
    target,
    met: meets(cpuRatio, target),
    note: 'vs in-process extractFile; median of the rounds',
  },
]);
if (failed) process.exitCode = 1;
