/**
 * Queue benchmark (`npm run bench:queue [-- --n 200 --workers 2 --warm 30 --model DIR --scanned --cpu-prof DIR]`): N digital invoices
 * (with --scanned: one-page scans as PNG, which OCR reads; use a smaller --n and --warm)
 * from the synthetic generator, uploaded over HTTP to an `invex serve` process, processed by W `invex worker`
 * processes, each result POSTed to a webhook receiver. Prints documents/s, upload→webhook latency p50/p95,
 * and the queue's overhead per document against in-process extractFile over the same files with the same
 * parallelism (W lanes), measured in the same run: wall time, and CPU of the service (API, workers and
 * their sandboxed children, Redis).                                                    target ≤ 10 %
 * Both sides first process --warm documents per process (V8 compiles the pdfjs, NER and assembly hot paths
 * in each process: the queue has 2W of them to warm, the in-process reference one), so the numbers are those
 * of long-running processes. The client (uploads, webhook receiver) is this process: its CPU is shown apart,
 * not counted as the service's. Ends with a BENCH_RESULT line (bench/result.ts).
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
    warm: { type: 'string', default: '30' },
    seed: { type: 'string', default: '9001' },
    scanned: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
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
  try {
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const base = (started[0] as PromiseFulfilledResult<[ChildProcess, string]>).value[1];
    client = await startClient(base);
    // Warm-up: every worker starts its sandboxed children and V8 compiles the hot paths before the clock runs.
    await client.run(warm);
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
    const parts0 = await cpuParts();
    const report = await client.run(files);
    const parts1 = await cpuParts();
    const { client: clientCpuS, ...parts } = Object.fromEntries(
      Object.entries(parts1).map(([k, v]) => [k, v - parts0[k as keyof typeof parts0]]),
    ) as Record<string, number>;
    const cpuS = Object.values(parts).reduce((t, v) => t + v, 0);
    const end = Math.max(...report.docs.map((d) => d.doneAt));
    const latencies = report.docs.map((d) => d.doneAt - d.sentAt);
    const failedDocs = report.docs.filter((d) => d.event !== 'document.done').length;
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
    return {
      wallMs: end - report.startedAt,
      cpuS,
      latencies,
      failed: failedDocs,
      parts,
      clientCpuS: clientCpuS as number,
    };
  } finally {
    await client?.close();
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(
      procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.on('exit', r)))),
    );
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
  `bench:queue: ${N} ${SCANNED ? 'scanned (one-page PNG)' : 'digital'} invoices, ${W} workers, warm-up ${WARM} documents per process, model ${model}`,
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
    measure: `queue wall per document (${N} ${SCANNED ? 'scanned ' : ''}docs, ${W} workers)`,
    ours: q.wallMs / N,
    reference: inp.wallMs / N,
    unit: 'ms',
    ratio: wallRatio,
    target,
    met: meets(wallRatio, target),
    note: 'vs in-process extractFile, same lanes',
  },
  {
    measure: `queue CPU per ${SCANNED ? 'scanned ' : ''}document (API, workers, Redis)`,
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
